// Session ids: 256 bits from the OS CSPRNG, base64url in the cookie. The table
// stores only SHA-256(id), so a copy of php_session cannot be replayed as cookies.
import { hash, randomBytes } from "node:crypto";

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionId(): string {
  return randomBytes(32).toString("base64url");
}

/** Only ids of exactly our format are ever looked up; anything else is "no session". */
export function isWellFormedSessionId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** The primary key under which a session id is stored (32 bytes). */
export function sessionKey(id: string): Buffer {
  // crypto.hash (Node >= 20.12) is the one-shot form: about 3x faster than createHash for short inputs.
  return hash("sha256", id, "buffer");
}

/** A short, non-reversible label for logs and the admin page (never the id). */
export function sessionLabel(keyOrId: Buffer | string): string {
  const key = typeof keyOrId === "string" ? sessionKey(keyOrId) : keyOrId;
  return key.subarray(0, 6).toString("hex");
}

export function newOpId(): string {
  return randomBytes(12).toString("base64url");
}
