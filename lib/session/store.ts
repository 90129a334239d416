// The php_session store: PHP's save handler (read, write, destroy, gc), made
// correct for a multi-master cluster. Framework-free; lib/session/index.ts
// binds it to the request's cookie.
//
// What it promises:
// - Strict ids: a session exists only if we created its row. An unknown,
//   expired or malformed id is never looked up twice or brought back; the
//   caller gets a fresh session with a fresh id.
// - Hashed at rest: rows are keyed by SHA-256(id); the id itself is never stored.
// - Timeouts: idle and absolute, checked on every read with the configured values.
// - Lazy writes: a read writes nothing, except a touch of last_updated at most
//   once per touch interval; a change that changes nothing writes nothing.
// - No lost updates: `change` reads the row, applies a pure function and writes
//   with `UPDATE … WHERE version = ?`; when another node won the race it re-reads
//   and applies again. Galera certification conflicts (1213), NDB temporary
//   errors and lost connections are retried with jittered backoff.
// - Exactly once: every change carries an op id remembered in the row, so a
//   retry after a lost connection (outcome unknown) never applies twice.
// - Outages are errors, not new sessions: if the database cannot be reached,
//   the caller gets SessionStoreUnavailableError and must not mint a new id.
import { type Database, type Transaction } from "@/lib/db/database";
import { classifyDbError, sqlErrnoOf } from "@/lib/db/errors";
import { withRetry } from "@/lib/db/retry";
import {
  emptySessionData,
  parseSessionData,
  rememberOp,
  serializeSessionData,
  type SessionData,
} from "./data";
import { isWellFormedSessionId, newOpId, newSessionId, sessionKey, sessionLabel } from "./ids";

export interface SessionConfig {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  touchIntervalMs: number;
}

export interface SessionLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface SessionRecord {
  key: Buffer;
  userId: number | null;
  createdAt: Date;
  lastUpdated: Date;
  version: number;
  data: SessionData;
}

export interface SignedInSession {
  /** Hex of the stored key (SHA-256 of the id): lets an operator end it, cannot be used as a cookie. */
  key: string;
  label: string;
  userId: number;
  createdAt: Date;
  lastSeen: Date;
  lastNode: string;
}

export type LoadResult =
  | { status: "active"; session: SessionRecord }
  /** No cookie, or a value that is not one of our ids. */
  | { status: "absent" }
  /** A well-formed id with no row: never issued, destroyed, rotated away or collected. */
  | { status: "unknown" }
  /** The row timed out (idle or absolute) and has been removed. */
  | { status: "expired" };

/** What a change function returns: the new data (the same object for "no change") and a result. */
export interface Mutation<R> {
  data: SessionData;
  result: R;
}

export type ChangeResult<R> =
  | { status: "changed" | "unchanged"; session: SessionRecord; result: R }
  /** This op id was applied before (a retried request): nothing was done now. */
  | { status: "duplicate"; session: SessionRecord }
  | { status: "unknown" | "expired" };

export class SessionStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the session store is unavailable", { cause });
  }
}

/** Another writer changed the row between our read and our write. */
class VersionConflictError extends Error {}

const SELECT_SESSION =
  "SELECT user_id, date_created, last_updated, version, session_data FROM php_session WHERE session_id = ?";

interface SessionRow {
  user_id: number | null;
  date_created: Date;
  last_updated: Date;
  version: number;
  session_data: string;
}

export interface StoreOptions {
  db: Database;
  config: SessionConfig;
  nodeName: string;
  log?: SessionLogger;
  now?: () => number;
  /** Attempts for a contended change; each conflict costs one. */
  changeAttempts?: number;
  /** Metrics hooks: each operation's latency (retries included) and each retry. */
  observer?: StoreObserver;
}

export interface StoreObserver {
  operation(op: string, seconds: number, outcome: "ok" | "error"): void;
  retry(): void;
}

export class SessionStore {
  private readonly db: Database;
  private readonly config: SessionConfig;
  private readonly nodeName: string;
  private readonly log?: SessionLogger;
  private readonly now: () => number;
  private readonly changeAttempts: number;
  private readonly observer?: StoreObserver;

