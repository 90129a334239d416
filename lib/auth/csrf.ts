// next-auth v4's double-submit CSRF check, done before php_session is touched
// (sign-out must not rotate the session for a request next-auth will refuse).
// The cookie holds "<token>|sha256(<token><secret>)"; the form carries <token>.
import { createHash, timingSafeEqual } from "node:crypto";

export const CSRF_COOKIE_NAMES = ["__Host-next-auth.csrf-token", "next-auth.csrf-token"] as const;

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function isValidCsrfToken(cookieValue: string | undefined, bodyToken: unknown, secret: string | undefined): boolean {
  if (!cookieValue || typeof bodyToken !== "string" || bodyToken.length === 0 || !secret) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(cookieValue);
  } catch {
    return false;
  }
  const [token, hash] = decoded.split("|");
  if (!token || !hash) return false;
  const expected = createHash("sha256").update(`${token}${secret}`).digest("hex");
  return equal(hash, expected) && equal(token, bodyToken);
}
