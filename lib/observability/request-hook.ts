// One JSON log line and metrics for every HTTP response of this web node, and
// the X-Served-By header on every one of them (pages, API, static files,
// errors). Installed once per process from instrumentation.ts by wrapping
// http.Server's "request" event: Next's standalone server has no other hook
// that sees the final status of every response. The same wrapper hands the
// cart API to the fast lane (lib/api/fast-lane.ts) before Next sees it.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { log } from "@/lib/log";
import { nodeName } from "@/lib/node-name";
import { sessionLabel } from "@shopcluster/session-store";
import { metrics, routePattern } from "./metrics";

const INSTALLED = Symbol.for("shopcluster.requestHook");

/** Answers a request before Next's router and returns true, or returns false to leave it to Next. */
export type EarlyHandler = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => boolean;

export function installRequestHook(early?: EarlyHandler): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const node = nodeName();
  const logger = log().child({ module: "http" });
  const originalEmit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const path = pathnameOf(req.url);
      observe(req, res, path, node, logger);
      if (early?.(req, res, path)) return true;
    }
    return originalEmit.apply(this, [event, ...args]);
  } as typeof proto.emit;
}

function observe(req: http.IncomingMessage, res: http.ServerResponse, path: string, node: string, logger: ReturnType<typeof log>) {
  const started = process.hrtime.bigint();
  const requestId = headerValue(req.headers["x-request-id"]) ?? randomUUID();
  res.setHeader("X-Served-By", node);
  res.setHeader("X-Request-Id", requestId);
  res.once("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routePattern(path);
    const status = res.statusCode;
    metrics().httpRequests.inc({ route, method: req.method ?? "GET", status: String(status) });
    metrics().httpDuration.observe({ route }, seconds);
    if (route === "/_next/*" || route === "/products/*.svg") return; // assets: metrics only
    logger.info(
      {
        requestId,
        method: req.method,
        route,
        path,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        session: sessionHash(headerValue(req.headers.cookie)),
      },
      "request",
    );
  });
}

/** A short hash of the session cookie: correlates log lines, reveals nothing. */
function sessionHash(cookieHeader: string | undefined): string | undefined {
  const match = cookieHeader?.match(/(?:^|;\s*)(?:__Host-)?sid=([A-Za-z0-9_-]{70})(?:;|$)/);
  return match ? sessionLabel(match[1]) : undefined;
}

/** The path of a request target, without building a URL object per request (origin-form is the rule). */
function pathnameOf(target: string | undefined): string {
  if (!target) return "/";
  if (target.startsWith("/")) {
    const query = target.indexOf("?");
    return query === -1 ? target : target.slice(0, query);
  }
  return new URL(target, "http://local").pathname;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
