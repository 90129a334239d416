// Garbage collection of expired sessions, run by one node at a time.
//
// Coordination is a lease row in job_leases, taken with a conditional UPDATE
// (Galera has no GET_LOCK(), NDB none that spans SQL nodes). If two nodes race
// for it, InnoDB's row lock or Galera's certification lets exactly one win; the
// loser sees 0 rows or a 1213 and simply skips this round. The winner deletes
// in small batches (short transactions never hold many locks or make a large
// write-set for Galera to certify), renewing the lease between batches and
// stopping if it was taken over.
import type { Database } from "@/lib/db/database";
import { classifyDbError } from "@/lib/db/errors";
import { sleep } from "@/lib/db/retry";

export const GC_LEASE = "php_session_gc";

export interface GcOptions {
  holder: string;
  /** The lease row's name (tests use their own so they never meet a running node's GC). */
  leaseName?: string;
  batchSize?: number;
  maxBatches?: number;
  leaseMs?: number;
  pauseMs?: number;
  now?: () => number;
}

export interface GcResult {
  ran: boolean;
  deleted: number;
  batches: number;
}

export async function collectGarbage(db: Database, options: GcOptions): Promise<GcResult> {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 10_000;
  const lease = options.leaseName ?? GC_LEASE;
  const token = await acquireLease(db, lease, options.holder, leaseMs, now);
  if (token === null) return { ran: false, deleted: 0, batches: 0 };
  let deleted = 0;
  let batches = 0;
  try {
    while (batches < maxBatches) {
      const result = await db.query<{ affectedRows: number }>(
        "DELETE FROM php_session WHERE expires_at < ? ORDER BY expires_at LIMIT ?",
        [new Date(now()), batchSize],
      );
      batches++;
      deleted += result.affectedRows;
      if (result.affectedRows < batchSize) break;
      if (!(await renewLease(db, lease, token, leaseMs, now))) break;
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  } finally {
    await releaseLease(db, lease, token).catch(() => undefined);
  }
  return { ran: true, deleted, batches };
}

interface Lease {
  holder: string;
  token: number;
}

/** Take the lease if it is free or expired. Returns its token, or null if someone else holds it. */
export async function acquireLease(
  db: Database,
  name: string,
  holder: string,
  leaseMs: number,
  now: () => number = Date.now,
): Promise<number | null> {
  await db.query("INSERT IGNORE INTO job_leases (name, holder, expires_at, token) VALUES (?, '', ?, 0)", [name, new Date(0)]);
  try {
    // One attempt only: losing a race (0 rows, or a certification conflict) means "not this time".
    return await db.withConnection(async (conn, endpoint) => {
      const at = new Date(now());
      const updated = await db.exec<{ affectedRows: number }>(
        conn,
        endpoint,
        "UPDATE job_leases SET holder = ?, expires_at = ?, token = token + 1 WHERE name = ? AND expires_at < ?",
        [holder, new Date(at.getTime() + leaseMs), name, at],
      );
      if (updated.affectedRows !== 1) return null;
      const rows = await db.exec<Lease[]>(conn, endpoint, "SELECT holder, token FROM job_leases WHERE name = ?", [name]);
      return rows[0]?.holder === holder ? rows[0].token : null;
    });
  } catch (error) {
    if (classifyDbError(error) === "conflict") return null;
    throw error;
  }
}

async function renewLease(db: Database, name: string, token: number, leaseMs: number, now: () => number): Promise<boolean> {
  const result = await db.query<{ affectedRows: number }>(
    "UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?",
    [new Date(now() + leaseMs), name, token],
  );
  return result.affectedRows === 1;
}

async function releaseLease(db: Database, name: string, token: number): Promise<void> {
  await db.query("UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?", [new Date(0), name, token]);
}
