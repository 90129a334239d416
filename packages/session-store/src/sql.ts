// The one interface the store runs SQL through. Any MySQL-compatible driver
// fits in a few lines (src/mariadb.ts is the adapter for the `mariadb`
// driver); an application with its own failover pools implements it itself.
//
// Contract:
// - `query` runs one statement in autocommit mode and resolves to the rows of a
//   SELECT, or to `{ affectedRows }` for a write.
// - `transaction` runs `work` between BEGIN and COMMIT on one connection and
//   rolls back if `work` or the COMMIT throws. It does not retry: the store
//   decides what is safe to run again, from the engine's error table. With
//   `options.begin` it opens the transaction with that statement instead of
//   START TRANSACTION (the store passes one only with skipRedundantCausalWaits).
// - Errors are the driver's own, carrying the server's error number as `errno`
//   (and, for lost connections, the driver's code); a connection that failed
//   must not be handed out again.
// - Placeholders are `?`; values are Buffers, strings, numbers, Dates or null.
// - `script` is optional: write statements known in advance, sent as one
//   transaction in one round trip (BEGIN, the statements and COMMIT in one
//   multi-statement query), resolving to each statement's `{ affectedRows }`.
//   If a statement or the COMMIT fails, the transaction is rolled back and
//   the error thrown, as `transaction` does. The store sends its group-commit
//   batches this way when it is there (one round trip and one socket write
//   instead of three and one per statement); without it, through `transaction`.
export interface SqlExecutor {
  query<T = unknown>(sql: string, values?: readonly unknown[]): Promise<T>;
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  script?(statements: readonly ScriptStatement[], options?: TransactionOptions): Promise<WriteResult[]>;
}

/** One statement of a `script`. */
export interface ScriptStatement {
  sql: string;
  values: readonly unknown[];
}

export interface TransactionOptions {
  /** The statement that opens the transaction, e.g. "SET STATEMENT wsrep_sync_wait=0 FOR START TRANSACTION". */
  begin?: string;
}

export interface SqlTransaction {
  query<T = unknown>(sql: string, values?: readonly unknown[]): Promise<T>;
}

export interface WriteResult {
  affectedRows: number;
}
