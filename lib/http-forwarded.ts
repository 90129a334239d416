// What the trusted proxy in front (nginx) says about the client: whether it
// spoke HTTPS, its address, and which origins count as this site. Only when
// TRUST_PROXY is set; otherwise these headers are the client's own words and
// are ignored. Used by route handlers (lib/http.ts) and by proxy.ts.
import { env } from "@/lib/env";

/** What these checks read of a request's headers: a fetch Headers, or the fast lane's view of node:http's (lib/api/fast-lane.ts). */
export type HeaderReader = Pick<Headers, "get">;

/** True when a trusted proxy says the client used HTTPS (the first X-Forwarded-Proto value). */
export function isForwardedHttps(headers: HeaderReader): boolean {
  return env().TRUST_PROXY && headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * The client's address as our proxy saw it: the last X-Forwarded-For entry
 * (nginx appends $remote_addr to whatever the client sent, so earlier entries
 * are the client's claims). null without a trusted proxy.
 */
export function forwardedClientAddress(headers: HeaderReader): string | null {
  if (!env().TRUST_PROXY) return null;
  const entries = (headers.get("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  const last = entries.at(-1);
  return last && /^[0-9A-Fa-f:.]{2,45}$/.test(last) ? last : null;
}

/** The origins a same-site browser request may carry: the forwarded host under the forwarded scheme, and NEXTAUTH_URL. */
/** What the origin checks read of a request (a fetch Request, a NextRequest, or lib/http.ts's ApiRequest). */
export type RequestOrigin = { headers: HeaderReader; url: string };

export function siteOrigins(request: RequestOrigin): Set<string> {
  const allowed = new Set<string>();
  const { TRUST_PROXY, NEXTAUTH_URL } = env();
  const host = (TRUST_PROXY && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  const proto = TRUST_PROXY ? (isForwardedHttps(request.headers) ? "https" : "http") : new URL(request.url).protocol.replace(":", "");
  if (host) allowed.add(`${proto}://${host}`);
  if (NEXTAUTH_URL) allowed.add(new URL(NEXTAUTH_URL).origin);
  return allowed;
}

/**
 * Why a state-changing request is refused as cross-site, or null. Browsers
 * send Origin on every POST/PATCH/DELETE; a foreign or "null" Origin, or
 * Sec-Fetch-Site: cross-site, is refused. A request without Origin is let
 * through: only non-browser clients omit it, and they carry no ambient cookies.
 */
export function crossSiteReason(request: RequestOrigin): string | null {
  if (request.headers.get("sec-fetch-site") === "cross-site") return "Sec-Fetch-Site: cross-site";
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  return siteOrigins(request).has(origin) ? null : "foreign Origin";
}
