// @shopcluster/session-store: PHP's database session handler (open, read,
// write, destroy, gc), done right for multi-master MySQL-compatible clusters
// (MariaDB Galera, MySQL NDB Cluster, Group Replication, TiDB). See README.md.
export {
  SessionStore,
  UNCHANGED,
  type ChangeOptions,
  type ChangeResult,
  type DataSchema,
  type EndReason,
  type LoadResult,
  type Mutate,
  type Mutation,
  type Session,
  type SessionLogger,
  type SessionStoreOptions,
  type SignedInSession,
  type StoreObserver,
} from "./store.ts";
export { acquireLease, collectGarbage, GC_LEASE, type GcOptions, type GcResult } from "./gc.ts";
export { SessionIds, sessionKey, sessionLabel } from "./ids.ts";
export { classifyError, errnoOf, ENGINE_ERRORS, ndbCodeOf, type EngineErrorRow, type ErrorClass } from "./engine-errors.ts";
export {
  IdempotencyKeyReusedError,
  SessionDataTooLargeError,
  SessionRotatedError,
  SessionStoreUnavailableError,
} from "./errors.ts";
export type { SqlExecutor, SqlTransaction, WriteResult } from "./sql.ts";
