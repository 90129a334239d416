// The connection layer: one mariadb pool per SQL endpoint (this node's own
// first, then the others), with failover and retries.
//
// Promises:
// - `query`/`transaction` run on the first endpoint that is not marked down; an
//   endpoint that refuses connections or drops one mid-query is marked down for
//   a few seconds and the work moves to the next endpoint.
// - A marked-down endpoint comes back only through a probe (connect + SELECT 1,
//   bounded by PROBE_TIMEOUT_MS), one per endpoint at a time, started when its
//   down time is over. Work never waits on a probe while another endpoint is
//   live, and with nothing live it fails at once (DatabaseUnavailableError:
//   503 in milliseconds) unless a probe already under way succeeds within that
//   bound. So with every node down or out of quorum no request waits for
//   probe after probe, and when one node dies the others keep serving.
// - A Galera node out of the primary component answers reads with 1205 (its
//   causality wait, wsrep_sync_wait, fails) as well as 1047; both make it
//   "not ready" (NodeNotReadyError, a connection-class error: move on), never
//   a conflict to retry on the same node.
// - Work is retried (bounded, jittered) on conflicts and lost connections, never
//   on permanent errors. Callers make their writes idempotent, because a lost
//   connection during COMMIT leaves the outcome unknown (see lib/session/store.ts).
// - Reads are causal on Galera because the cluster sets wsrep_sync_wait=1
//   (cluster/galera.ts); NDB reads committed data on every SQL node.
import type { ScriptStatement, TransactionOptions, WriteResult } from "@shopcluster/session-store";
import { runScript } from "@shopcluster/session-store/mariadb";
import * as mariadb from "mariadb";
import { classifyDbError, isBusyPoolTimeout, sqlErrnoOf } from "./errors";
import { withRetry, type RetryOptions } from "./retry";

export type Connection = mariadb.PoolConnection;

export interface DatabaseOptions {
  urls: string[];
  poolSize?: number;
  /** How long an endpoint that failed is skipped before it is tried again. */
  downForMs?: number;
  retry?: RetryOptions;
  /** Observes every statement: for metrics and for tests that count writes. */
  onStatement?: (sql: string, endpoint: string) => void;
}

export interface Endpoint {
  name: string;
  url: string;
  pool: mariadb.Pool;
  /** 0 while live; after a failure, the time its next probe is due (it stays out until a probe succeeds). */
  downUntil: number;
  /** The probe under way, if any: resolves true when the endpoint is live again. */
  probe: Promise<boolean> | null;
}

/** How long a probe (connect + SELECT 1) of a marked-down endpoint may take. */
export const PROBE_TIMEOUT_MS = 500;

/** pool.getConnection() bounded by `ms`; a connection that arrives later goes back to the pool. */
function acquireWithin(pool: mariadb.Pool, ms: number): Promise<Connection> {
  const pending = pool.getConnection();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pending.then((conn) => conn.release()).catch(() => undefined);
      reject(Object.assign(new Error(`no connection within ${ms} ms`), { code: "ETIMEDOUT" }));
    }, ms);
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

/** `promise`, or a rejection after `ms` (what `promise` does later is left to it). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every endpoint is marked down: nothing was tried. A connection-class error (ECONNREFUSED), so callers answer 503. */
export class DatabaseUnavailableError extends Error {
  readonly code = "ECONNREFUSED";
  constructor() {
    super("no database endpoint available: every endpoint is marked down");
  }
}

/**
 * The node answered but cannot serve: out of Galera's primary component (1047,
 * or a read's causality wait failing with 1205). Carries errno 1047, which
 * every classifier of the shop and of the session store treats as
 * "connection": try another endpoint, never retry on this one.
 */
export class NodeNotReadyError extends Error {
  readonly errno = 1047;
  readonly sqlState = "08S01";
  constructor(endpoint: string, cause: unknown) {
    super(`database node ${endpoint} is not ready (not in the primary component)`, { cause });
  }
}

export class Database {
  readonly endpoints: Endpoint[];
  private readonly downForMs: number;
  private readonly retry: RetryOptions;
  onStatement?: (sql: string, endpoint: string) => void;

  constructor(options: DatabaseOptions) {
    if (options.urls.length === 0) throw new Error("Database needs at least one endpoint URL");
    this.downForMs = options.downForMs ?? 3000;
    this.retry = options.retry ?? {};
    this.onStatement = options.onStatement;
    this.endpoints = options.urls.map((url) => {
      const config = poolConfigFromUrl(url, options.poolSize ?? 10);
      return { name: `${config.host}:${config.port}`, url, pool: mariadb.createPool(config), downUntil: 0, probe: null };
    });
  }

  /** Live endpoints first (in configured order: this node's own first), then the marked-down ones. */
  private candidates(): Endpoint[] {
    return [...this.endpoints.filter((e) => e.downUntil === 0), ...this.endpoints.filter((e) => e.downUntil !== 0)];
  }

