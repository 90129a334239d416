// Which database errors are worth retrying, and how. Galera and NDB both hand
// some conflicts back to the application and expect it to try again; anything
// not listed is permanent and is never retried (a retry would only repeat it).
// The numbers live in lib/db/engine-errors.ts (engine by engine, with sources);
// the shop runs on MariaDB Galera locally and MySQL NDB Cluster in compose, so
// both tables apply here.
//
// Classes: "conflict" (did not happen, run again), "unknown_outcome" (may have
// committed: retry only idempotent work, e.g. with an op id), "connection"
// (connection or node gone: discard the connection, mark the endpoint down,
// bounded attempts), "permanent".
import { CLIENT_CONNECTION_ERRNOS, ENGINE_ERRORS, classifyEngineError, type EngineName } from "./engine-errors";

const SHOP_ENGINES: readonly EngineName[] = ["mariadb-galera", "mysql-ndb"];

/** Server error numbers that (at least for some NDB codes) mean "run it again". */
export const RETRYABLE_SERVER_ERRNOS: ReadonlySet<number> = new Set(
  SHOP_ENGINES.flatMap((engine) => ENGINE_ERRORS[engine].filter((e) => e.class === "conflict").map((e) => e.errno)),
);

/** Errors that mean the connection (and possibly the node) is gone. */
export const CONNECTION_ERRNOS: ReadonlySet<number> = new Set([
  ...CLIENT_CONNECTION_ERRNOS.map((e) => e.errno),
  ...SHOP_ENGINES.flatMap((engine) => ENGINE_ERRORS[engine].filter((e) => e.class === "connection").map((e) => e.errno)),
]);

/** The mariadb pool's "could not get a connection in time". */
export const POOL_ACQUIRE_TIMEOUT_ERRNO = 45028;

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN",
]);

/** Prisma driver-adapter error kinds that mean the same things. */
const RETRYABLE_PRISMA_KINDS: ReadonlySet<string> = new Set(["TransactionWriteConflict"]);
const CONNECTION_PRISMA_KINDS: ReadonlySet<string> = new Set([
  "DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections",
]);

export type ErrorClass = "conflict" | "unknown_outcome" | "connection" | "permanent";

/**
 * Classify an error from the mariadb driver or from Prisma (whose adapter
 * wraps the driver's error and keeps its number in `originalCode`).
 */
export function classifyDbError(error: unknown): ErrorClass {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) {
      const message = firstString(node.sqlMessage, node.originalMessage, node.text, node.message);
      const engineClass = classifyEngineError(SHOP_ENGINES, { errno, message });
      if (engineClass !== "permanent") return engineClass;
    }
    if (typeof node.code === "string" && CONNECTION_CODES.has(node.code)) return "connection";
    if (typeof node.kind === "string") {
      if (RETRYABLE_PRISMA_KINDS.has(node.kind)) return "conflict";
      if (CONNECTION_PRISMA_KINDS.has(node.kind)) return "connection";
    }
    if (node.fatal === true && errno !== undefined && errno >= 45000) return "connection";
  }
  return "permanent";
}

export function isRetryableDbError(error: unknown): boolean {
  return classifyDbError(error) !== "permanent";
}

/**
 * A pool acquire timeout while the pool has connections in use means the pool
 * is busy, not that the endpoint is dead: do not mark it down (that would send
 * every node's load to the others for a few seconds and make it worse).
 */
export function isBusyPoolTimeout(error: unknown, activeConnections: number): boolean {
  return sqlErrnoOf(error) === POOL_ACQUIRE_TIMEOUT_ERRNO && activeConnections > 0;
}

/** The MySQL/MariaDB error number carried by an error, if any. */
export function sqlErrnoOf(error: unknown): number | undefined {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) return errno;
  }
  return undefined;
}

type ErrorLike = Record<string, unknown>;

/** The error, its `cause`s and Prisma's `meta.driverAdapterError`, breadth first. */
function causeChain(error: unknown): ErrorLike[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  const out: ErrorLike[] = [];
  while (queue.length > 0 && out.length < 12) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const node = current as ErrorLike;
    out.push(node);
    queue.push(node.cause);
    const meta = node.meta as ErrorLike | undefined;
    if (meta && typeof meta === "object") queue.push(meta.driverAdapterError, meta.cause);
  }
  return out;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === "string");
}
