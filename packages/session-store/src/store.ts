// The php_session store: PHP's save handler (read, write, destroy, gc), made
// correct for a multi-master cluster. Framework-free: it runs SQL through a
// SqlExecutor and knows nothing of cookies or HTTP (src/next.ts binds it).
//
// What it promises:
// - Strict ids: only ids this server issued (a MAC under the secret) are ever
//   looked up. A destroyed or rotated-away id is kept as a tombstone row until
//   it could no longer be revived, so it never comes back.
// - Lazy rows: an issued id costs nothing until its first change; reading a
//   session that has no row yet writes nothing.
// - Hashed at rest: rows are keyed by SHA-256(id).
// - Timeouts: idle and absolute, checked on every read and change.
// - No lost updates: a change reads the row, applies a pure function and
//   writes with `UPDATE … WHERE version = ?`; the loser of a race re-reads and
//   applies again. Conflicts, temporary errors and lost connections are
//   retried with jittered backoff (src/engine-errors.ts).
// - Exactly once: a change with an op key is remembered for `opRetentionMs`
//   (24 h by default), through sign-in rotation; a retry or replay of it is
//   answered "duplicate", and the same key with a different request
//   fingerprint "key_reused". The last `maxRowKeys` keys live in the row
//   itself (hashed), written by the same version-checked UPDATE as the change,
//   so a keyed change costs what an unkeyed one does: one read (the row joined
//   with its key's php_session_op entry), one write, no transaction. Older
//   keys move into php_session_op in the same transaction as the UPDATE that
//   drops them from the row: the group-commit batch it goes with (an INSERT
//   that leaves a key already there alone, since a lost race may have copied
//   it; a key in both places is still one key). The change's own key never
//   moves that way: only a transaction of its own may put it anywhere but its
//   own version-checked UPDATE. Changes
//   without a key still apply once across the store's own retries.
// - Rotation: sign-in and sign-out give a new id in one transaction that turns
//   the old row into a tombstone. For `rotatedGraceMs` a request with the old
//   id is answered "rotated" (never adopted, never given a fresh session).
// - Outages are errors, not new sessions (SessionStoreUnavailableError).
// - Group commit: while a change's UPDATE is on its way, the UPDATEs of the
//   changes that reach that point meanwhile wait and then go together, in one
//   transaction: one replicated write set for several sessions instead of one
//   each, and with the executor's `script` one round trip (BEGIN, the UPDATEs
//   and COMMIT in one query). Each UPDATE keeps its own version check; if the
//   transaction fails, every change in it is retried (and found applied, if it
//   was: its op id or key is in the row).
// - No redundant causality waits (MariaDB Galera, `skipRedundantCausalWaits`):
//   a change's first read skips the wait. It may miss a commit made on another
//   node a moment ago; the version-checked UPDATE (and Galera's certification
//   of it) then fails, and the retry reads causally. Only an attempt that ends
//   in that UPDATE trusts the relaxed read: any other outcome (no row, ended,
//   rotated, unchanged, duplicate) is read again causally before it is given.
//   A write batch's BEGIN skips it too: the batch holds only those UPDATEs
//   and the INSERTs of the op keys they move, which are right on any snapshot.
// - Batched reads: the reads of one event-loop turn share one
//   `SELECT … WHERE session_id IN (…)`, so a node under load sends one
//   statement per turn, not one per request. Each read is still answered by a
//   statement sent after it was asked, so it sees every change acknowledged
//   before it.
import { IdempotencyKeyReusedError, SessionDataTooLargeError, SessionStoreUnavailableError } from "./errors.ts";
import { classifyError, errnoOf, type ErrorClass } from "./engine-errors.ts";
import { newLineage, newOpId, SessionIds, sessionKey, sessionLabel } from "./ids.ts";
import type { ScriptStatement, SqlExecutor, SqlTransaction, WriteResult } from "./sql.ts";

/** Anything with zod's `safeParse` (zod 3 or 4, valibot's adapters, hand-written). */
export interface DataSchema<D> {
  safeParse(value: unknown): { success: true; data: D } | { success: false; error: unknown };
}

export interface SessionStoreOptions<D> {
  sql: SqlExecutor;
  /** Secret for the ids' MAC, at least 32 bytes, shared by every node. */
  secret: string | Buffer;
  /** The application's data: its schema and its empty value. */
  schema: DataSchema<D>;
  emptyData: () => D;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** A read refreshes last_updated at most this often (capped at half the idle timeout). Default 60 s. */
  touchIntervalMs?: number;
  /** How long a rotated-away id is answered "rotated" rather than "ended". Default 120 s. */
  rotatedGraceMs?: number;
  /** How long an applied op key is remembered. Default 24 h. */
  opRetentionMs?: number;
  /**
   * Op keys kept in the row before the oldest move to php_session_op. Default 32.
   * 0 keeps every key in php_session_op, as version 0.1 did: use it while a rolling
   * upgrade from 0.1 runs, since a 0.1 node rewriting a row drops the keys kept in it.
   */
  maxRowKeys?: number;
  /**
   * Reads asked in the same event-loop turn share one SELECT of at most this many keys. Default 64;
   * 1 sends one SELECT per read.
   */
  readBatchSize?: number;
  /**
   * Changes whose UPDATEs queue behind one in flight go together, at most this many in one transaction.
   * Default 16; 1 sends every UPDATE on its own.
   */
  writeBatchSize?: number;
  /**
   * MariaDB Galera with `wsrep_sync_wait` on: skip the causality wait (a cluster
   * round trip) where a version check makes it redundant, with `SET STATEMENT
   * wsrep_sync_wait=0 FOR …`: a change's first read (its version-checked UPDATE
   * catches a stale read; every other outcome is read again with the wait) and
   * the BEGIN of a write batch. Default false (MariaDB syntax only).
   */
  skipRedundantCausalWaits?: boolean;
  /** Clock difference tolerated between nodes. Default 5 min. */
  clockSkewMs?: number;
  /** Upper bound of the serialized envelope, in bytes; the column is VARBINARY(16384). */
  maxDataBytes?: number;
  /** Written to last_node, for operators. */
  nodeName: string;
  log?: SessionLogger;
  observer?: StoreObserver;
  now?: () => number;
  /** Attempts for a contended change (each conflict costs one). Default 40. */
  conflictAttempts?: number;
  /** Attempts after lost connections or unknown outcomes (each moves to another endpoint). Default 4. */
  connectionAttempts?: number;
}

