// The connection layer: one mariadb pool per SQL endpoint (this node's own
// first, then the others), with failover and retries.
//
// Promises:
// - `query`/`transaction` run on the first endpoint that is not marked down; an
//   endpoint that refuses connections or drops one mid-query is marked down for
//   a few seconds and the work moves to the next endpoint.
// - Work is retried (bounded, jittered) on conflicts and lost connections, never
//   on permanent errors. Callers make their writes idempotent, because a lost
//   connection during COMMIT leaves the outcome unknown (see lib/session/store.ts).
// - Reads are causal on Galera because the cluster sets wsrep_sync_wait=1
//   (cluster/galera.ts); NDB reads committed data on every SQL node.
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
  /** Skipped until then, after a failure. */
  downUntil: number;
  /** After downUntil, one request at a time probes the endpoint; the others keep skipping it. */
  probing: boolean;
}

/** How long a probe of a recovering endpoint may wait for a connection. */
const PROBE_TIMEOUT_MS = 500;

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

/** Every endpoint is marked down: nothing was tried. A connection-class error (ECONNREFUSED), so callers answer 503. */
export class DatabaseUnavailableError extends Error {
  readonly code = "ECONNREFUSED";
  constructor() {
    super("no database endpoint available: every endpoint is marked down");
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
      return { name: `${config.host}:${config.port}`, url, pool: mariadb.createPool(config), downUntil: 0, probing: false };
    });
  }

  /**
   * Endpoints to try, in order: live ones first, then (as a last resort) the
   * ones marked down. An endpoint whose down time is over but that is being
   * probed by another request counts as down, so a dead node costs one
   * request a connect attempt, not every request in flight.
   */
  private candidates(): Endpoint[] {
    const now = Date.now();
    const isLive = (e: Endpoint) => e.downUntil <= now && !(e.downUntil > 0 && e.probing);
    return [...this.endpoints.filter(isLive), ...this.endpoints.filter((e) => !isLive(e))];
  }

  markDown(endpoint: Endpoint, forMs = this.downForMs): void {
    endpoint.downUntil = Date.now() + forMs;
    endpoint.probing = false;
  }

  private markUp(endpoint: Endpoint): void {
    endpoint.downUntil = 0;
    endpoint.probing = false;
  }

  /** True while every endpoint is marked down (the last attempt at each failed within downForMs). */
  allDown(): boolean {
    const now = Date.now();
    return this.endpoints.every((e) => e.downUntil > now);
  }

  /** The endpoint that new work goes to now. */
  currentEndpoint(): Endpoint {
    return this.candidates()[0];
  }

  /**
   * One attempt: borrow a connection from the first endpoint that gives one,
   * run `work`, release. A connection-level failure marks the endpoint down.
   */
  async withConnection<T>(work: (conn: Connection, endpoint: Endpoint) => Promise<T>): Promise<T> {
    let lastError: unknown;
    let probed = false;
    for (const endpoint of this.candidates()) {
      const now = Date.now();
      // Never wait on an endpoint still marked down, and probe at most one recovering
      // endpoint per call, bounded by PROBE_TIMEOUT_MS: with every node down or out of
      // quorum a request fails in milliseconds (503), not after an acquire timeout per
      // endpoint and per retry.
      if (endpoint.downUntil > now || (endpoint.downUntil > 0 && endpoint.probing)) continue;
      const recovering = endpoint.downUntil > 0;
      // A pool with no connection at all (its node just died, or it never had one) would
      // retry connecting until its acquire timeout; give it a probe's time instead.
      const empty = endpoint.pool.totalConnections() === 0;
      if (recovering) {
        if (probed) continue;
        probed = true;
        endpoint.probing = true;
      }
      let conn: Connection;
      try {
        conn = recovering || empty ? await acquireWithin(endpoint.pool, PROBE_TIMEOUT_MS) : await endpoint.pool.getConnection();
      } catch (error) {
        lastError = error;
        // A busy but healthy pool stays up; try the next endpoint for this attempt only.
        if (isBusyPoolTimeout(error, endpoint.pool.activeConnections())) endpoint.probing = false;
        else this.markDown(endpoint);
        continue;
      }
      if (recovering) this.markUp(endpoint);
      let broken = false;
      try {
        return await work(conn, endpoint);
      } catch (error) {
        const errorClass = classifyDbError(error);
        if (isNodeNotReady(error)) {
          // The server answered: it may be Synced again soon, so skip it for a shorter while.
          broken = true;
          this.markDown(endpoint, Math.ceil(this.downForMs / 3));
        } else if (errorClass === "connection" || errorClass === "unknown_outcome") {
          broken = true;
          this.markDown(endpoint);
        }
        throw error;
      } finally {
        // A broken connection is destroyed, never handed to the next request.
        if (broken) conn.destroy();
        else await conn.release().catch(() => undefined);
      }
    }
    throw lastError ?? new DatabaseUnavailableError();
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
  };
}

export function poolConfigFromUrl(url: string, connectionLimit: number): mariadb.PoolConfig {
  return {
    ...connectionConfigFromUrl(url),
    connectionLimit,
    acquireTimeout: 1500,
    socketTimeout: 15000,
    idleTimeout: 60,
    minimumIdle: 1,
  };
}
