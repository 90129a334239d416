// SqlExecutor for the `mariadb` driver's Pool (or PoolCluster's of()): one
// connection per statement or transaction, prepared statements (binary
// protocol), and a connection that failed mid-work is destroyed rather than
// returned to the pool.
import type { Pool, PoolConnection } from "mariadb";
import { classifyError } from "./engine-errors.ts";
import type { SqlExecutor, SqlTransaction, TransactionOptions } from "./sql.ts";

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
  return {
    query: <T>(sql: string, values?: readonly unknown[]) => withConnection((conn) => conn.execute(sql, values as unknown[]) as Promise<T>),
    transaction: <T>(work: (tx: SqlTransaction) => Promise<T>, options?: TransactionOptions) =>
      withConnection(async (conn) => {
        await (options?.begin ? conn.query(options.begin) : conn.beginTransaction());
        try {
          const result = await work({ query: <R>(sql: string, values?: readonly unknown[]) => conn.execute(sql, values as unknown[]) as Promise<R> });
          await conn.commit();
          return result;
        } catch (error) {
          await conn.rollback().catch(() => undefined);
          throw error;
        }
      }),
  };
}
