// Which errors of a replicated MySQL-family database an application must
// retry, engine by engine, as data (src/engine-errors.ts applies it to an
// error, following its cause chain).
//
// Three classes besides "permanent" (everything not listed: never retried):
// - conflict:         the transaction did not happen; run it again on the same or another node.
// - unknown_outcome:  it may or may not have committed; retry only when an op id makes the work idempotent.
// - connection:       the connection (and maybe the node) is gone or cannot serve; discard the
//                     connection, move to another endpoint, bounded attempts.
// A connection lost *during COMMIT* is an unknown outcome on every engine; the
// driver cannot tell it from any other lost connection, so callers whose writes
// carry op ids treat "connection" as "unknown outcome" too.
//
// Sources: MariaDB error reference and Galera "Known limitations"; MySQL NDB
// Cluster "NDB API errors" (temporary / unknown-result classes); MySQL Group
// Replication "Limitations" and the server error reference; TiDB "Error Codes
// and Troubleshooting".

export type EngineErrorClass = "conflict" | "unknown_outcome" | "connection";
export type EngineName = "mariadb-galera" | "mysql-ndb" | "mysql-group-replication" | "tidb";

export const ENGINE_NAMES: readonly EngineName[] = ["mariadb-galera", "mysql-ndb", "mysql-group-replication", "tidb"];

export interface EngineError {
  /** The server's error number (the driver's `errno`). */
  errno: number;
  /** For NDB: the NDB error code inside a 1296/1297 message ("Got temporary error 4010 ..."). */
  ndbCode?: number;
  name: string;
  class: EngineErrorClass;
  why: string;
}

/** Client-side (driver) errors: the same on every engine. mariadb driver codes are 45xxx. */
export const CLIENT_CONNECTION_ERRNOS: readonly EngineError[] = [
  { errno: 2002, name: "CR_CONNECTION_ERROR", class: "connection", why: "cannot connect (socket)" },
  { errno: 2003, name: "CR_CONN_HOST_ERROR", class: "connection", why: "cannot connect (TCP)" },
  { errno: 2006, name: "CR_SERVER_GONE_ERROR", class: "connection", why: "server has gone away" },
  { errno: 2013, name: "CR_SERVER_LOST", class: "connection", why: "lost connection during a query (during COMMIT: unknown outcome)" },
  { errno: 45009, name: "ER_SOCKET_UNEXPECTED_CLOSE", class: "connection", why: "socket closed by the server" },
  { errno: 45012, name: "ER_CONNECTION_TIMEOUT", class: "connection", why: "connect timeout" },
  { errno: 45013, name: "ER_CMD_CONNECTION_CLOSED", class: "connection", why: "command on a closed connection" },
  { errno: 45019, name: "ER_SOCKET", class: "connection", why: "socket error" },
  { errno: 45026, name: "ER_SOCKET_TIMEOUT", class: "connection", why: "socket timeout (query took too long)" },
  { errno: 45028, name: "ER_GET_CONNECTION_TIMEOUT", class: "connection", why: "pool acquire timeout (busy pool or dead endpoint)" },
  { errno: 45039, name: "ER_INITIAL_TIMEOUT_ERROR", class: "connection", why: "initial pool connections timed out" },
];

const commonInnoDb: EngineError[] = [
  { errno: 1213, name: "ER_LOCK_DEADLOCK", class: "conflict", why: "deadlock; the transaction was rolled back" },
  { errno: 1205, name: "ER_LOCK_WAIT_TIMEOUT", class: "conflict", why: "lock wait timeout; the statement (or transaction) was rolled back" },
];

