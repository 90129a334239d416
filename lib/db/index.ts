// The process-wide database handles: the failover-aware mariadb pools
// (lib/db/database.ts) and a Prisma client over the same pools.
// Stored on globalThis so that the proxy bundle, the app bundle and dev-mode
// hot reloads share one set of pools per process.
import "server-only";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { env } from "@/lib/env";
import { PrismaClient } from "./generated/client";
import { Database, DatabaseUnavailableError, NodeNotReadyError, type Endpoint } from "./database";
import { classifyDbError, sqlErrnoOf } from "./errors";
import { withRetry } from "./retry";

interface Handles {
  database: Database;
  prismaByEndpoint: Map<Endpoint, PrismaClient>;
}

const KEY = Symbol.for("shopcluster.db");
type GlobalWithDb = typeof globalThis & { [KEY]?: Handles };

function handles(): Handles {
  const g = globalThis as GlobalWithDb;
  if (!g[KEY]) {
    const { DATABASE_URL, DATABASE_FALLBACK_URLS, DATABASE_POOL_SIZE } = env();
    const database = new Database({ urls: [DATABASE_URL, ...DATABASE_FALLBACK_URLS], poolSize: DATABASE_POOL_SIZE });
    g[KEY] = { database, prismaByEndpoint: new Map() };
  }
  return g[KEY];
}

/** The raw, failover-aware database (the session store's hot path uses it). */
export function db(): Database {
  return handles().database;
}

function prismaFor(endpoint: Endpoint): PrismaClient {
  const { prismaByEndpoint } = handles();
  let client = prismaByEndpoint.get(endpoint);
  if (!client) {
    client = new PrismaClient({ adapter: new PrismaMariaDb(endpoint.pool) });
    prismaByEndpoint.set(endpoint, client);
  }
  return client;
}

/**
 * Run Prisma work on the current endpoint, failing over and retrying like
 * `db().run`. `work` must be safe to run again (reads, or idempotent writes).
 */
export async function withPrisma<T>(work: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const database = db();
  return withRetry(async () => {
    // No endpoint is live (each failed and is marked down or being probed): answer "unavailable" now.
    if (database.allDown()) throw new DatabaseUnavailableError();
    const endpoint = database.currentEndpoint();
    try {
      return await work(prismaFor(endpoint));
    } catch (error) {
      const errno = sqlErrnoOf(error);
      // Galera 1047: up but out of the primary component; skip it briefly like database.ts does.
      if (errno === 1047) database.markDown(endpoint, 1000);
      // A 1205 may be a lock wait timeout, or the same node failing its causality wait (also not ready).
      else if (errno === 1205 && (await database.notReadyAfterLockWaitTimeout(endpoint))) throw new NodeNotReadyError(endpoint.name, error);
      else {
        const errorClass = classifyDbError(error);
        if (errorClass === "connection" || errorClass === "unknown_outcome") database.markDown(endpoint);
      }
      throw error;
    }
  });
}