  /** Out of use until a probe, due in `forMs`, finds it answering again. */
  markDown(endpoint: Endpoint, forMs = this.downForMs): void {
    endpoint.downUntil = Date.now() + forMs;
  }

  private markUp(endpoint: Endpoint): void {
    endpoint.downUntil = 0;
  }

  /**
   * Starts, in the background, the probe of every marked-down endpoint whose
   * down time is over and that no probe is testing yet. A probe takes a
   * connection and runs SELECT 1 (which fails on a Galera node out of the
   * primary component) within PROBE_TIMEOUT_MS; success puts the endpoint back.
   */
  private startDueProbes(): void {
    const now = Date.now();
    for (const endpoint of this.endpoints) {
      if (endpoint.downUntil === 0 || endpoint.downUntil > now || endpoint.probe) continue;
      const attempt = (async () => {
        const conn = await acquireWithin(endpoint.pool, PROBE_TIMEOUT_MS);
        try {
          await conn.query("SELECT 1");
        } catch (error) {
          conn.destroy();
          throw error;
        }
        await conn.release();
      })();
      endpoint.probe = within(attempt, PROBE_TIMEOUT_MS)
        .then(
          () => {
            this.markUp(endpoint);
            return true;
          },
          (error: unknown) => {
            // SELECT 1 takes no lock: a 1205 from it is the causality wait failing (not ready).
            const answered = isNodeNotReady(error) || sqlErrnoOf(error) === 1205;
            this.markDown(endpoint, answered ? this.notReadyForMs : this.downForMs);
            return false;
          },
        )
        .finally(() => {
          endpoint.probe = null;
        });
    }
  }

  private get notReadyForMs(): number {
    // The server answered: it may be Synced again soon, so probe it again sooner.
    return Math.ceil(this.downForMs / 3);
  }

  /**
   * True while no endpoint is live (each is marked down or being probed):
   * there is nothing to send work to, so callers answer "unavailable" now.
   * Starts the probes that are due, so an endpoint that is back is found.
   */
  allDown(): boolean {
    this.startDueProbes();
    return this.endpoints.every((e) => e.downUntil !== 0);
  }

  /** The endpoint that new work goes to now. */
  currentEndpoint(): Endpoint {
    return this.candidates()[0];
  }

  /** With nothing live: the first endpoint a probe under way brings back (within PROBE_TIMEOUT_MS), if any. */
  private async revived(): Promise<Endpoint | undefined> {
    const probes = this.endpoints.map((e) => e.probe).filter((p): p is Promise<boolean> => p !== null);
    if (probes.length === 0) return undefined;
    await new Promise<void>((resolve) => {
      let pending = probes.length;
      for (const probe of probes) {
        void probe.then((ok) => {
          pending--;
          if (ok || pending === 0) resolve();
        });
      }
    });
    return this.endpoints.find((e) => e.downUntil === 0);
  }

  /**
   * One attempt: borrow a connection from the first live endpoint that gives
   * one, run `work`, release. A connection-level failure marks the endpoint
   * down; a marked-down endpoint is never waited on (see startDueProbes).
   */
  async withConnection<T>(work: (conn: Connection, endpoint: Endpoint) => Promise<T>): Promise<T> {
    this.startDueProbes();
    let lastError: unknown;
    const tried = new Set<Endpoint>();
    for (;;) {
      const endpoint = this.endpoints.find((e) => e.downUntil === 0 && !tried.has(e)) ?? (await this.revived());
      if (!endpoint || tried.has(endpoint)) break;
      tried.add(endpoint);
      // A pool with no connection at all (its node just died, or it never had one) would
      // retry connecting until its acquire timeout; give it a probe's time instead.
      const empty = endpoint.pool.totalConnections() === 0;
      let conn: Connection;
      try {
        conn = empty ? await acquireWithin(endpoint.pool, PROBE_TIMEOUT_MS) : await endpoint.pool.getConnection();
      } catch (error) {
        lastError = error;
        // A busy but healthy pool stays up; try the next endpoint for this attempt only.
        if (!isBusyPoolTimeout(error, endpoint.pool.activeConnections())) this.markDown(endpoint);
        continue;
      }
      let broken = false;
      try {
        return await work(conn, endpoint);
      } catch (error) {
        let thrown = error;
        if (isNodeNotReady(error) || (sqlErrnoOf(error) === 1205 && (await syncWaitFailed(conn)))) {
          broken = true;
          this.markDown(endpoint, this.notReadyForMs);
          thrown = isNodeNotReady(error) ? error : new NodeNotReadyError(endpoint.name, error);
        } else {
          const errorClass = classifyDbError(error);
          if (errorClass === "connection" || errorClass === "unknown_outcome") {
            broken = true;
            this.markDown(endpoint);
          }
        }
        throw thrown;
      } finally {
        // A broken connection is destroyed, never handed to the next request.
        if (broken) conn.destroy();
        else await conn.release().catch(() => undefined);
      }
    }
    throw lastError ?? new DatabaseUnavailableError();
  }

