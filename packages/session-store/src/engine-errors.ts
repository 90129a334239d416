// Which errors a clustered MySQL-compatible database hands back for the
// application to retry, and which leave the outcome unknown. Multi-master
// engines abort transactions that lose a race (Galera's certification, NDB's
// temporary errors, Group Replication's certification, TiDB's optimistic
// commits) and expect the client to run them again; a lost connection or a
// node failure during COMMIT means the change may or may not have happened.
// The store retries both, because every change carries an op id that makes a
// second application a no-op.
//
// Classes:
//   conflict         the transaction did not happen; run it again
//   unknown_outcome  it may have happened; run it again only if idempotent
//   connection       the connection (maybe the node) is gone; the outcome of
//                    an in-flight COMMIT is unknown; use another connection
//   permanent        anything else: a retry would only repeat it

export type ErrorClass = "conflict" | "unknown_outcome" | "connection" | "permanent";

export interface EngineErrorRow {
  engine: "MariaDB Galera" | "MySQL NDB Cluster" | "MySQL Group Replication" | "TiDB" | "any";
  errno: number;
  /** For NDB: the temporary error code inside a 1297 message. */
  ndbCode?: number;
  name: string;
  class: ErrorClass;
  meaning: string;
}

export const ENGINE_ERRORS: readonly EngineErrorRow[] = [
  { engine: "any", errno: 1213, name: "ER_LOCK_DEADLOCK", class: "conflict", meaning: "deadlock; on Galera also a certification conflict at COMMIT" },
  { engine: "any", errno: 1205, name: "ER_LOCK_WAIT_TIMEOUT", class: "conflict", meaning: "lock wait timeout (InnoDB, NDB)" },
  { engine: "any", errno: 1614, name: "ER_XA_RBDEADLOCK", class: "conflict", meaning: "transaction branch rolled back by deadlock" },
  { engine: "any", errno: 1180, name: "ER_ERROR_DURING_COMMIT", class: "unknown_outcome", meaning: "commit failed part-way" },
  { engine: "any", errno: 1053, name: "ER_SERVER_SHUTDOWN", class: "connection", meaning: "the server is shutting down" },
  { engine: "any", errno: 1927, name: "ER_CONNECTION_KILLED", class: "connection", meaning: "the connection was killed" },
  { engine: "any", errno: 2002, name: "CR_CONNECTION_ERROR", class: "connection", meaning: "cannot connect (socket)" },
  { engine: "any", errno: 2003, name: "CR_CONN_HOST_ERROR", class: "connection", meaning: "cannot connect (TCP)" },
  { engine: "any", errno: 2006, name: "CR_SERVER_GONE_ERROR", class: "connection", meaning: "server has gone away" },
  { engine: "any", errno: 2013, name: "CR_SERVER_LOST", class: "connection", meaning: "lost connection during query" },
  { engine: "MariaDB Galera", errno: 1047, name: "ER_UNKNOWN_COM_ERROR", class: "connection", meaning: "WSREP has not yet prepared node for application use: this node is not in the primary component; go elsewhere" },
  { engine: "MariaDB Galera", errno: 4095, name: "ER_LOCK_DEADLOCK (wsrep)", class: "conflict", meaning: "brute-force abort by a replicated write set (reported as 1213 by most versions)" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4010, name: "NDB 4010", class: "conflict", meaning: "node failure caused abort of transaction" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4025, name: "NDB 4025", class: "conflict", meaning: "node failure caused abort of transaction" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4027, name: "NDB 4027", class: "conflict", meaning: "node failure caused abort of transaction" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4028, name: "NDB 4028", class: "conflict", meaning: "node failure caused abort of transaction" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 266, name: "NDB 266", class: "conflict", meaning: "time-out in NDB, probably caused by deadlock" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 1204, name: "NDB 1204", class: "conflict", meaning: "temporary failure, distribution changed" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4008, name: "NDB 4008", class: "unknown_outcome", meaning: "receive from NDB failed: the transaction may have committed" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4009, name: "NDB 4009", class: "unknown_outcome", meaning: "cluster failure: the transaction may have committed" },
  { engine: "MySQL NDB Cluster", errno: 1297, ndbCode: 4012, name: "NDB 4012", class: "unknown_outcome", meaning: "request timed out in waiting for node failure: the transaction may have committed" },
  { engine: "MySQL NDB Cluster", errno: 1297, name: "ER_GET_TEMPORARY_ERRMSG", class: "conflict", meaning: "any other NDB temporary error: the transaction was aborted" },
  { engine: "MySQL Group Replication", errno: 3101, name: "ER_TRANSACTION_ROLLBACK_DURING_COMMIT", class: "conflict", meaning: "rolled back by certification at COMMIT" },
  { engine: "MySQL Group Replication", errno: 3100, name: "ER_RUN_HOOK_ERROR", class: "unknown_outcome", meaning: "a replication hook failed at COMMIT (e.g. member leaving the group)" },
  { engine: "MySQL Group Replication", errno: 1290, name: "ER_OPTION_PREVENTS_STATEMENT", class: "connection", meaning: "super_read_only: this member is no longer the primary; go elsewhere" },
  { engine: "TiDB", errno: 9007, name: "ErrWriteConflict", class: "conflict", meaning: "optimistic write conflict" },
  { engine: "TiDB", errno: 8002, name: "ErrTxnRetryable", class: "conflict", meaning: "SELECT FOR UPDATE write conflict" },
  { engine: "TiDB", errno: 8022, name: "ErrTxnRetryable", class: "conflict", meaning: "transaction commit failed and may be retried" },
  { engine: "TiDB", errno: 8028, name: "ErrInfoSchemaChanged", class: "conflict", meaning: "schema changed during the transaction" },
  { engine: "TiDB", errno: 9001, name: "ErrPDServerTimeout", class: "unknown_outcome", meaning: "PD server timeout" },
  { engine: "TiDB", errno: 9002, name: "ErrTiKVServerTimeout", class: "unknown_outcome", meaning: "TiKV server timeout" },
  { engine: "TiDB", errno: 9005, name: "ErrRegionUnavailable", class: "conflict", meaning: "region unavailable" },
];

