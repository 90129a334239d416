// SqlExecutor for the `mariadb` driver's Pool (or PoolCluster's of()): one
// connection per statement or transaction, prepared statements (binary
// protocol), and a connection that failed mid-work is destroyed rather than
// returned to the pool. The transaction helper is exported for executors with
// pools of their own (the shop's failover pools use it).
import type { Connection, Pool, PoolConnection } from "mariadb";
import { classifyError } from "./engine-errors.ts";
import type { SqlExecutor, SqlTransaction, TransactionOptions } from "./sql.ts";

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

export function mariadbExecutor(pool: Pick<Pool, "getConnection">): SqlExecutor {
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
  };
}
