// Session start for page navigations, called from proxy.ts. A visitor who
// arrives without a session cookie gets a session row and its cookie on the
// first page view (like PHP's session_start), so that two tabs adding to the
// cart at the same moment share one session instead of racing to create two.
// API clients, assets and prefetches never create rows here.
import "server-only";
import type { NextRequest, NextResponse } from "next/server";
import { isForwardedHttps, sessionCookieName, sessionCookieOptions } from "./cookie";
import { sessionStore } from "./instance";

function isPageNavigation(request: NextRequest): boolean {
  if (request.method !== "GET") return false;
  if (request.headers.has("rsc") || request.headers.has("next-router-prefetch")) return false;
  const path = request.nextUrl.pathname;
  if (path.startsWith("/api/") || path.startsWith("/_next/")) return false;
  return (request.headers.get("accept") ?? "").includes("text/html");
}

/**
 * For a page navigation without a session cookie: create the session and
 * return the cookie to set on the request (so the page sees it) and on the response.
 */
export async function startSessionOnNavigation(
  request: NextRequest,
): Promise<((response: NextResponse) => void) | null> {
  const secure = isForwardedHttps(request.headers);
  const name = sessionCookieName(secure);
  if (!isPageNavigation(request) || request.cookies.has(name)) return null;
  const { store, absoluteTimeoutMs } = sessionStore();
  const { id } = await store.create();
  request.cookies.set(name, id);
  return (response) => {
    response.cookies.set(name, id, sessionCookieOptions(secure, absoluteTimeoutMs));
  };
}