/** Driver-level codes (mariadb and mysql2 drivers, Node's sockets) that mean the connection is gone. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN", "PROTOCOL_CONNECTION_LOST",
  "ER_SOCKET_UNEXPECTED_CLOSE", "ER_CONNECTION_TIMEOUT", "ER_CMD_CONNECTION_CLOSED", "ER_SOCKET", "ER_SOCKET_TIMEOUT",
  "ER_INITIAL_TIMEOUT_ERROR", "ER_CONNECTION_ALREADY_CLOSED",
]);

/** The mariadb driver's own errnos (45000+) for the same. */
const CONNECTION_DRIVER_ERRNOS: ReadonlySet<number> = new Set([45009, 45012, 45013, 45019, 45026, 45039]);

const BY_ERRNO = new Map<number, EngineErrorRow>();
const BY_NDB_CODE = new Map<number, EngineErrorRow>();
for (const row of ENGINE_ERRORS) {
  if (row.ndbCode !== undefined) BY_NDB_CODE.set(row.ndbCode, row);
  else BY_ERRNO.set(row.errno, row);
}

/** The NDB error code inside "Got temporary error 4010 '…' from NDBCLUSTER" (1297) or "Got error 4060 …" (1296). */
export function ndbCodeOf(message: string): number | undefined {
  const match = /Got (?:temporary )?error (\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Classify an error from any MySQL-compatible driver, following `cause` chains. */
export function classifyError(error: unknown): ErrorClass {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno === 1297 || errno === 1296) {
      const code = typeof node.message === "string" ? ndbCodeOf(node.message) : undefined;
      const row = code === undefined ? undefined : (BY_NDB_CODE.get(code) ?? BY_ERRNO.get(code));
      if (row) return row.class;
      if (errno === 1297) return "conflict";
    }
    if (errno !== undefined) {
      const row = BY_ERRNO.get(errno);
      if (row) return row.class;
      if (CONNECTION_DRIVER_ERRNOS.has(errno)) return "connection";
    }
    if (typeof node.code === "string" && CONNECTION_CODES.has(node.code)) return "connection";
  }
  return "permanent";
}

/** The server's error number carried by an error, if any. */
export function errnoOf(error: unknown): number | undefined {
  for (const node of causeChain(error)) {
    const errno = numeric(node.errno) ?? numeric(node.originalCode);
    if (errno !== undefined) return errno;
  }
  return undefined;
}

type ErrorLike = Record<string, unknown>;

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