export interface SessionLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface StoreObserver {
  operation(op: string, seconds: number, outcome: "ok" | "error"): void;
  retry(errorClass: ErrorClass): void;
}

/** A session as the application sees it. `backed` is false until its first change writes the row. */
export interface Session<D> {
  key: Buffer;
  userId: number | null;
  createdAt: Date;
  lastUpdated: Date;
  version: number;
  data: D;
  backed: boolean;
}

export type EndReason = "expired" | "destroyed" | "unknown";

export type LoadResult<D> =
  | { status: "active"; session: Session<D> }
  /** No id, or a value this server did not issue. */
  | { status: "absent" }
  /** Rotated away by a sign-in or sign-out within the grace period: refuse, keep the client's cookie. */
  | { status: "rotated" }
  /** Timed out, destroyed, collected: the client needs a new id. */
  | { status: "ended"; reason: EndReason };

/**
 * Returned by a mutation to say "nothing to write". A registered symbol, so
 * that it is the same value when a bundler includes this module twice.
 */
export const UNCHANGED: unique symbol = Symbol.for("@shopcluster/session-store.unchanged");

export interface Mutation<D, R> {
  data: D | typeof UNCHANGED;
  result: R;
}

export type Mutate<D, R> = (data: D, session: Session<D>, tx: SqlTransaction) => Mutation<D, R> | Promise<Mutation<D, R>>;

export interface ChangeOptions {
  /** The client's idempotency key for this change (e.g. "add:<Idempotency-Key>"), at most 100 characters. */
  opKey?: string;
  /** What the key was used for (e.g. a hash of method, path and body): a replay with another fingerprint is refused. */
  fingerprint?: string;
  /** Run the mutation inside a transaction even without an op key (its own statements commit with the change). */
  transaction?: boolean;
}

/**
 * One shape for every change. `id` is set when the store issued a new id (the
 * request's was absent or ended): the caller sends it as the new cookie.
 */
export type ChangeResult<D, R> =
  | { status: "changed" | "unchanged"; session: Session<D>; result: R; id?: string; previous?: EndReason | "absent" }
  /** This op key was applied before: nothing was done now. */
  | { status: "duplicate"; session: Session<D> }
  | { status: "rotated" };

export interface SignedInSession {
  /** Hex of the stored key: lets an operator end it, cannot be used as a cookie. */
  key: string;
  label: string;
  userId: number;
  createdAt: Date;
  lastSeen: Date;
  lastNode: string;
}

/** An op key applied recently, kept in the row: [hash of the key, hash of the fingerprint, expiry in epoch seconds]. */
type RowKey = [key: string, fingerprint: string, expiresAtS: number];

interface Envelope<D> {
  data: D;
  ops: string[];
  keys?: RowKey[];
}

interface ParsedEnvelope<D> {
  ok: boolean;
  data: D;
  ops: string[];
  keys: RowKey[];
}

interface SessionRow {
  session_id?: Buffer;
  user_id: number | null;
  date_created: Date;
  last_updated: Date;
  version: number;
  lineage: Buffer;
  ended_at: Date | null;
  end_reason: string | null;
  session_data: Buffer | string;
  op_fingerprint?: Buffer | null;
}

/** A read waiting for its turn's batch. */
interface PendingRead {
  key: Buffer;
  waiters: { resolve: (row: SessionRow | undefined) => void; reject: (error: unknown) => void }[];
}

/** A change's version-checked UPDATE waiting for the one in flight (group commit). */
interface PendingWrite {
  values: unknown[];
  /** Statements that commit with it, sent just before it (the op keys it moves out of the row). */
  before: ScriptStatement[];
  resolve: (affectedRows: number) => void;
  reject: (error: unknown) => void;
}

/** Another writer changed the row between our read and our write. */
class VersionConflictError extends Error {}

/** This change must consult or fill php_session_op: run it again inside a transaction. */
class NeedsTransaction extends Error {}

/** A relaxed read led somewhere other than a version-checked UPDATE: read again, causally. */
class ReadAgain extends Error {}

/** Ops of a change without a key, kept in the row so the store's own retries apply once. */
const MAX_RING_OPS = 16;
const MAX_OP_KEY_LENGTH = 100;
/** Past maxRowKeys op keys in a row (about 60 bytes each), the oldest SPILL_KEYS move to php_session_op at once. */
const SPILL_KEYS = 16;

