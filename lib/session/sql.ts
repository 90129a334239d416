// The shop's failover pools (lib/db) as the session store's SqlExecutor, with
// `script` for its write batches. One attempt per call: the store decides what
// to retry from the engine's error table, and each retry lands on the next
// live endpoint because a failed connection marks its endpoint down here.
import "server-only";
import { SessionStoreUnavailableError, type SqlExecutor } from "@shopcluster/session-store";
import { runTransaction, type StatementRunner } from "@shopcluster/session-store/mariadb";
import { DatabaseUnavailableError, type Connection, type Database, type Endpoint } from "@/lib/db/database";

/**
 * With every endpoint marked down there is nothing to retry on: say so at once
 * (the store passes SessionStoreUnavailableError through, a 503), instead of
 * letting each of the store's retries wait for a probe.
 */
function assertSomeEndpoint(db: Database): void {
  if (db.allDown()) throw new SessionStoreUnavailableError(new DatabaseUnavailableError());
}

export function databaseExecutor(db: Database): SqlExecutor {
  const onConnection = <T>(work: (conn: Connection, endpoint: Endpoint) => Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(() => assertSomeEndpoint(db))
      .then(() => db.withConnection(work));
  /** Every statement goes through db.exec (or db.execScript), which counts it for the endpoint. */
  const runner = (conn: Connection, endpoint: Endpoint): StatementRunner => (sql, values) => db.exec(conn, endpoint, sql, values as unknown[]);
  return {
    query: (sql, values) => onConnection((conn, endpoint) => runner(conn, endpoint)(sql, values)),
    transaction: (work, options) => onConnection((conn, endpoint) => runTransaction(conn, runner(conn, endpoint), work, options)),
    // The pools allow several statements per query (lib/db/database.ts poolConfigFromUrl).
    script: (statements, options) => onConnection((conn, endpoint) => db.execScript(conn, endpoint, statements, options)),
  };
}