export const ENGINE_ERRORS: Readonly<Record<EngineName, readonly EngineError[]>> = {
  "mariadb-galera": [
    { ...commonInnoDb[0], why: "InnoDB deadlock, or a Galera certification conflict at COMMIT (brute-force abort)" },
    commonInnoDb[1],
    { errno: 4060, name: "ER_ROLLBACK_ONLY", class: "conflict", why: "the transaction was rolled back (e.g. aborted by a replicated write) and can only be restarted" },
    { errno: 1180, name: "ER_ERROR_DURING_COMMIT", class: "conflict", why: "COMMIT aborted by a temporary condition; nothing was applied" },
    { errno: 1614, name: "ER_XA_RBDEADLOCK", class: "conflict", why: "transaction branch rolled back by deadlock" },
    { errno: 1047, name: "ER_UNKNOWN_COM_ERROR", class: "connection", why: "WSREP has not yet prepared node for application use: the node is not in the primary component" },
    { errno: 1927, name: "ER_CONNECTION_KILLED", class: "connection", why: "the server killed the connection (node leaving, KILL)" },
    { errno: 1053, name: "ER_SERVER_SHUTDOWN", class: "connection", why: "server shutdown in progress: the node is going away" },
  ],
  "mysql-ndb": [
    ...commonInnoDb.map((entry) => (entry.errno === 1205 ? { ...entry, why: "NDB lock wait timeout (TransactionDeadlockDetectionTimeout); aborted" } : entry)),
    { errno: 1297, ndbCode: 4010, name: "NDB 4010", class: "conflict", why: "node failure caused abort of transaction" },
    { errno: 1297, ndbCode: 4025, name: "NDB 4025", class: "conflict", why: "node failure caused abort of transaction" },
    { errno: 1297, ndbCode: 4027, name: "NDB 4027", class: "conflict", why: "node failure caused abort of transaction" },
    { errno: 1297, ndbCode: 4028, name: "NDB 4028", class: "conflict", why: "node failure caused abort of transaction" },
    { errno: 1297, ndbCode: 266, name: "NDB 266", class: "conflict", why: "time-out in NDB, probably caused by deadlock" },
    { errno: 1297, ndbCode: 1204, name: "NDB 1204", class: "conflict", why: "temporary failure, distribution changed" },
    { errno: 1297, ndbCode: 4008, name: "NDB 4008", class: "unknown_outcome", why: "receive from NDB failed: the commit may have happened" },
    { errno: 1297, ndbCode: 4009, name: "NDB 4009", class: "unknown_outcome", why: "cluster failure: the commit may have happened" },
    { errno: 1297, ndbCode: 4012, name: "NDB 4012", class: "unknown_outcome", why: "request ndbd time-out: the commit may have happened" },
    { errno: 1297, name: "ER_GET_TEMPORARY_ERRMSG", class: "conflict", why: "any other NDB temporary error: the transaction was aborted; retry" },
    { errno: 1180, name: "ER_ERROR_DURING_COMMIT", class: "conflict", why: "COMMIT failed with a temporary NDB error" },
    { errno: 1053, name: "ER_SERVER_SHUTDOWN", class: "connection", why: "SQL node shutting down" },
    { errno: 4031, name: "ER_CLIENT_INTERACTION_TIMEOUT", class: "connection", why: "MySQL 8: disconnected by the server for inactivity" },
  ],
  "mysql-group-replication": [
    { ...commonInnoDb[0], why: "InnoDB deadlock, or a transaction rolled back by a conflicting remote one" },
    commonInnoDb[1],
    { errno: 3101, name: "ER_TRANSACTION_ROLLBACK_DURING_COMMIT", class: "conflict", why: "certification conflict: the plugin rolled the transaction back at COMMIT" },
    { errno: 3100, name: "ER_RUN_HOOK_ERROR", class: "connection", why: "replication hook failed (member not ONLINE, or out of the majority): use another member" },
    { errno: 1290, name: "ER_OPTION_PREVENTS_STATEMENT", class: "connection", why: "super_read_only: a secondary, or a member in ERROR state; write to the primary" },
    { errno: 1053, name: "ER_SERVER_SHUTDOWN", class: "connection", why: "member shutting down" },
    { errno: 4031, name: "ER_CLIENT_INTERACTION_TIMEOUT", class: "connection", why: "disconnected by the server for inactivity" },
  ],
  tidb: [
    { ...commonInnoDb[0], why: "deadlock in a pessimistic transaction" },
    commonInnoDb[1],
    { errno: 8002, name: "ErrCantRetry (SELECT FOR UPDATE)", class: "conflict", why: "write conflict in a transaction with SELECT FOR UPDATE; rolled back, retry the whole transaction" },
    { errno: 8005, name: "Write Conflict, txnStartTS is stale", class: "conflict", why: "optimistic write conflict; rolled back" },
    { errno: 8022, name: "ErrTxnRetryable", class: "conflict", why: "transaction commit failed and may be retried" },
    { errno: 8028, name: "ErrInfoSchemaChanged", class: "conflict", why: "schema changed during the transaction; rolled back" },
    { errno: 9007, name: "Write conflict (TiKV)", class: "conflict", why: "write conflict detected in TiKV; rolled back" },
    { errno: 9004, name: "Resolve lock timeout", class: "conflict", why: "lock contention; rolled back" },
    { errno: 9003, name: "TiKV server is busy", class: "conflict", why: "overload; not applied, retry with backoff" },
    { errno: 9005, name: "Region is unavailable", class: "conflict", why: "a Raft group lost its leader (TiKV node down); not applied, retry with backoff" },
    { errno: 9001, name: "PD server timeout", class: "conflict", why: "timestamp oracle unreachable; not applied, retry with backoff" },
    { errno: 9002, name: "TiKV server timeout", class: "conflict", why: "a read or prewrite timed out; not committed (an undetermined commit closes the connection instead)" },
    { errno: 1053, name: "ER_SERVER_SHUTDOWN", class: "connection", why: "tidb-server shutting down" },
  ],
};

