// SqlExecutor for the `mariadb` driver's Pool (or PoolCluster's of()): one
// connection per statement or transaction, prepared statements (binary
// protocol), and a connection that failed mid-work is destroyed rather than
// returned to the pool. The transaction and script helpers are exported for
// executors with pools of their own (the shop's failover pools use them).
import type { Connection, Pool, PoolConnection } from "mariadb";
import { classifyError } from "./engine-errors.ts";
import type { ScriptStatement, SqlExecutor, SqlTransaction, TransactionOptions, WriteResult } from "./sql.ts";

/** What runTransaction calls on a connection: a mariadb Connection or PoolConnection. */
export type TransactionConnection = Pick<Connection, "query" | "rollback">;
/** Runs one statement on that connection (e.g. `conn.execute`, or a wrapper that also counts it). */
export type StatementRunner = <R>(sql: string, values?: readonly unknown[]) => Promise<R>;

/** BEGIN (or `options.begin`), `work`, COMMIT on one connection; ROLLBACK when `work` or the COMMIT fails. */
export async function runTransaction<T>(
  conn: TransactionConnection,
  run: StatementRunner,
  work: (tx: SqlTransaction) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  await conn.query(options?.begin ?? "START TRANSACTION");
  try {
    const result = await work({ query: run });
    await conn.query("COMMIT");
    return result;
  } catch (error) {
    await conn.rollback().catch(() => undefined);
    throw error;
  }
}

/**
 * BEGIN (or `options.begin`), `statements` and COMMIT as one multi-statement
 * query on `conn`, which must have been opened with `multipleStatements: true`;
 * resolves to each statement's result. The values go in as the driver's
 * escaped literals (the text protocol). When anything fails, a ROLLBACK
 * follows: a statement that failed without ending the transaction (a lock
 * wait timeout) must not leave it open on a pooled connection.
 */
export async function runScript(
  conn: Pick<Connection, "query">,
  statements: readonly ScriptStatement[],
  options?: TransactionOptions,
): Promise<WriteResult[]> {
  const sql = [options?.begin ?? "START TRANSACTION", ...statements.map((statement) => statement.sql), "COMMIT"].join(";\n");
  let results: WriteResult[];
  try {
    results = (await conn.query(sql, statements.flatMap((statement) => statement.values))) as WriteResult[];
  } catch (error) {
    await conn.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
  if (!Array.isArray(results) || results.length !== statements.length + 2) {
    throw new Error(`session-store: a script of ${statements.length} statements returned ${Array.isArray(results) ? results.length : "no"} results; is multipleStatements on?`);
  }
  return results.slice(1, -1);
}

/**
 * The executor over a `mariadb` pool. With `{ multipleStatements: true }` (the
 * pool's connections must have been created with that option) it has `script`
 * too. That option lets a text query hold several statements; the store sends
 * every other statement as a prepared statement, which never can.
 */
export function mariadbExecutor(pool: Pick<Pool, "getConnection">, options: { multipleStatements?: boolean } = {}): SqlExecutor {
  async function withConnection<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    let broken = false;
    try {
      return await work(conn);
    } catch (error) {
      broken = classifyError(error) === "connection";
      throw error;
    } finally {
      if (broken) conn.destroy();
      else await conn.release().catch(() => undefined);
    }
  }
  const runner = (conn: PoolConnection): StatementRunner => (sql, values) => conn.execute(sql, values as unknown[]);
  return {
    query: <T>(sql: string, values?: readonly unknown[]) => withConnection((conn) => runner(conn)<T>(sql, values)),
    transaction: (work, options) => withConnection((conn) => runTransaction(conn, runner(conn), work, options)),
    ...(options.multipleStatements ? { script: (statements, scriptOptions) => withConnection((conn) => runScript(conn, statements, scriptOptions)) } : {}),
  } satisfies SqlExecutor;
}
