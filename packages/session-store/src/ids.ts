// Session ids. 256 random bits from the OS CSPRNG, the issue time, and a MAC
// under the application's secret, base64url in the cookie (70 characters).
// The MAC lets the server hand out an id without writing a row (a visitor who
// changes nothing costs no replicated write) while still refusing ids it did
// not issue: a forged id is never looked up, let alone adopted. The table
// stores only SHA-256(id), so a copy of it cannot be replayed as cookies.
import { createHmac, hash, randomBytes, timingSafeEqual } from "node:crypto";

const RANDOM_BYTES = 32;
const TIME_BYTES = 4;
const MAC_BYTES = 16;
const ID_BYTES = RANDOM_BYTES + TIME_BYTES + MAC_BYTES;
const ID_PATTERN = /^[A-Za-z0-9_-]{70}$/;

/** Issues and verifies ids under one secret (at least 32 bytes). */
export class SessionIds {
  private readonly secret: Buffer;

  constructor(secret: string | Buffer) {
    this.secret = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
    if (this.secret.length < 32) {
      throw new Error("session-store: Bad usage: the id secret must be at least 32 bytes; pass a long random value");
    }
  }

  /** A new id issued at `nowMs`. */
  issue(nowMs: number): string {
    const body = Buffer.alloc(RANDOM_BYTES + TIME_BYTES);
    randomBytes(RANDOM_BYTES).copy(body, 0);
    body.writeUInt32BE(Math.floor(nowMs / 1000), RANDOM_BYTES);
    return Buffer.concat([body, this.mac(body)]).toString("base64url");
  }

  /** The issue time (ms) of an id this server issued, or null for anything else. Constant-time MAC check. */
  verify(value: unknown): number | null {
    if (typeof value !== "string" || !ID_PATTERN.test(value)) return null;
    const raw = Buffer.from(value, "base64url");
    if (raw.length !== ID_BYTES) return null;
    const body = raw.subarray(0, RANDOM_BYTES + TIME_BYTES);
    if (!timingSafeEqual(this.mac(body), raw.subarray(RANDOM_BYTES + TIME_BYTES))) return null;
    return body.readUInt32BE(RANDOM_BYTES) * 1000;
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(body).digest().subarray(0, MAC_BYTES);
  }
}

/** The primary key under which a session id is stored (32 bytes). */
export function sessionKey(id: string): Buffer {
  return hash("sha256", id, "buffer");
}

/** A short, non-reversible label for logs and operators (never the id). */
export function sessionLabel(keyOrId: Buffer | string): string {
  const key = typeof keyOrId === "string" ? sessionKey(keyOrId) : keyOrId;
  return key.subarray(0, 6).toString("hex");
}

export function newLineage(): Buffer {
  return randomBytes(16);
}

/**
 * Ring op ids only have to be unique among one session's recent changes (they
 * never leave the server, and no client can name one): 72 random bits drawn
 * once per process and a counter, instead of the CSPRNG on every change.
 */
const OP_PREFIX = randomBytes(9).toString("base64url");
let opCounter = 0;

export function newOpId(): string {
  return OP_PREFIX + (opCounter++).toString(36);
}
