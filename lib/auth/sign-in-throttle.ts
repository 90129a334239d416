// Sign-in throttle, per account and per client address, with its state in the
// database (sign_in_throttle) so it holds however attempts are spread over the
// web nodes. Promises:
// - every attempt is counted *before* its password is checked (an atomic
//   INSERT … ON DUPLICATE KEY UPDATE, retried on Galera/NDB conflicts), so a
//   burst of parallel guesses cannot all slip under the limit;
// - a successful sign-in clears the account's count and takes back its own
//   attempt from the address's count, so only failures accumulate;
// - over the limit within the window: refused with the seconds until the
//   window ends (429 + Retry-After), without checking the password.
// The client address is the one our proxy saw (lib/http-forwarded.ts); with
// no trusted proxy there is no address and only the account limit applies.
// Deliberately not done: an attacker can lock an account for one window by
// failing on purpose (the usual trade-off of account lockout); the window is short.
import "server-only";
import { createHash } from "node:crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export interface ThrottleScope {
  kind: "account" | "address";
  key: Buffer;
}

export type ThrottleVerdict =
  | { allowed: true; scopes: ThrottleScope[] }
  | { allowed: false; scope: ThrottleScope["kind"]; retryAfterSeconds: number };

export function throttleKey(kind: ThrottleScope["kind"], value: string): Buffer {
  return createHash("sha256").update(`${kind}:${value}`).digest();
}

export function throttleScopes(email: string, address: string | null): ThrottleScope[] {
  const scopes: ThrottleScope[] = [{ kind: "account", key: throttleKey("account", email.trim().toLowerCase()) }];
  if (address) scopes.push({ kind: "address", key: throttleKey("address", address) });
  return scopes;
}

const COUNT_ATTEMPT = `INSERT INTO sign_in_throttle (throttle_key, failures, window_started, updated_at) VALUES (?, 1, ?, ?)
  ON DUPLICATE KEY UPDATE
    failures = IF(window_started <= ?, 1, failures + 1),
    window_started = IF(window_started <= ?, ?, window_started),
    updated_at = ?`;

/** Count this attempt against each scope; refuse it if any scope is over its limit. */
export async function beginSignInAttempt(scopes: ThrottleScope[], now = new Date()): Promise<ThrottleVerdict> {
  const config = env();
  const windowMs = config.SIGN_IN_THROTTLE_WINDOW_SECONDS * 1000;
  const windowOpenedBefore = new Date(now.getTime() - windowMs);
  const limits = { account: config.SIGN_IN_MAX_FAILURES_PER_ACCOUNT, address: config.SIGN_IN_MAX_FAILURES_PER_ADDRESS };
  const rows = await db().transaction(async (tx) => {
    const counted: { scope: ThrottleScope; failures: number; windowStarted: Date }[] = [];
    for (const scope of scopes) {
      await tx.exec(COUNT_ATTEMPT, [scope.key, now, now, windowOpenedBefore, windowOpenedBefore, now, now]);
      const [row] = await tx.exec<{ failures: number; window_started: Date }[]>(
        "SELECT failures, window_started FROM sign_in_throttle WHERE throttle_key = ?",
        [scope.key],
      );
      counted.push({ scope, failures: row.failures, windowStarted: row.window_started });
    }
    return counted;
  });
  for (const { scope, failures, windowStarted } of rows) {
    if (failures > limits[scope.kind]) {
      const retryAfterMs = windowStarted.getTime() + windowMs - now.getTime();
      return { allowed: false, scope: scope.kind, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
  }
  return { allowed: true, scopes };
}

/** The attempt signed in: the account starts afresh, the address gets its attempt back. */
export async function signInAttemptSucceeded(scopes: ThrottleScope[]): Promise<void> {
  await db().transaction(async (tx) => {
    for (const scope of scopes) {
      const sql =
        scope.kind === "account"
          ? "UPDATE sign_in_throttle SET failures = 0 WHERE throttle_key = ?"
          : "UPDATE sign_in_throttle SET failures = IF(failures > 0, failures - 1, 0) WHERE throttle_key = ?";
      await tx.exec(sql, [scope.key]);
    }
  });
  // Rows of windows long gone: a small batch now and then, never a big delete.
  if (Math.random() < 0.02) {
    const before = new Date(Date.now() - 2 * env().SIGN_IN_THROTTLE_WINDOW_SECONDS * 1000);
    await db().query("DELETE FROM sign_in_throttle WHERE updated_at < ? LIMIT 200", [before]).catch(() => undefined);
  }
}