const COLUMNS = "s.user_id, s.date_created, s.last_updated, s.version, s.lineage, s.ended_at, s.end_reason, s.session_data";
const SELECT_SESSION = `SELECT ${COLUMNS} FROM php_session s WHERE s.session_id = ?`;
/** Batched reads: IN lists of 2, 4, 8, … keys (padded by repeating one), so a few prepared statements serve every batch. */
const SELECT_SESSIONS = new Map<number, string>();
function selectSessions(size: number): string {
  let sql = SELECT_SESSIONS.get(size);
  if (sql === undefined) {
    sql = `SELECT s.session_id, ${COLUMNS} FROM php_session s WHERE s.session_id IN (${Array(size).fill("?").join(", ")})`;
    SELECT_SESSIONS.set(size, sql);
  }
  return sql;
}
// A keyed change reads its key's php_session_op entry with the row, in one statement: spilled keys are
// stored as "#" + their row hash, keys recorded before keys lived in the row as themselves.
const SELECT_SESSION_WITH_OP = `SELECT ${COLUMNS}, o.fingerprint AS op_fingerprint FROM php_session s LEFT JOIN php_session_op o ON o.lineage = s.lineage AND o.op_key IN (?, ?) WHERE s.session_id = ?`;
/** MariaDB: this one statement without Galera's causality wait (see skipRedundantCausalWaits). */
const RELAXED = "SET STATEMENT wsrep_sync_wait=0 FOR ";
const RELAXED_BEGIN = { begin: `${RELAXED}START TRANSACTION` };
const INSERT_SESSION =
  "INSERT INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)";
const UPDATE_SESSION =
  "UPDATE php_session SET session_data = ?, version = version + 1, last_updated = ?, expires_at = ?, last_node = ? WHERE session_id = ? AND version = ?";
const TOMBSTONE =
  "UPDATE php_session SET ended_at = ?, end_reason = ?, user_id = NULL, session_data = ?, version = version + 1, expires_at = ?, last_node = ? WHERE session_id = ? AND version = ?";
const INSERT_TOMBSTONE =
  "INSERT INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data, ended_at, end_reason) VALUES (?, NULL, ?, ?, ?, 0, ?, ?, ?, ?, ?)";

export class SessionStore<D> {
  readonly ids: SessionIds;
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  private readonly sql: SqlExecutor;
  private readonly schema: DataSchema<D>;
  private readonly emptyData: () => D;
  private readonly touchIntervalMs: number;
  private readonly rotatedGraceMs: number;
  private readonly opRetentionMs: number;
  private readonly maxRowKeys: number;
  private readonly clockSkewMs: number;
  private readonly maxDataBytes: number;
  private readonly nodeName: string;
  private readonly log?: SessionLogger;
  private readonly observer?: StoreObserver;
  private readonly now: () => number;
  private readonly conflictAttempts: number;
  private readonly connectionAttempts: number;
  private readonly emptyEnvelopeBytes: Buffer;
  private readonly readBatchSize: number;
  /** Reads asked in this event-loop turn, by key, sent together from setImmediate. */
  private pendingReads = new Map<string, PendingRead>();
  private readonly writeBatchSize: number;
  private readonly skipRedundantCausalWaits: boolean;
  private pendingWrites: PendingWrite[] = [];
  private writing = false;

  constructor(options: SessionStoreOptions<D>) {
    if (!(options.idleTimeoutMs > 0) || !(options.absoluteTimeoutMs > 0)) {
      throw new Error("session-store: Bad usage: idleTimeoutMs and absoluteTimeoutMs must be positive");
    }
    this.sql = options.sql;
    this.ids = new SessionIds(options.secret);
    this.schema = options.schema;
    this.emptyData = options.emptyData;
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.absoluteTimeoutMs = options.absoluteTimeoutMs;
    // A touch must come well within the idle timeout, or a visitor who only reads would time out.
    this.touchIntervalMs = Math.min(options.touchIntervalMs ?? 60_000, Math.floor(options.idleTimeoutMs / 2));
    this.rotatedGraceMs = options.rotatedGraceMs ?? 120_000;
    this.opRetentionMs = options.opRetentionMs ?? 24 * 60 * 60_000;
    this.maxRowKeys = Math.max(0, Math.floor(options.maxRowKeys ?? 32));
    this.clockSkewMs = options.clockSkewMs ?? 5 * 60_000;
    this.maxDataBytes = options.maxDataBytes ?? 16 * 1024;
    this.nodeName = options.nodeName;
    this.log = options.log;
    this.observer = options.observer;
    this.now = options.now ?? Date.now;
    this.conflictAttempts = options.conflictAttempts ?? 40;
    this.connectionAttempts = options.connectionAttempts ?? 4;
    this.emptyEnvelopeBytes = Buffer.from(JSON.stringify({ data: null, ops: [] }));
    this.readBatchSize = Math.max(1, Math.floor(options.readBatchSize ?? 64));
    this.writeBatchSize = Math.max(1, Math.floor(options.writeBatchSize ?? 16));
    this.skipRedundantCausalWaits = options.skipRedundantCausalWaits === true;
  }

  /** The application's empty data (what a session without a row holds). */
  emptySessionData(): D {
    return this.emptyData();
  }

  /** A new id with no row behind it yet (a visitor's first page view). Writes nothing. */
  issueId(): string {
    return this.ids.issue(this.now());
  }

  /** read(): the session for a cookie value, enforcing timeouts; touches lazily. */
  async load(id: string | undefined): Promise<LoadResult<D>> {
    const issuedAt = this.ids.verify(id);
    if (issuedAt === null) return { status: "absent" };
    const key = sessionKey(id!);
    const row = await this.guard("load", () => this.readRow(key));
    const state = this.classify(row, issuedAt);
    if (state.kind === "rotated") return { status: "rotated" };
    if (state.kind === "ended") {
      if (state.reason === "expired" && row) await this.deleteExpired(key, row);
      return { status: "ended", reason: state.reason };
    }
    if (state.kind === "unbacked") return { status: "active", session: this.unbacked(key, issuedAt) };
    const live = row!;
    const parsed = this.parse(live.session_data, key);
    if (this.now() - live.last_updated.getTime() >= this.touchIntervalMs) {
      await this.touch(key, live.date_created).catch((error: unknown) =>
        this.log?.warn({ err: describe(error), session: sessionLabel(key) }, "session touch failed"),
      );
    }
    return { status: "active", session: this.toSession(key, live, parsed.data) };
  }

