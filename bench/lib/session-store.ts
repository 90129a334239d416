// The session store as the bench uses it: the package's SessionStore on one
// endpoint's pool, with a bench-only secret (the bench never presents its ids
// to the web nodes, so it need not share their secret).
import { SessionStore, type SessionStoreOptions } from "@shopcluster/session-store";
import { mariadbExecutor } from "@shopcluster/session-store/mariadb";
import type { Database } from "@/lib/db/database";
import { emptySessionData, sessionDataSchema, type SessionData } from "@/lib/session/data";

export const BENCH_SECRET = "bench-only-secret-bench-only-secret-0123456789";

export function benchStore(db: Database, options: Partial<SessionStoreOptions<SessionData>> = {}): SessionStore<SessionData> {
  return new SessionStore<SessionData>({
    sql: mariadbExecutor(db.endpoints[0].pool),
    secret: BENCH_SECRET,
    schema: sessionDataSchema,
    emptyData: emptySessionData,
    idleTimeoutMs: 1_800_000,
    absoluteTimeoutMs: 28_800_000,
    touchIntervalMs: 3_600_000,
    nodeName: "bench",
    ...options,
  });
}

/** A session row holding `data`, written through the store; returns its id. */
export async function createBenchSession(store: SessionStore<SessionData>, data: SessionData): Promise<string> {
  const id = store.issueId();
  const result = await store.change(id, () => ({ data, result: null }));
  if (result.status !== "changed") throw new Error(`bench: could not create a session (${result.status})`);
  return id;
}

/** The envelope the store writes, as text: {"data": …, "ops": […]}. */
export function envelopeText(data: SessionData, ops: string[] = []): string {
  return JSON.stringify({ data, ops });
}

export function parseEnvelope(stored: Buffer | Uint8Array | string): { data: SessionData; ops: string[] } {
  return JSON.parse(typeof stored === "string" ? stored : Buffer.from(stored).toString("utf8"));
}
