// Which database errors are worth retrying, and how. Galera and NDB both hand
// some conflicts back to the application and expect it to try again; anything
// not listed is permanent and is never retried (a retry would only repeat it).
// The numbers live in the session-store package's engine table (engine by engine, with sources);
// the shop runs on MariaDB Galera locally and MySQL NDB Cluster in compose, so
// both tables apply here.
//
// Classes: "conflict" (did not happen, run again), "unknown_outcome" (may have
// committed: retry only idempotent work, e.g. with an op id), "connection"
// (connection or node gone: discard the connection, mark the endpoint down,
// bounded attempts), "permanent".
import {
  CLIENT_CONNECTION_ERRNOS,
  classifyError,
  ENGINE_ERRORS,
  errnoOf,
  type EngineName,
  type ErrorClass,
} from "@shopcluster/session-store";

export type { ErrorClass };

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

/**
 * Classify an error from the mariadb driver or from Prisma (whose adapter
 * wraps the driver's error and keeps its number in `originalCode`), for the
 * engines the shop runs on.
 */
export function classifyDbError(error: unknown): ErrorClass {
  return classifyError(error, SHOP_ENGINES);
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
  return errnoOf(error);
}
