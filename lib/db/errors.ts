// Which database errors are worth retrying. Galera and NDB both hand some
// conflicts back to the application and expect it to try again; anything not
// listed here is permanent and is never retried (a retry would only repeat it).
//
// Sources: MariaDB Galera "Known limitations" (certification failures surface
// as ER_LOCK_DEADLOCK 1213 at commit; 1047 while a node is not synced),
// MySQL NDB Cluster "NDB error codes" (temporary errors surface as 1297
// "Got temporary error", lock timeouts as 1205, node failure as 1297/4010).

/** Server error numbers that mean "the transaction did not happen; run it again". */
export const RETRYABLE_SERVER_ERRNOS: ReadonlySet<number> = new Set([
  1213, // ER_LOCK_DEADLOCK: InnoDB deadlock, or a Galera certification conflict
  1205, // ER_LOCK_WAIT_TIMEOUT: InnoDB/NDB lock wait timeout
  1297, // ER_GET_TEMPORARY_ERRMSG: NDB temporary error (node failure, overload, ...)
  1047, // ER_UNKNOWN_COM_ERROR: "WSREP has not yet prepared node for application use"
  1180, // ER_ERROR_DURING_COMMIT: NDB/Galera commit aborted by a temporary condition
  1614, // ER_XA_RBDEADLOCK: transaction branch rolled back by deadlock
  1053, // ER_SERVER_SHUTDOWN: the node is going down
  1927, // ER_CONNECTION_KILLED
]);

/** Errors that mean the connection (and possibly the node) is gone. */
export const CONNECTION_ERRNOS: ReadonlySet<number> = new Set([
  2002, 2003, 2006, 2013, // client: can't connect / server gone away / lost connection during query
  45009, // mariadb driver: ER_SOCKET_UNEXPECTED_CLOSE
  45012, // ER_CONNECTION_TIMEOUT
  45013, // ER_CMD_CONNECTION_CLOSED
  45019, // ER_SOCKET
  45026, // ER_SOCKET_TIMEOUT
  45028, // ER_GET_CONNECTION_TIMEOUT (pool could not get a connection in time)
  45039, // ER_INITIAL_TIMEOUT_ERROR
]);

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN",
]);

/** Prisma driver-adapter error kinds that mean the same two things. */
const RETRYABLE_PRISMA_KINDS: ReadonlySet<string> = new Set(["TransactionWriteConflict"]);
const CONNECTION_PRISMA_KINDS: ReadonlySet<string> = new Set([
  "DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections",
]);

export type ErrorClass = "conflict" | "connection" | "permanent";

/**
 * Classify an error from the mariadb driver or from Prisma (whose adapter
 * wraps the driver's error and keeps its number in `originalCode`).
 */
export function classifyDbError(error: unknown): ErrorClass {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) {
      if (RETRYABLE_SERVER_ERRNOS.has(errno)) return "conflict";
      if (CONNECTION_ERRNOS.has(errno)) return "connection";
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