  /**
   * write(), done atomically: apply `mutate` to the current data and commit it
   * with a version check, re-reading and re-applying on conflict. `mutate` must
   * be pure apart from statements it runs on `tx` (it may run several times).
   * When the request's id is absent or ended, the change is applied to empty
   * data under a new id, returned as `id`.
   */
  async change<R>(id: string | undefined, mutate: Mutate<D, R>, options: ChangeOptions = {}): Promise<ChangeResult<D, R>> {
    if (options.opKey !== undefined && (options.opKey.length === 0 || options.opKey.length > MAX_OP_KEY_LENGTH)) {
      throw new Error(`session-store: Bad usage: opKey must be 1-${MAX_OP_KEY_LENGTH} characters`);
    }
    const issuedAt = this.ids.verify(id);
    if (issuedAt === null) return this.changeNew(mutate, options, "absent");
    const key = sessionKey(id!);
    const ringOp = newOpId();
    const outcome = await this.guard("change", () => this.runChange(key, issuedAt, mutate, options, ringOp));
    if ("ended" in outcome) return this.changeNew(mutate, options, outcome.ended);
    return outcome;
  }

  /**
   * A new id for the same visitor (sign-in: `keepData`, bound to `userId`) or a
   * fresh anonymous one (sign-out). The old row becomes a tombstone in the same
   * transaction that inserts the new one, so the old id stops working on every
   * node at the moment the new one starts. Op keys survive with `keepData`.
   */
  async rotate(id: string | undefined, options: { userId: number | null; keepData: boolean }): Promise<{ id: string; session: Session<D> }> {
    const oldIssuedAt = this.ids.verify(id);
    const oldKey = oldIssuedAt === null ? null : sessionKey(id!);
    const newId = this.ids.issue(this.now());
    const newKey = sessionKey(newId);
    return this.guard("rotate", () =>
      this.retry(() =>
        this.sql.transaction(async (tx) => {
          // A retry after an unknown outcome: if our new row is there, the rotation happened.
          const done = (await tx.query<SessionRow[]>(SELECT_SESSION, [newKey]))[0];
          if (done) return { id: newId, session: this.toSession(newKey, done, this.parse(done.session_data, newKey).data) };
          const now = this.now();
          let data = this.emptyData();
          let lineage = newLineage();
          let keys: RowKey[] = [];
          if (oldKey !== null && oldIssuedAt !== null) {
            const old = (await tx.query<SessionRow[]>(SELECT_SESSION, [oldKey]))[0];
            const state = this.classify(old, oldIssuedAt);
            const tombstone = this.envelopeBytes({ data: this.emptyData(), ops: [] });
            const until = this.tombstoneExpiry(oldIssuedAt, now, true);
            if (state.kind === "live") {
              const updated = await tx.query<WriteResult>(TOMBSTONE, [
                new Date(now), "rotated", tombstone, until, this.nodeName, oldKey, old!.version,
              ]);
              if (updated.affectedRows !== 1) throw new VersionConflictError();
              if (options.keepData) {
                const parsed = this.parse(old!.session_data, oldKey);
                data = parsed.data;
                lineage = old!.lineage;
                // The lineage's op keys go along (those in php_session_op belong to the lineage already).
                keys = parsed.keys;
              }
            } else if (state.kind === "unbacked") {
              // Never written, but issued: it must stop working too (a planted id must not follow the sign-in).
              await this.insertOrConflict(tx, INSERT_TOMBSTONE, [
                oldKey, new Date(oldIssuedAt), new Date(now), until, newLineage(), this.nodeName, tombstone, new Date(now), "rotated",
              ]);
            }
          }
          const created = new Date(now);
          await tx.query(INSERT_SESSION, [
            newKey, options.userId, created, created, this.expiresAt(now, now), lineage, this.nodeName,
            this.envelopeBytes({ data, ops: [], keys }),
          ]);
          const session: Session<D> = { key: newKey, userId: options.userId, createdAt: created, lastUpdated: created, version: 0, data, backed: true };
          return { id: newId, session };
        }),
      ),
    );
  }

  /** destroy(): the id stops working everywhere, and never comes back. */
  async destroy(id: string | undefined): Promise<void> {
    const issuedAt = this.ids.verify(id);
    if (issuedAt === null) return;
    const key = sessionKey(id!);
    await this.guard("destroy", async () => {
      const ended = await this.retry(() => this.tombstoneByKey(key));
      if (ended) return;
      const now = this.now();
      // No live row: record the id itself, so an issued-but-unwritten id cannot be adopted later.
      await this.retry(() =>
        this.sql.query(
          "INSERT IGNORE INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data, ended_at, end_reason) VALUES (?, NULL, ?, ?, ?, 0, ?, ?, ?, ?, 'destroyed')",
          [key, new Date(issuedAt), new Date(now), this.tombstoneExpiry(issuedAt, now, false), newLineage(), this.nodeName,
            this.envelopeBytes({ data: this.emptyData(), ops: [] }), new Date(now)],
        ),
      );
    });
  }

  /** End one session by its stored key (operators see keys, never ids). */
  async destroyByKey(key: Buffer): Promise<boolean> {
    return this.guard("destroy", () => this.retry(() => this.tombstoneByKey(key)));
  }

