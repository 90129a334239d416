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
export { classifyError, errnoOf, type ErrorClass } from "./engine-errors.ts";
export {
  CLIENT_CONNECTION_ERRNOS,
  classifyEngineError,
  ENGINE_ERRORS,
  ENGINE_NAMES,
  engineErrorsMarkdown,
  ndbCodeOf,
  UNKNOWN_OUTCOME_NOTES,
  type EngineError,
  type EngineErrorClass,
  type EngineName,
} from "./engine-table.ts";
export {
  IdempotencyKeyReusedError,
  SessionDataTooLargeError,
  SessionRotatedError,
  SessionStoreUnavailableError,
} from "./errors.ts";
export {
  bindRequestSession,
  cookieAttributes,
  cookieJarFromHeader,
  cookieName,
  readCookie,
  serializeCookie,
  toCurrentSession,
  type CookieAttributes,
  type CookieJar,
  type CookieOptions,
  type CurrentSession,
  type RequestContext,
  type RequestSession,
  type SessionChange,
} from "./binding.ts";
export type { ScriptStatement, SqlExecutor, SqlTransaction, TransactionOptions, WriteResult } from "./sql.ts";
