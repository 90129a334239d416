// The shop's failover pools (lib/db) as the session store's SqlExecutor. One
// attempt per call: the store decides what to retry from the engine's error
// table, and each retry lands on the next live endpoint because a failed
// connection marks its endpoint down here.
import "server-only";
import { SessionStoreUnavailableError, type SqlExecutor, type TransactionOptions } from "@shopcluster/session-store";
import { DatabaseUnavailableError, type Database } from "@/lib/db/database";

/**
 * With every endpoint marked down there is nothing to retry on: say so at once
 * (the store passes SessionStoreUnavailableError through, a 503), instead of
 * letting each of the store's retries wait for a probe.
 */
function assertSomeEndpoint(db: Database): void {
  if (db.allDown()) throw new SessionStoreUnavailableError(new DatabaseUnavailableError());
}

export function databaseExecutor(db: Database): SqlExecutor {
  return {
    query: async <T>(sql: string, values?: readonly unknown[]): Promise<T> => {
      assertSomeEndpoint(db);
      return db.withConnection((conn, endpoint) => db.exec<T>(conn, endpoint, sql, values as unknown[]));
    },
    transaction: <T>(work: (tx: { query<R>(sql: string, values?: readonly unknown[]): Promise<R> }) => Promise<T>, options?: TransactionOptions) =>
      Promise.resolve().then(() => assertSomeEndpoint(db)).then(() => db.withConnection(async (conn, endpoint) => {
        await (options?.begin ? conn.query(options.begin) : conn.beginTransaction());
        try {
          const result = await work({ query: <R>(sql: string, values?: readonly unknown[]) => db.exec<R>(conn, endpoint, sql, values as unknown[]) });
          await conn.commit();
          return result;
        } catch (error) {
          await conn.rollback().catch(() => undefined);
          throw error;
        }
      })),
  };
}
