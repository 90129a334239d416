// Garbage collection of ended sessions and expired op keys, run by one node at
// a time.
//
// Coordination is a lease row in job_leases, taken with a conditional UPDATE
// (Galera has no GET_LOCK(), NDB none that spans SQL nodes). If two nodes race
// for it, InnoDB's row lock or Galera's certification lets exactly one win; the
// loser sees 0 rows or a conflict and skips this round. The winner deletes in
// small batches (short transactions never hold many locks or make a large
// write-set to certify), renewing the lease between batches and stopping if
// it was taken over.
import { classifyError } from "./engine-errors.ts";
import type { SqlExecutor, WriteResult } from "./sql.ts";

export const GC_LEASE = "php_session_gc";

export interface GcOptions {
  /** Who runs it (node name + process), written into the lease. */
  holder: string;
  /** Rows that expired before this are deleted: use `store.gcCutoff()` (now minus the clock-skew margin). */
  cutoff: Date;
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
  opsDeleted: number;
  batches: number;
}

export async function collectGarbage(sql: SqlExecutor, options: GcOptions): Promise<GcResult> {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 10_000;
  const lease = options.leaseName ?? GC_LEASE;
  const token = await acquireLease(sql, lease, options.holder, leaseMs, now);
  if (token === null) return { ran: false, deleted: 0, opsDeleted: 0, batches: 0 };
  const result: GcResult = { ran: true, deleted: 0, opsDeleted: 0, batches: 0 };
  try {
    for (const [table, field] of [["php_session", "deleted"], ["php_session_op", "opsDeleted"]] as const) {
      while (result.batches < maxBatches) {
        const deleted = await sql.query<WriteResult>(
          `DELETE FROM ${table} WHERE expires_at < ? ORDER BY expires_at LIMIT ?`,
          [options.cutoff, batchSize],
        );
        result.batches++;
        result[field] += deleted.affectedRows;
        if (deleted.affectedRows < batchSize) break;
        if (!(await renewLease(sql, lease, token, leaseMs, now))) return result;
        if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      }
    }
  } finally {
    await releaseLease(sql, lease, token).catch(() => undefined);
  }
  return result;
}

/** Take the lease if it is free or expired. Returns its token, or null if someone else holds it. */
export async function acquireLease(
  sql: SqlExecutor,
  name: string,
  holder: string,
  leaseMs: number,
  now: () => number = Date.now,
): Promise<number | null> {
  await sql.query("INSERT IGNORE INTO job_leases (name, holder, expires_at, token) VALUES (?, '', ?, 0)", [name, new Date(0)]);
  try {
    // One attempt only: losing a race (0 rows, or a certification conflict) means "not this time".
    return await sql.transaction(async (tx) => {
      const at = now();
      const updated = await tx.query<WriteResult>(
        "UPDATE job_leases SET holder = ?, expires_at = ?, token = token + 1 WHERE name = ? AND expires_at < ?",
        [holder, new Date(at + leaseMs), name, new Date(at)],
      );
      if (updated.affectedRows !== 1) return null;
      const rows = await tx.query<{ holder: string; token: number }[]>("SELECT holder, token FROM job_leases WHERE name = ?", [name]);
      return rows[0]?.holder === holder ? rows[0].token : null;
    });
  } catch (error) {
    if (classifyError(error) === "conflict") return null;
    throw error;
  }
}

async function renewLease(sql: SqlExecutor, name: string, token: number, leaseMs: number, now: () => number): Promise<boolean> {
  const result = await sql.query<WriteResult>("UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?", [
    new Date(now() + leaseMs), name, token,
  ]);
  return result.affectedRows === 1;
}

async function releaseLease(sql: SqlExecutor, name: string, token: number): Promise<void> {
  await sql.query("UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?", [new Date(0), name, token]);
}
