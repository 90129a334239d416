// Runs before every request on every web node: names the node in X-Served-By
// (so people and tests can watch round robin and failover) and starts a
// session on a visitor's first page view.
import { NextResponse, type NextRequest } from "next/server";
import { log } from "@/lib/log";
import { nodeName } from "@/lib/node-name";
import { startSessionOnNavigation } from "@/lib/session/proxy";

export async function proxy(request: NextRequest) {
  let setCookie: Awaited<ReturnType<typeof startSessionOnNavigation>> = null;
  try {
    setCookie = await startSessionOnNavigation(request);
  } catch (error) {
    // The page itself reports an outage; a failed session start must not turn it into a 500 here.
    log().warn({ err: error }, "could not start a session for a page view");
  }
  const response = NextResponse.next({ request: { headers: request.headers } });
  setCookie?.(response);
  response.headers.set("X-Served-By", nodeName());
  return response;
}

// Every path: even static assets say which node served them.
export const config = { matcher: "/:path*" };