  constructor(options: StoreOptions) {
    this.db = options.db;
    // A touch must come well within the idle timeout, or a visitor who only reads would time out.
    this.config = {
      ...options.config,
      touchIntervalMs: Math.min(options.config.touchIntervalMs, Math.floor(options.config.idleTimeoutMs / 2)),
    };
    this.nodeName = options.nodeName;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.changeAttempts = options.changeAttempts ?? 40;
    this.observer = options.observer;
  }

  /** read(): the session for a cookie value, enforcing timeouts; touches lazily. */
  async load(id: string | undefined): Promise<LoadResult> {
    if (!isWellFormedSessionId(id)) return { status: "absent" };
    const key = sessionKey(id);
    const row = await this.guard("load", () => this.selectRow(key));
    if (!row) return { status: "unknown" };
    if (this.isExpired(row)) {
      await this.guard("expire", () => this.db.query("DELETE FROM php_session WHERE session_id = ? AND version = ?", [key, row.version]));
      return { status: "expired" };
    }
    const parsed = parseSessionData(row.session_data);
    let record = this.toRecord(key, row, parsed.data);
    if (!parsed.ok) {
      // Reset corrupt data now, so every node sees the same (empty) state.
      const reset = await this.change(id, (data) => ({ data, result: null }));
      if (reset.status === "changed" || reset.status === "unchanged") record = reset.session;
    } else if (this.now() - row.last_updated.getTime() >= this.config.touchIntervalMs) {
      await this.touch(key, row.date_created).catch((error) =>
        this.log?.warn({ err: describe(error), session: sessionLabel(key) }, "session touch failed"),
      );
    }
    return { status: "active", session: record };
  }

  /** A new session row with a new id. Returns the id for the cookie. */
  async create(init: { data?: SessionData; userId?: number | null } = {}): Promise<{ id: string; session: SessionRecord }> {
    const id = newSessionId();
    const key = sessionKey(id);
    const now = new Date(this.now());
    const data = init.data ?? emptySessionData();
    const text = serializeSessionData(data);
    const userId = init.userId ?? null;
    await this.guard("create", () =>
      this.db.run(async (conn, endpoint) => {
        try {
          await this.db.exec(conn, endpoint, INSERT_SESSION, [key, userId, now, now, this.expiresAt(now, now), this.nodeName, text]);
        } catch (error) {
          // A retry after a lost connection may find the row it already wrote: the id is ours alone.
          if (sqlErrnoOf(error) !== 1062) throw error;
        }
      }),
    );
    return { id, session: { key, userId, createdAt: now, lastUpdated: now, version: 0, data } };
  }

  /**
   * write(), done atomically: apply `mutate` to the current data and commit it
   * with a version check, re-reading and re-applying on conflict. `mutate` must
   * be pure (it may run several times) and return the same data object to mean
   * "no change". `opId` names the change so that a retry of it applies once.
   */
  async change<R>(
    id: string,
    mutate: (data: SessionData, session: SessionRecord) => Mutation<R>,
    options: { opId?: string } = {},
  ): Promise<ChangeResult<R>> {
    if (!isWellFormedSessionId(id)) return { status: "unknown" };
    const key = sessionKey(id);
    const opId = options.opId ?? newOpId();
    return this.guard("change", () =>
      withRetry(
        () =>
          this.db.withConnection(async (conn, endpoint) => {
            const exec = <T>(sql: string, values: unknown[]) => this.db.exec<T>(conn, endpoint, sql, values);
            const row = (await exec<SessionRow[]>(SELECT_SESSION, [key]))[0];
            return this.applyChange(key, row, mutate, opId, async (next, version, now) => {
              const result = await exec<{ affectedRows: number }>(UPDATE_SESSION, [
                next, now, this.expiresAt(row!.date_created, now), this.nodeName, key, version,
              ]);
              if (result.affectedRows !== 1) throw new VersionConflictError();
            });
          }),
        this.retryOptions(),
      ),
    );
  }

