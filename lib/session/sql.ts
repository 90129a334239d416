// The shop's failover pools (lib/db) as the session store's SqlExecutor. One
// attempt per call: the store decides what to retry from the engine's error
// table, and each retry lands on the next live endpoint because a failed
// connection marks its endpoint down here.
import "server-only";
import { SessionStoreUnavailableError, type SqlExecutor } from "@shopcluster/session-store";
import { runTransaction, type StatementRunner } from "@shopcluster/session-store/mariadb";
import type { Connection } from "mariadb";
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
  /** Every statement goes through db.exec, which counts it for the endpoint. */
  const onConnection = <T>(work: (conn: Connection, run: StatementRunner) => Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(() => assertSomeEndpoint(db))
      .then(() => db.withConnection((conn, endpoint) => work(conn, (sql, values) => db.exec(conn, endpoint, sql, values as unknown[]))));
  return {
    query: (sql, values) => onConnection((_conn, run) => run(sql, values)),
    transaction: (work, options) => onConnection((conn, run) => runTransaction(conn, run, work, options)),
  };
}
