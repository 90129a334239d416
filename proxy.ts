// Runs before page requests on every web node: answers page views with the
// shop's outage page (503, Retry-After) while the database cluster is
// unavailable, and starts a session on a visitor's first page view
// (lib/session/proxy.ts). X-Served-By and request
// logs are added to every response by lib/observability/request-hook.ts.
import { NextResponse, type NextRequest } from "next/server";
import { isDatabaseAvailable } from "@/lib/db/availability";
import { log } from "@/lib/log";
import { outageResponse } from "@/lib/outage-page";
import { startSessionOnNavigation } from "@/lib/session/proxy";

export async function proxy(request: NextRequest) {
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
  const response = NextResponse.next({ request: { headers: request.headers } });
  setCookie?.(response);
  return response;
}

// Pages only: API routes, Next's assets and static files never start sessions.
export const config = {
  matcher: ["/((?!api/|_next/|products/.+\\.svg$|favicon\\.svg$|icon\\.svg$).*)"],
};
