// The fast lane: the cart API answered straight from node:http, before Next's
// router (issue 14). A shopper's client calls GET /api/cart and POST
// /api/cart/items more than anything else, and Next's pipeline for a route
// handler (routing, the proxy, request and response objects, async storage)
// cost about 1.5 ms of CPU per request on this machine, several times the
// work the request itself does. The lane runs the same handlers as the route
// files (lib/api/cart.ts) with the same validation, session store, error
// mapping and headers; what it skips is only Next's machinery. Requests it
// does not know (another path, another method) go on to Next unchanged.
//
// Installed by lib/observability/request-hook.ts, after the hook has started
// the request's log line and metrics and set X-Served-By.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { deleteCartItemApi, getCartApi, patchCartItemApi, postCartItemApi } from "@/lib/api/cart";
import { AppError } from "@/lib/errors";
import { replyForError, replyHeaders, type ApiReply, type ApiRequest } from "@/lib/http";
import type { HeaderReader } from "@/lib/http-forwarded";
import { log } from "@/lib/log";
import { SECURITY_HEADERS } from "@/lib/security-headers";
import { sessionFromCookieHeader, type ShopSession } from "@/lib/session";

type Handler = (request: ApiRequest, session: ShopSession) => Promise<ApiReply>;

const ITEM_PREFIX = "/api/cart/items/";
const DRAINING = Symbol.for("shopcluster.draining");

/** The handler for a method and path, or null for Next to answer (405s and 404s included). */
function handlerFor(method: string | undefined, path: string): Handler | null {
  if (path === "/api/cart") return method === "GET" ? (_request, session) => getCartApi(session) : null;
  if (path === "/api/cart/items") return method === "POST" ? postCartItemApi : null;
  if (path.startsWith(ITEM_PREFIX) && path.indexOf("/", ITEM_PREFIX.length) === -1 && path.length > ITEM_PREFIX.length) {
    const param = path.slice(ITEM_PREFIX.length);
    if (method === "PATCH") return (request, session) => patchCartItemApi(request, decodeParam(param), session);
    if (method === "DELETE") return (request, session) => deleteCartItemApi(request, decodeParam(param), session);
  }
  return null;
}

/** Answers the request and returns true if it is one of the lane's; otherwise returns false and touches nothing. */
export function serveFastLane(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const handler = handlerFor(req.method, path);
  if (!handler) return false;
  void answer(req, res, handler);
  return true;
}

async function answer(req: IncomingMessage, res: ServerResponse, handler: Handler): Promise<void> {
  const headers = headersOf(req);
  const { session, setCookieHeaders } = sessionFromCookieHeader(req.headers.cookie, headers);
  const request: ApiRequest = {
    method: req.method ?? "GET",
    url: `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
    headers,
    text: (limit) => readBody(req, limit),
  };
  let result: ApiReply;
  try {
    result = await handler(request, session);
  } catch (error) {
    result = replyForError(error);
  }
  try {
    send(req, res, result, setCookieHeaders());
  } catch (error) {
    log().error({ err: error }, "fast lane: could not send the response");
    res.destroy();
  }
}

function send(req: IncomingMessage, res: ServerResponse, result: ApiReply, cookies: string[]): void {
  const body = JSON.stringify(result.body);
  res.statusCode = result.status;
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  for (const [key, value] of Object.entries(replyHeaders(result))) res.setHeader(key, value);
  res.setHeader("content-length", Buffer.byteLength(body));
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // A draining node (a deploy or a planned stop; cluster/serve.mjs sets the flag) closes each connection after its answer.
  if ((globalThis as { [DRAINING]?: boolean })[DRAINING] === true) res.shouldKeepAlive = false;
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * node:http's parsed headers read as a fetch Headers would answer `get`: names
 * in any case, repeated values joined with ", ". Building a real Headers (one
 * validated `set` per header) was the lane's largest allocation per request.
 */
function headersOf(req: IncomingMessage): HeaderReader {
  const parsed = req.headers;
  return {
    get(name: string): string | null {
      const value = parsed[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** The body as text, refusing more than `limit` bytes (the rest is read and dropped, so the connection stays usable). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd);
      req.resume();
      reject(new AppError("payload_too_large", "The request body is too large."));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/** A path segment as Next's router gives it to a route (percent-decoded); a malformed one is the client's mistake. */
function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    throw new AppError("invalid", "The address is not valid.");
  }
}