/**
 * Notes per engine that no error number captures (for the README table):
 * how each engine reports "the commit may have happened".
 */
export const UNKNOWN_OUTCOME_NOTES: Readonly<Record<EngineName, string>> = {
  "mariadb-galera": "No error number: a connection lost during COMMIT (2013, reset socket) leaves the write set possibly replicated.",
  "mysql-ndb": "1297 carrying NDB 4008/4009/4012 (and a connection lost during COMMIT).",
  "mysql-group-replication": "No error number: a connection lost during COMMIT; the transaction may have been certified.",
  tidb: "ErrResultUndetermined: tidb-server closes the connection, so the client sees a lost connection (2013) at COMMIT.",
};

/** The NDB error code inside a 1296/1297 message ("Got temporary error 4010 'Node failure ...' from NDBCLUSTER"). */
export function ndbCodeOf(message: unknown): number | undefined {
  if (typeof message !== "string") return undefined;
  const match = /Got (?:temporary )?error (\d+)\b/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/**
 * Classify one server error for one engine (or several: a shop that runs on
 * Galera locally and NDB in compose passes both). Specific NDB codes win over
 * the generic 1297 entry; "permanent" when nothing matches.
 */
export function classifyEngineError(
  engines: readonly EngineName[],
  error: { errno?: number; message?: string },
): EngineErrorClass | "permanent" {
  const { errno } = error;
  if (errno === undefined) return "permanent";
  const client = CLIENT_CONNECTION_ERRNOS.find((entry) => entry.errno === errno);
  if (client) return client.class;
  const ndbCode = ndbCodeOf(error.message);
  let generic: EngineErrorClass | undefined;
  for (const engine of engines) {
    for (const entry of ENGINE_ERRORS[engine]) {
      if (entry.errno !== errno) continue;
      if (entry.ndbCode === undefined) generic ??= entry.class;
      else if (entry.ndbCode === ndbCode) return entry.class;
    }
  }
  // NDB's unknown-result errors are not "temporary": they may surface as 1296 ("Got error 4008 ...").
  if (generic === undefined && errno === 1296 && engines.includes("mysql-ndb") && ndbCode !== undefined) {
    const entry = ENGINE_ERRORS["mysql-ndb"].find((e) => e.ndbCode === ndbCode && e.class === "unknown_outcome");
    if (entry) return entry.class;
  }
  return generic ?? "permanent";
}

/** The table as markdown, for the README (one row per engine and class). */
export function engineErrorsMarkdown(): string {
  const label = (entry: EngineError) => (entry.ndbCode !== undefined ? `${entry.errno}/${entry.ndbCode}` : String(entry.errno));
  const rows = (Object.keys(ENGINE_ERRORS) as EngineName[]).map((engine) => {
    const of = (cls: EngineErrorClass) =>
      ENGINE_ERRORS[engine].filter((entry) => entry.class === cls).map(label).join(", ") || "—";
    return `| ${engine} | ${of("conflict")} | ${of("unknown_outcome")} ${UNKNOWN_OUTCOME_NOTES[engine]} | ${of("connection")} |`;
  });
  return [
    "| engine | retryable conflict (did not happen) | unknown outcome (retry only with an op id) | connection loss / node unusable |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}
