// Runs before page requests on every web node: refuses malformed paths, cross-site and
// malformed POSTs to pages (Server Actions) with a 4xx before Next.js decodes
// them (lib/server-action-guard.ts), answers page views with the shop's outage
// page (503, Retry-After) while the database cluster is unavailable, gives each
// page a fresh CSP nonce (lib/security-headers.ts), and starts a session on a
// visitor's first page view (lib/session/proxy.ts). X-Served-By and request
// logs are added to every response by lib/observability/request-hook.ts.
import { NextResponse, type NextRequest } from "next/server";
import { isDatabaseAvailable } from "@/lib/db/availability";
import { env } from "@/lib/env";
import { crossSiteReason, isForwardedHttps } from "@/lib/http-forwarded";
import { log } from "@/lib/log";
import { outageResponse } from "@/lib/outage-page";
import { checkPagePost } from "@/lib/server-action-guard";
import { STRICT_TRANSPORT_SECURITY, contentSecurityPolicy, newNonce } from "@/lib/security-headers";
import { startSessionOnNavigation } from "@/lib/session/proxy";

/** A path whose percent-encoding is not UTF-8 makes Next's router throw (a 500); it is the client's mistake. */
function hasMalformedPath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

export async function proxy(request: NextRequest) {
  if (hasMalformedPath(request.nextUrl.pathname)) {
    return NextResponse.json({ error: { code: "invalid", message: "The address is not valid." } }, { status: 400 });
  }
  // API routes check their own input (lib/http.ts); only the path check above applies to them.
  if (request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();
  if (request.method !== "GET" && request.method !== "HEAD") {
    const refusal = await checkPagePost(request, crossSiteReason(request));
    if (refusal) {
      log().info({ event: "page_post_refused", status: refusal.status, path: request.nextUrl.pathname }, refusal.message);
      return NextResponse.json(
        { error: { code: refusal.code, message: refusal.message } },
        { status: refusal.status, headers: { "cache-control": "no-store" } },
      );
    }
  }
  // Page views only: a Server Action (POST) answers its own "unavailable" state to the form.
  if ((request.method === "GET" || request.method === "HEAD") && !(await isDatabaseAvailable())) {
    return outageResponse(request.method);
  }

  let setCookie: Awaited<ReturnType<typeof startSessionOnNavigation>> = null;
  try {
    setCookie = await startSessionOnNavigation(request);
  } catch (error) {
    // The page itself reports an outage; a failed session start must not turn it into a 500 here.
    log().warn({ err: error }, "could not start a session for a page view");
  }
  // After the session start: it sets its cookie on request.headers for the page to see.
  const https = isForwardedHttps(request.headers);
  const csp = contentSecurityPolicy(newNonce(), { https, dev: env().NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  setCookie?.(response);
  return response;
}

// Pages and API routes (the path check); Next's assets and static files are left alone.
export const config = {
  matcher: ["/((?!_next/|products/.+\\.svg$|favicon\\.svg$|icon\\.svg$).*)"],
};
