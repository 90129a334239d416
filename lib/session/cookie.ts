// The session cookie's name and attributes, in one place for both writers
// (lib/session/index.ts through next/headers, lib/session/proxy.ts on a
// NextResponse). Over HTTPS, as told by a trusted proxy's X-Forwarded-Proto,
// the cookie is Secure and named with the __Host- prefix.
import { env } from "@/lib/env";

export const SESSION_COOKIE = "sid";
export const SECURE_SESSION_COOKIE = "__Host-sid";

export function isForwardedHttps(headers: Headers): boolean {
  return env().TRUST_PROXY && headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

export function sessionCookieOptions(secure: boolean, absoluteTimeoutMs: number) {
  return { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge: Math.floor(absoluteTimeoutMs / 1000) } as const;
}