  /**
   * Like `change`, inside a database transaction that `work` may add its own
   * statements to (checkout writes the order and empties the cart in one commit).
   */
  async changeInTransaction<R>(
    id: string,
    work: (data: SessionData, session: SessionRecord, tx: Transaction) => Promise<Mutation<R>>,
    options: { opId?: string } = {},
  ): Promise<ChangeResult<R>> {
    if (!isWellFormedSessionId(id)) return { status: "unknown" };
    const key = sessionKey(id);
    const opId = options.opId ?? newOpId();
    return this.guard("change_in_transaction", () =>
      this.db.transaction(async (tx) => {
        const row = (await tx.exec<SessionRow[]>(SELECT_SESSION, [key]))[0];
        const mutate = (data: SessionData, session: SessionRecord) => work(data, session, tx);
        return this.applyChange(key, row, mutate, opId, async (next, version, now) => {
          const result = await tx.exec<{ affectedRows: number }>(UPDATE_SESSION, [
            next, now, this.expiresAt(row!.date_created, now), this.nodeName, key, version,
          ]);
          if (result.affectedRows !== 1) throw new VersionConflictError();
        });
      }, this.retryOptions()),
    );
  }

  /**
   * A new id for the same visitor (sign-in) or a fresh anonymous session
   * (sign-out). The old row is deleted in the same transaction that inserts the
   * new one: the old id stops working on every node at the moment the new one
   * starts. Returns null when the old session no longer exists.
   */
  async rotate(
    id: string,
    options: { userId: number | null; keepData: boolean },
  ): Promise<{ id: string; session: SessionRecord } | null> {
    if (!isWellFormedSessionId(id)) return null;
    const oldKey = sessionKey(id);
    const newId = newSessionId();
    const newKey = sessionKey(newId);
    return this.guard("rotate", () =>
      this.db.transaction(async (tx) => {
        // A retry after an unknown outcome: if our new row is there, the rotation happened.
        const done = (await tx.exec<SessionRow[]>(SELECT_SESSION, [newKey]))[0];
        if (done) return { id: newId, session: this.toRecord(newKey, done) };
        const old = (await tx.exec<SessionRow[]>(SELECT_SESSION, [oldKey]))[0];
        if (!old || this.isExpired(old)) return null;
        const deleted = await tx.exec<{ affectedRows: number }>(
          "DELETE FROM php_session WHERE session_id = ? AND version = ?",
          [oldKey, old.version],
        );
        if (deleted.affectedRows !== 1) throw new VersionConflictError();
        const now = new Date(this.now());
        const parsed = parseSessionData(old.session_data);
        const data = options.keepData ? { ...parsed.data, ops: [] } : emptySessionData();
        await tx.exec(INSERT_SESSION, [
          newKey, options.userId, now, now, this.expiresAt(now, now), this.nodeName, serializeSessionData(data),
        ]);
        const session: SessionRecord = { key: newKey, userId: options.userId, createdAt: now, lastUpdated: now, version: 0, data };
        return { id: newId, session };
      }, this.retryOptions()),
    );
  }

  /** destroy(): the id stops working everywhere. */
  async destroy(id: string): Promise<void> {
    if (isWellFormedSessionId(id)) await this.destroyByKey(sessionKey(id));
  }

  /** End one session by its stored key (operators see keys, never ids). */
  async destroyByKey(key: Buffer): Promise<boolean> {
    const result = await this.guard("destroy", () =>
      this.db.query<{ affectedRows: number }>("DELETE FROM php_session WHERE session_id = ?", [key]),
    );
    return result.affectedRows === 1;
  }

  /** How many unexpired sessions there are, anonymous and signed in (for operators). */
  async countActive(): Promise<{ anonymous: number; signedIn: number }> {
    const rows = await this.guard("count", () =>
      this.db.query<{ signed_in: number; n: number }[]>(
        "SELECT user_id IS NOT NULL AS signed_in, COUNT(*) AS n FROM php_session WHERE expires_at > ? GROUP BY user_id IS NOT NULL",
        [new Date(this.now())],
      ),
    );
    return {
      anonymous: Number(rows.find((r) => Number(r.signed_in) === 0)?.n ?? 0),
      signedIn: Number(rows.find((r) => Number(r.signed_in) === 1)?.n ?? 0),
    };
  }

