// The shop's failover pools (lib/db) as the session store's SqlExecutor. One
// attempt per call: the store decides what to retry from the engine's error
// table, and each retry lands on the next live endpoint because a failed
// connection marks its endpoint down here.
import "server-only";
import type { SqlExecutor } from "@shopcluster/session-store";
import type { Database } from "@/lib/db/database";

export function databaseExecutor(db: Database): SqlExecutor {
  return {
    query: <T>(sql: string, values?: readonly unknown[]) =>
      db.withConnection((conn, endpoint) => db.exec<T>(conn, endpoint, sql, values as unknown[])),
    transaction: <T>(work: (tx: { query<R>(sql: string, values?: readonly unknown[]): Promise<R> }) => Promise<T>) =>
      db.withConnection(async (conn, endpoint) => {
        await conn.beginTransaction();
        try {
          const result = await work({ query: <R>(sql: string, values?: readonly unknown[]) => db.exec<R>(conn, endpoint, sql, values as unknown[]) });
          await conn.commit();
          return result;
        } catch (error) {
          await conn.rollback().catch(() => undefined);
          throw error;
        }
      }),
  };
}