  /** Sign a user out everywhere: end every session bound to them. Returns how many. */
  async destroyByUserId(userId: number): Promise<number> {
    const now = this.now();
    const result = await this.guard("destroy_by_user", () =>
      this.retry(() =>
        this.sql.query<WriteResult>(
          `UPDATE php_session SET ended_at = ?, end_reason = 'destroyed', user_id = NULL, session_data = ?, version = version + 1,
             expires_at = GREATEST(?, DATE_ADD(date_created, INTERVAL ? SECOND)), last_node = ?
           WHERE user_id = ? AND ended_at IS NULL`,
          [new Date(now), this.emptyEnvelopeBytes, new Date(now + this.clockSkewMs),
            Math.ceil((this.idleTimeoutMs + this.clockSkewMs) / 1000), this.nodeName, userId],
        ),
      ),
    );
    return result.affectedRows;
  }

  /** How many live sessions have a row, anonymous and signed in (for operators). */
  async countActive(): Promise<{ anonymous: number; signedIn: number }> {
    const rows = await this.guard("count", () =>
      this.retry(() =>
        this.sql.query<{ signed_in: number; n: number }[]>(
          "SELECT user_id IS NOT NULL AS signed_in, COUNT(*) AS n FROM php_session WHERE expires_at > ? AND ended_at IS NULL GROUP BY user_id IS NOT NULL",
          [new Date(this.now())],
        ),
      ),
    );
    return {
      anonymous: Number(rows.find((r) => Number(r.signed_in) === 0)?.n ?? 0),
      signedIn: Number(rows.find((r) => Number(r.signed_in) === 1)?.n ?? 0),
    };
  }

  /** Live signed-in sessions, most recently used first (for operators). */
  async listSignedIn(limit = 200): Promise<SignedInSession[]> {
    const rows = await this.guard("list", () =>
      this.retry(() =>
        this.sql.query<{ session_id: Buffer; user_id: number; date_created: Date; last_updated: Date; last_node: string }[]>(
          "SELECT session_id, user_id, date_created, last_updated, last_node FROM php_session WHERE user_id IS NOT NULL AND ended_at IS NULL AND expires_at > ? ORDER BY last_updated DESC LIMIT ?",
          [new Date(this.now()), limit],
        ),
      ),
    );
    return rows.map((r) => ({
      key: r.session_id.toString("hex"),
      label: sessionLabel(r.session_id),
      userId: r.user_id,
      createdAt: r.date_created,
      lastSeen: r.last_updated,
      lastNode: r.last_node,
    }));
  }

  /** Rows GC may delete now: expired a clock-skew margin ago, so no node's clock can still call them live. */
  gcCutoff(): Date {
    return new Date(this.now() - this.clockSkewMs);
  }

  // ---- internals ----

  /** The row for `key` (undefined: none), read with the other reads of this event-loop turn. */
  private readRow(key: Buffer): Promise<SessionRow | undefined> {
    if (this.readBatchSize === 1) return this.readOne(key);
    return new Promise((resolve, reject) => {
      if (this.pendingReads.size === 0) setImmediate(() => this.sendReads());
      const id = key.toString("latin1");
      const pending = this.pendingReads.get(id) ?? { key, waiters: [] };
      pending.waiters.push({ resolve, reject });
      this.pendingReads.set(id, pending);
    });
  }

  private readOne(key: Buffer): Promise<SessionRow | undefined> {
    return this.retry(() => this.sql.query<SessionRow[]>(SELECT_SESSION, [key])).then((rows) => rows[0]);
  }

  private sendReads(): void {
    const batch = [...this.pendingReads.values()];
    this.pendingReads = new Map();
    for (let i = 0; i < batch.length; i += this.readBatchSize) void this.readBatch(batch.slice(i, i + this.readBatchSize));
  }

  private async readBatch(batch: PendingRead[]): Promise<void> {
    try {
      let rows: (SessionRow | undefined)[];
      if (batch.length === 1) {
        rows = [await this.readOne(batch[0]!.key)];
      } else {
        const keys = batch.map((read) => read.key);
        const size = 2 ** Math.ceil(Math.log2(keys.length));
        while (keys.length < size) keys.push(keys[0]!);
        const found = await this.retry(() => this.sql.query<SessionRow[]>(selectSessions(size), keys));
        const byKey = new Map(found.map((row) => [row.session_id!.toString("latin1"), row]));
        rows = batch.map((read) => byKey.get(read.key.toString("latin1")));
      }
      batch.forEach((read, i) => read.waiters.forEach((waiter) => waiter.resolve(rows[i])));
    } catch (error) {
      for (const read of batch) for (const waiter of read.waiters) waiter.reject(error);
    }
  }

  /**
   * A change's UPDATE outside a transaction: sent at once when none is in flight, else queued, and the
   * queue goes as one transaction when the one in flight returns. Resolves with the UPDATE's affected rows.
   */
  private writeRow(values: unknown[], before: ScriptStatement[] = []): Promise<number> {
    if (this.writeBatchSize === 1 && before.length === 0) return this.updateOne(this.sql, values);
    return new Promise((resolve, reject) => {
      this.pendingWrites.push({ values, before, resolve, reject });
      if (!this.writing) void this.sendWrites();
    });
  }

  private async updateOne(q: SqlTransaction, values: unknown[]): Promise<number> {
    return (await q.query<WriteResult>(UPDATE_SESSION, values)).affectedRows;
  }

