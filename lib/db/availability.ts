// Whether the database cluster can serve this web node right now, for the
// proxy to answer page views with the shop's outage page (503) instead of
// rendering pages that would fail. Promises: no database round trip while
// every endpoint is known down; otherwise at most one `SELECT 1` per
// second per process (single flight, cached), and it fails fast because
// lib/db/database.ts never waits on an endpoint already marked down.
import "server-only";
import { db } from "./index";

const TTL_MS = 1000;
let last: { ok: boolean; at: number } | null = null;
let inFlight: Promise<boolean> | null = null;

export async function isDatabaseAvailable(): Promise<boolean> {
  const database = db();
  if (database.allDown()) return false;
  if (last && Date.now() - last.at < TTL_MS) return last.ok;
  inFlight ??= database
    .ping()
    .then((ok) => {
      last = { ok, at: Date.now() };
      return ok;
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