  /** Unexpired signed-in sessions, most recently used first (for operators). */
  async listSignedIn(limit = 200): Promise<SignedInSession[]> {
    const rows = await this.guard("list", () =>
      this.db.query<{ session_id: Buffer; user_id: number; date_created: Date; last_updated: Date; last_node: string }[]>(
        "SELECT session_id, user_id, date_created, last_updated, last_node FROM php_session WHERE user_id IS NOT NULL AND expires_at > ? ORDER BY last_updated DESC LIMIT ?",
        [new Date(this.now()), limit],
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

  /** Sign a user out everywhere: end every session bound to them. Returns how many. */
  async destroyByUserId(userId: number): Promise<number> {
    const result = await this.guard("destroy_by_user", () =>
      this.db.query<{ affectedRows: number }>("DELETE FROM php_session WHERE user_id = ?", [userId]),
    );
    return result.affectedRows;
  }

  isExpired(row: { date_created: Date; last_updated: Date }): boolean {
    const now = this.now();
    return (
      now - row.last_updated.getTime() >= this.config.idleTimeoutMs ||
      now - row.date_created.getTime() >= this.config.absoluteTimeoutMs
    );
  }

  private expiresAt(createdAt: Date, lastUpdated: Date): Date {
    return new Date(
      Math.min(lastUpdated.getTime() + this.config.idleTimeoutMs, createdAt.getTime() + this.config.absoluteTimeoutMs),
    );
  }

  private async applyChange<R>(
    key: Buffer,
    row: SessionRow | undefined,
    mutate: (data: SessionData, session: SessionRecord) => Mutation<R> | Promise<Mutation<R>>,
    opId: string,
    write: (text: string, version: number, now: Date) => Promise<void>,
  ): Promise<ChangeResult<R>> {
    if (!row) return { status: "unknown" };
    if (this.isExpired(row)) return { status: "expired" };
    const parsed = parseSessionData(row.session_data);
    if (!parsed.ok) {
      this.log?.warn({ session: sessionLabel(key), reason: parsed.reason }, "malformed session data reset to empty");
    }
    const session = this.toRecord(key, row, parsed.data);
    if (parsed.data.ops.includes(opId)) return { status: "duplicate", session };
    const { data, result } = await mutate(parsed.data, session);
    if (data === parsed.data && parsed.ok) return { status: "unchanged", session, result };
    const next = rememberOp(data, opId);
    const now = new Date(this.now());
    await write(serializeSessionData(next), row.version, now);
    return {
      status: "changed",
      session: { ...session, data: next, version: row.version + 1, lastUpdated: now },
      result,
    };
  }

  private async selectRow(key: Buffer): Promise<SessionRow | undefined> {
    return (await this.db.query<SessionRow[]>(SELECT_SESSION, [key]))[0];
  }

  /** Refresh last_updated without a version bump, so it never conflicts with a change's check. */
  private async touch(key: Buffer, createdAt: Date): Promise<void> {
    const now = new Date(this.now());
    await this.db.withConnection((conn, endpoint) =>
      this.db.exec(conn, endpoint, "UPDATE php_session SET last_updated = ?, expires_at = ? WHERE session_id = ? AND last_updated < ?", [
        now, this.expiresAt(createdAt, now), key, now,
      ]),
    );
  }

  private toRecord(key: Buffer, row: SessionRow, data?: SessionData): SessionRecord {
    return {
      key,
      userId: row.user_id,
      createdAt: row.date_created,
      lastUpdated: row.last_updated,
      version: row.version,
      data: data ?? parseSessionData(row.session_data).data,
    };
  }

  private retryOptions() {
    return {
      attempts: this.changeAttempts,
      baseDelayMs: 2,
      maxDelayMs: 100,
      classify: (error: unknown) => (error instanceof VersionConflictError ? ("conflict" as const) : classifyDbError(error)),
      onRetry: () => this.observer?.retry(),
    };
  }

  /**
   * Time the operation for the observer, and turn "could not reach the
   * database" into one error type callers can recognise.
   */
  private async guard<T>(op: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await work();
      this.observer?.operation(op, (performance.now() - started) / 1000, "ok");
      return result;
    } catch (error) {
      this.observer?.operation(op, (performance.now() - started) / 1000, "error");
      if (error instanceof VersionConflictError || classifyDbError(error) !== "permanent") {
        throw new SessionStoreUnavailableError(error);
      }
      throw error;
    }
  }
}

const INSERT_SESSION =
  "INSERT INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, last_node, session_data) VALUES (?, ?, ?, ?, ?, 0, ?, ?)";

const UPDATE_SESSION =
  "UPDATE php_session SET session_data = ?, version = version + 1, last_updated = ?, expires_at = ?, last_node = ? WHERE session_id = ? AND version = ?";

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