  private async sendWrites(): Promise<void> {
    this.writing = true;
    try {
      while (this.pendingWrites.length > 0) {
        const batch = this.pendingWrites.splice(0, this.writeBatchSize);
        try {
          const alone = batch.length === 1 && batch[0]!.before.length === 0;
          const affected = alone ? [await this.updateOne(this.sql, batch[0]!.values)] : await this.writeBatch(batch);
          batch.forEach((write, i) => write.resolve(affected[i]!));
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * Queued UPDATEs (each after the statements that go with it) in one transaction: one round trip
   * with the executor's `script`, else pipelined in `transaction`. Resolves with each UPDATE's affected rows.
   */
  private async writeBatch(batch: PendingWrite[]): Promise<number[]> {
    const begin = this.skipRedundantCausalWaits ? RELAXED_BEGIN : undefined;
    const statements: ScriptStatement[] = [];
    const updateAt = batch.map((write) => statements.push(...write.before, { sql: UPDATE_SESSION, values: write.values }) - 1);
    const updates = (results: WriteResult[]) => updateAt.map((i) => results[i]!.affectedRows);
    if (this.sql.script) return updates(await this.sql.script(statements, begin));
    return this.sql.transaction(async (tx) => {
      // Pipelined on the transaction's connection; every statement settles before the commit or rollback.
      const settled = await Promise.allSettled(statements.map((statement) => tx.query<WriteResult>(statement.sql, statement.values)));
      const failed = settled.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
      return updates(settled.map((result) => (result as PromiseFulfilledResult<WriteResult>).value));
    }, begin);
  }

  /**
   * One change, retried. A single version-checked statement needs no
   * transaction; the caller's own statements (`transaction`) or keys to move
   * to php_session_op do: such an attempt says so before it writes anything
   * and runs again in one.
   */
  private runChange<R>(key: Buffer, issuedAt: number, mutate: Mutate<D, R>, options: ChangeOptions, ringOp: string) {
    const inTransaction = (tx: SqlTransaction) => this.attemptChange(tx, key, issuedAt, mutate, options, ringOp, true, false);
    const outside = async (relaxed: boolean): Promise<ChangeResult<D, R> | { ended: EndReason }> => {
      try {
        return await this.attemptChange(this.sql, key, issuedAt, mutate, options, ringOp, false, relaxed);
      } catch (error) {
        if (error instanceof NeedsTransaction) return this.sql.transaction(inTransaction);
        if (error instanceof ReadAgain) return outside(false);
        throw error;
      }
    };
    // Only a first attempt reads relaxed: one that follows a conflict reads causally.
    return this.retry((attempt) => (options.transaction === true ? this.sql.transaction(inTransaction) : outside(attempt === 1 && this.skipRedundantCausalWaits)));
  }

  private async attemptChange<R>(
    q: SqlTransaction,
    key: Buffer,
    issuedAt: number,
    mutate: Mutate<D, R>,
    options: ChangeOptions,
    ringOp: string,
    inTransaction: boolean,
    relaxed: boolean,
  ): Promise<ChangeResult<D, R> | { ended: EndReason }> {
    const mine = options.opKey ? this.rowKey(options, this.now()) : null;
    const prefix = relaxed ? RELAXED : "";
    const row = (
      mine
        ? await q.query<SessionRow[]>(prefix + SELECT_SESSION_WITH_OP, [`#${mine[0]}`, options.opKey, key])
        : await q.query<SessionRow[]>(prefix + SELECT_SESSION, [key])
    )[0];
    const state = this.classify(row, issuedAt);
    // A relaxed read is trusted only for a live row that ends in the version-checked UPDATE.
    if (relaxed && state.kind !== "live") throw new ReadAgain();
    if (state.kind === "rotated") return { status: "rotated" };
    if (state.kind === "ended") {
      if (state.reason === "expired" && row) await this.deleteExpired(key, row);
      return { ended: state.reason };
    }
    const now = this.now();
    if (state.kind === "unbacked") {
      const session = this.unbacked(key, issuedAt);
      const { data, result } = await mutate(session.data, session, q);
      if (data === UNCHANGED) return { status: "unchanged", session, result };
      const lineage = newLineage();
      const inRow = mine !== null && this.maxRowKeys > 0;
      if (mine && !inRow && !inTransaction) throw new NeedsTransaction();
      const envelope: Envelope<D> = { data, ops: mine ? [] : [ringOp], keys: inRow ? [mine] : [] };
      // Two first changes at once (two tabs): the loser's INSERT hits the key and re-reads the winner's row.
      await this.insertOrConflict(q, INSERT_SESSION, [
        key, null, new Date(issuedAt), new Date(now), this.expiresAt(issuedAt, now), lineage, this.nodeName, this.envelopeBytes(envelope),
      ]);
      if (mine && !inRow) await this.spillKeys(q, lineage, [mine], now);
      return { status: "changed", session: { ...session, data, lastUpdated: new Date(now), backed: true }, result };
    }
    const live = row!;
    const parsed = this.parse(live.session_data, key);
    const session = this.toSession(key, live, parsed.data);
    const keys = parsed.keys.filter((entry) => entry[2] * 1000 > now);
    let spill: RowKey[] = [];
    if (mine) {
      // Keys only ever move from the row to php_session_op, in one transaction, so one snapshot of both finds any key.
      const applied = keys.find((entry) => entry[0] === mine[0])?.[1] ?? spilledFingerprint(live.op_fingerprint);
      if (applied !== null) {
        if (relaxed) throw new ReadAgain();
        if (applied !== mine[1]) throw new IdempotencyKeyReusedError();
        return { status: "duplicate", session };
      }
      keys.push(mine);
      if (keys.length > this.maxRowKeys) {
        const count = this.maxRowKeys === 0 ? keys.length : Math.min(SPILL_KEYS, keys.length);
        // Moving this change's own key needs a transaction of its own (the batch commits even when this UPDATE loses its race).
        if (count === keys.length && !inTransaction) throw new NeedsTransaction();
        spill = keys.splice(0, count);
      }
    } else if (parsed.ops.includes(ringOp)) {
      if (relaxed) throw new ReadAgain();
      return { status: "duplicate", session };
    }
    const { data, result } = await mutate(parsed.data, session, q);
    if (data === UNCHANGED && parsed.ok) {
      if (relaxed) throw new ReadAgain();
      return { status: "unchanged", session, result };
    }
    const next = data === UNCHANGED ? parsed.data : data;
    const ops = options.opKey ? parsed.ops : [...parsed.ops, ringOp].slice(-MAX_RING_OPS);
    const envelope: Envelope<D> = { data: next, ops, keys };
    const values = [
      this.envelopeBytes(envelope), new Date(now), this.expiresAt(live.date_created.getTime(), now), this.nodeName, key, live.version,
    ];
    const spilled = spill.length > 0 ? [this.spillStatement(live.lineage, spill, now)] : [];
    const affectedRows = inTransaction ? await this.updateOne(q, values) : await this.writeRow(values, spilled);
    if (affectedRows !== 1) throw new VersionConflictError();
    if (inTransaction && spill.length > 0) await q.query(spilled[0]!.sql, spilled[0]!.values);
    return {
      status: "changed",
      session: { ...session, data: next, version: live.version + 1, lastUpdated: new Date(now) },
      result,
    };
  }

  /** A change for a request without a usable id: applied to empty data under a new id. */
  private async changeNew<R>(mutate: Mutate<D, R>, options: ChangeOptions, previous: EndReason | "absent"): Promise<ChangeResult<D, R>> {
    const id = this.ids.issue(this.now());
    const key = sessionKey(id);
    const issuedAt = this.ids.verify(id)!;
    const ringOp = newOpId();
    const result = await this.guard("create", () => this.runChange(key, issuedAt, mutate, options, ringOp));
    if ("ended" in result || result.status === "rotated") {
      throw new Error("session-store: a freshly issued id was found ended; is the clock or the table shared with another secret?");
    }
    if (result.status === "duplicate") return result;
    return { ...result, id, previous };
  }

  private classify(
    row: SessionRow | undefined,
    issuedAt: number,
  ): { kind: "live" } | { kind: "unbacked" } | { kind: "rotated" } | { kind: "ended"; reason: EndReason } {
    const now = this.now();
    if (!row) {
      // Never written: usable while it could still be within its idle timeout (and not from the future).
      const age = now - issuedAt;
      if (age < this.idleTimeoutMs && age > -this.clockSkewMs) return { kind: "unbacked" };
      return { kind: "ended", reason: "unknown" };
    }
    if (row.ended_at) {
      if (row.end_reason === "rotated" && now - row.ended_at.getTime() < this.rotatedGraceMs) return { kind: "rotated" };
      return { kind: "ended", reason: row.end_reason === "expired" ? "expired" : "destroyed" };
    }
    if (this.isExpired(row, now)) return { kind: "ended", reason: "expired" };
    return { kind: "live" };
  }

  private isExpired(row: { date_created: Date; last_updated: Date }, now: number): boolean {
    return now - row.last_updated.getTime() >= this.idleTimeoutMs || now - row.date_created.getTime() >= this.absoluteTimeoutMs;
  }

  private expiresAt(createdAt: number, lastUpdated: number): Date {
    return new Date(Math.min(lastUpdated + this.idleTimeoutMs, createdAt + this.absoluteTimeoutMs));
  }

  /**
   * A tombstone must outlive every way its id could be taken for live: the
   * grace period of a rotation, and the window in which an unwritten id counts
   * as fresh (issue time + idle timeout), plus the clock-skew margin.
   */
  private tombstoneExpiry(issuedAt: number, now: number, rotated: boolean): Date {
    const grace = rotated ? this.rotatedGraceMs : 0;
    return new Date(Math.max(now + grace, issuedAt + this.idleTimeoutMs) + this.clockSkewMs);
  }

  private async tombstoneByKey(key: Buffer): Promise<boolean> {
    const row = (await this.sql.query<SessionRow[]>(SELECT_SESSION, [key]))[0];
    if (!row || row.ended_at) return false;
    const now = this.now();
    const updated = await this.sql.query<WriteResult>(TOMBSTONE, [
      new Date(now), "destroyed", this.envelopeBytes({ data: this.emptyData(), ops: [] }),
      this.tombstoneExpiry(row.date_created.getTime(), now, false), this.nodeName, key, row.version,
    ]);
    if (updated.affectedRows !== 1) throw new VersionConflictError();
    return true;
  }

  /** An expired row is removed at once, so every node sees it gone (its id can no longer count as fresh). */
  private async deleteExpired(key: Buffer, row: SessionRow): Promise<void> {
    await this.sql
      .query("DELETE FROM php_session WHERE session_id = ? AND version = ? AND ended_at IS NULL", [key, row.version])
      .catch((error: unknown) => this.log?.warn({ err: describe(error), session: sessionLabel(key) }, "expired session delete failed"));
  }

  /** This change's key as the row keeps it: hashes (16 bytes each, base64url) and an expiry. */
  private rowKey(options: ChangeOptions, now: number): RowKey {
    return [shortHash(options.opKey ?? ""), shortHash(options.fingerprint ?? ""), Math.ceil((now + this.opRetentionMs) / 1000)];
  }

  /** Keys pushed out of the row go to php_session_op, in the change's transaction. */
  private async spillKeys(q: SqlTransaction, lineage: Buffer, spill: RowKey[], now: number): Promise<void> {
    const statement = this.spillStatement(lineage, spill, now);
    await q.query(statement.sql, statement.values);
  }

  /**
   * Op keys into php_session_op. A key already there stays as it is: it was put there by a change
   * that lost its race after copying it, with the same fingerprint (a key's fingerprint never changes).
   */
  private spillStatement(lineage: Buffer, spill: RowKey[], now: number): ScriptStatement {
    return {
      sql: `INSERT INTO php_session_op (lineage, op_key, fingerprint, created_at, expires_at) VALUES ${spill.map(() => "(?, ?, ?, ?, ?)").join(", ")} ON DUPLICATE KEY UPDATE op_key = op_key`,
      values: spill.flatMap(([hash, fingerprint, expiresAtS]) => [
        lineage, `#${hash}`, Buffer.concat([Buffer.from(fingerprint, "base64url"), Buffer.alloc(16)]), new Date(now), new Date(expiresAtS * 1000),
      ]),
    };
  }

  /** An INSERT whose duplicate key means "someone else got there first": retry the whole change. */
  private async insertOrConflict(q: SqlTransaction, sql: string, values: unknown[]): Promise<void> {
    try {
      await q.query(sql, values);
    } catch (error) {
      if (errnoOf(error) === 1062) throw new VersionConflictError();
      throw error;
    }
  }

  /** Refresh last_updated without a version bump, so it never conflicts with a change's check. */
  private async touch(key: Buffer, createdAt: Date): Promise<void> {
    const now = this.now();
    await this.sql.query(
      "UPDATE php_session SET last_updated = ?, expires_at = ? WHERE session_id = ? AND last_updated < ? AND ended_at IS NULL",
      [new Date(now), this.expiresAt(createdAt.getTime(), now), key, new Date(now)],
    );
  }

  private unbacked(key: Buffer, issuedAt: number): Session<D> {
    const at = new Date(issuedAt);
    return { key, userId: null, createdAt: at, lastUpdated: at, version: 0, data: this.emptyData(), backed: false };
  }

  private toSession(key: Buffer, row: SessionRow, data: D): Session<D> {
    return {
      key,
      userId: row.user_id,
      createdAt: row.date_created,
      lastUpdated: row.last_updated,
      version: row.version,
      data,
      backed: true,
    };
  }

  /** Parse stored bytes; never throws. Malformed data resets to empty (logged), keeping the row's id and owner. */
  private parse(stored: Buffer | string, key: Buffer): ParsedEnvelope<D> {
    let json: unknown;
    try {
      json = JSON.parse(typeof stored === "string" ? stored : stored.toString("utf8"));
    } catch {
      this.log?.warn({ session: sessionLabel(key), reason: "invalid JSON" }, "malformed session data reset to empty");
      return { ok: false, data: this.emptyData(), ops: [], keys: [] };
    }
    const envelope = json as Partial<Envelope<unknown>> | null;
    const parsed = this.schema.safeParse(envelope?.data);
    if (!parsed.success) {
      this.log?.warn({ session: sessionLabel(key), reason: "data does not match the schema" }, "malformed session data reset to empty");
      return { ok: false, data: this.emptyData(), ops: [], keys: [] };
    }
    const ops = Array.isArray(envelope?.ops) ? envelope.ops.filter((op): op is string => typeof op === "string") : [];
    // A row written before keys lived in the row has no keys list: its keys are all in php_session_op.
    const keys = (Array.isArray(envelope?.keys) ? envelope.keys : []).filter(
      (entry): entry is RowKey => Array.isArray(entry) && typeof entry[0] === "string" && typeof entry[1] === "string" && typeof entry[2] === "number",
    );
    return { ok: true, data: parsed.data, ops, keys };
  }

  private envelopeBytes(envelope: Envelope<D>): Buffer {
    const checked = this.schema.safeParse(envelope.data);
    if (!checked.success) throw new Error("session-store: Bad usage: a mutation returned data that does not match the schema");
    const bytes = Buffer.from(JSON.stringify({ ...envelope, data: checked.data }), "utf8");
    if (bytes.length > this.maxDataBytes) throw new SessionDataTooLargeError(bytes.length, this.maxDataBytes);
    return bytes;
  }

  private async retry<T>(attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt(n);
      } catch (error) {
        const errorClass = error instanceof VersionConflictError ? "conflict" : classifyError(error);
        if (errorClass === "permanent") throw error;
        const limit = errorClass === "conflict" ? this.conflictAttempts : this.connectionAttempts;
        if (n >= limit) throw error;
        this.observer?.retry(errorClass);
        const ceiling = Math.min(100, 2 * 2 ** n);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * (ceiling + 1))));
      }
    }
  }

  /** Time the operation, and turn "could not reach the database" into one error type callers recognise. */
  private async guard<T>(op: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.observer?.operation(op, (performance.now() - started) / 1000, "ok");
      return result;
    } catch (error) {
      this.observer?.operation(op, (performance.now() - started) / 1000, "error");
      if (error instanceof VersionConflictError || classifyError(error) !== "permanent") {
        throw new SessionStoreUnavailableError(error);
      }
      throw error;
    }
  }
}

/**
 * The fingerprint hash a key found in php_session_op was applied with, or null. A key recorded before keys
 * lived in the row has SHA-256 of its fingerprint; a spilled one the row's 16 bytes: both compare on those.
 */
function spilledFingerprint(stored: Buffer | null | undefined): string | null {
  return stored ? stored.subarray(0, 16).toString("base64url") : null;
}

/** The first 16 bytes of SHA-256, base64url (22 characters): how the row keeps op keys and fingerprints. */
function shortHash(value: string): string {
  return sessionKey(value).subarray(0, 16).toString("base64url");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