  /**
   * After a 1205 that came through Prisma (no connection in hand): whether it
   * was the node failing its causality wait (not ready) rather than a lock
   * wait timeout. Marks the endpoint down when it was.
   */
  async notReadyAfterLockWaitTimeout(endpoint: Endpoint): Promise<boolean> {
    let conn: Connection;
    try {
      conn = await acquireWithin(endpoint.pool, PROBE_TIMEOUT_MS);
    } catch {
      this.markDown(endpoint);
      return true;
    }
    const failed = await syncWaitFailed(conn);
    if (failed) {
      conn.destroy();
      this.markDown(endpoint, this.notReadyForMs);
    } else await conn.release().catch(() => undefined);
    return failed;
  }

  /** Run `work` with failover and retries. `work` must be safe to run again. */
  async run<T>(work: (conn: Connection, endpoint: Endpoint) => Promise<T>, retry?: RetryOptions): Promise<T> {
    return withRetry(() => this.withConnection(work), { ...this.retry, ...retry });
  }

  /** A single statement, retried. */
  async query<T = unknown>(sql: string, values?: unknown[]): Promise<T> {
    return this.run((conn, endpoint) => this.exec<T>(conn, endpoint, sql, values));
  }

  /** Execute on a given connection, observed. Uses the binary protocol (prepared, cached). */
  async exec<T = unknown>(conn: Connection, endpoint: Endpoint, sql: string, values?: unknown[]): Promise<T> {
    this.onStatement?.(sql, endpoint.name);
    return (await conn.execute(sql, values)) as T;
  }

  /** Statements as one transaction in one query on a given connection, observed (the session store's runScript). */
  async execScript(conn: Connection, endpoint: Endpoint, statements: readonly ScriptStatement[], options?: TransactionOptions): Promise<WriteResult[]> {
    for (const statement of statements) this.onStatement?.(statement.sql, endpoint.name);
    return runScript(conn, statements, options);
  }

  /**
   * BEGIN … COMMIT around `work`, retried as a whole on conflict (Galera reports
   * certification failures at COMMIT) and on lost connections.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>, retry?: RetryOptions): Promise<T> {
    return this.run(async (conn, endpoint) => {
      await conn.beginTransaction();
      const tx: Transaction = {
        exec: <R = unknown>(sql: string, values?: unknown[]) => this.exec<R>(conn, endpoint, sql, values),
        endpoint,
      };
      try {
        const result = await work(tx);
        await conn.commit();
        return result;
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw error;
      }
    }, retry);
  }

  /** True when some endpoint answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await withRetry(() => this.withConnection((conn) => conn.query("SELECT 1")), { attempts: 2 });
      return true;
    } catch {
      return false;
    }
  }

  async end(): Promise<void> {
    await Promise.all(this.endpoints.map((e) => e.pool.end().catch(() => undefined)));
  }
}

export interface Transaction {
  exec<R = unknown>(sql: string, values?: unknown[]): Promise<R>;
  endpoint: Endpoint;
}

/** Galera 1047: the node is up but not part of the primary component. */
function isNodeNotReady(error: unknown): boolean {
  return sqlErrnoOf(error) === 1047;
}

/**
 * Whether a 1205 on this connection was Galera's causality wait failing (the
 * node is out of the primary component: wsrep_ready is OFF, and every read
 * answers 1205 at once) rather than a lock wait timeout. SHOW STATUS is not
 * subject to the causality wait; on NDB it returns no row (a real 1205).
 */
async function syncWaitFailed(conn: Connection): Promise<boolean> {
  try {
    const rows = (await conn.query("SHOW STATUS LIKE 'wsrep_ready'")) as { Value?: string }[];
    return rows.length > 0 && rows[0]?.Value !== "ON";
  } catch {
    return true;
  }
}

/** Where and how to connect, from a mariadb://user:password@host:port/database URL. */
export function connectionConfigFromUrl(url: string): mariadb.ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, ""),
    // A dead endpoint must cost milliseconds, not a minute: fail fast, fail over.
    connectTimeout: 1000,
    timezone: "Z",
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
    allowPublicKeyRetrieval: parsed.searchParams.get("allowPublicKeyRetrieval") === "true",
    prepareCacheLength: 64,
    // ?socket=/path/mariadb.sock: the server is on this machine; talk over its unix socket.
    ...(parsed.searchParams.get("socket") ? { socketPath: parsed.searchParams.get("socket")! } : {}),
  };
}

export function poolConfigFromUrl(url: string, connectionLimit: number): mariadb.PoolConfig {
  return {
    ...connectionConfigFromUrl(url),
    // For the session store's write batches (execScript): BEGIN, the UPDATEs
    // and COMMIT in one query, one round trip (issue 14). Every other
    // statement on these pools is a prepared statement (exec), which never
    // holds more than one, or a fixed text without values.
    multipleStatements: true,
    connectionLimit,
    acquireTimeout: 1500,
    socketTimeout: 15000,
    idleTimeout: 60,
    minimumIdle: 1,
  };
}
