// Route-handler plumbing: JSON bodies parsed with a size limit and a zod
// schema, same-site checks for state-changing requests, and one place that
// turns errors into responses (a client's mistake is a 4xx with a plain
// message; an outage is a 503; nothing leaks a stack trace).
import "server-only";
import type { z } from "zod";
import { isRetryableDbError } from "@/lib/db/errors";
import { crossSiteReason, type RequestOrigin } from "@/lib/http-forwarded";
import { AppError, ERROR_STATUS, KEY_REUSED_MESSAGE, SESSION_ROTATED_MESSAGE, UNAVAILABLE_MESSAGE, type ErrorCode, type Failure } from "@/lib/errors";
import { log } from "@/lib/log";
import { OUTAGE_RETRY_AFTER_SECONDS } from "@/lib/outage-page";
import { IdempotencyKeyReusedError, SessionRotatedError, SessionStoreUnavailableError } from "@/lib/session";

export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * What a handler reads of a request, framework-free: the cart API runs both
 * under Next's router (fromFetchRequest) and in the fast lane (lib/api).
 */
export interface ApiRequest extends RequestOrigin {
  method: string;
  /** The body as UTF-8 text; throws payload_too_large past `limit` bytes. */
  text(limit: number): Promise<string>;
}

/** A handler's answer: a status and a JSON body. */
export interface ApiReply {
  status: number;
  body: unknown;
}

export function fromFetchRequest(request: Request): ApiRequest {
  return { method: request.method, url: request.url, headers: request.headers, text: (limit) => readLimited(request, limit) };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function reply(result: ApiReply): Response {
  return json(result.body, { status: result.status, headers: replyHeaders(result) });
}

/** Headers an answer carries besides the JSON ones: a 503 says when to try again, like the outage page and nginx's outage JSON. */
export function replyHeaders(result: ApiReply): Record<string, string> {
  return result.status === 503 ? { "retry-after": String(OUTAGE_RETRY_AFTER_SECONDS) } : {};
}

export function errorReply(code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>): ApiReply {
  return { status: ERROR_STATUS[code], body: { error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } } };
}

export function failureReply(failure: Failure): ApiReply {
  return errorReply(failure.code, failure.message, failure.fieldErrors);
}

export function failureResponse(failure: Failure): Response {
  return reply(failureReply(failure));
}

/** Read and validate a JSON body: 415 if it is not JSON, 413 if too large, 400 if malformed or invalid. */
export async function readJson<S extends z.ZodType>(request: ApiRequest, schema: S): Promise<z.infer<S>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BODY_BYTES) throw new AppError("payload_too_large", "The request body is too large.");
  const text = await request.text(MAX_JSON_BODY_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("invalid", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "body"] ??= []).push(issue.message);
    throw new AppError("invalid", "The request body is invalid.", fieldErrors);
  }
  return parsed.data;
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new AppError("payload_too_large", "The request body is too large.");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A state-changing request must come from this site (see crossSiteReason in
 * lib/http-forwarded.ts): a foreign or "null" Origin gets 403. Non-browser
 * clients that send no Origin are allowed: they carry no ambient cookies of ours.
 */
export function assertSameOrigin(request: RequestOrigin): void {
  if (crossSiteReason(request)) throw new AppError("forbidden", "Cross-site requests are not allowed.");
}

/** The one mapping from a thrown error to an answer: typed errors become their status, outages 503, the rest a logged 500. */
export function replyForError(error: unknown): ApiReply {
  if (error instanceof AppError) return errorReply(error.code, error.message, error.fieldErrors);
  if (error instanceof SessionRotatedError) return errorReply("session_rotated", SESSION_ROTATED_MESSAGE);
  if (error instanceof IdempotencyKeyReusedError) return errorReply("idempotency_key_reused", KEY_REUSED_MESSAGE);
  if (error instanceof SessionStoreUnavailableError || isRetryableDbError(error)) {
    log().error({ err: error }, "request failed: database unavailable");
    return errorReply("unavailable", UNAVAILABLE_MESSAGE);
  }
  log().error({ err: error }, "unhandled error in route handler");
  return errorReply("internal", "Something went wrong on our side. Please try again.");
}

/** Wrap a route handler: a thrown error becomes its answer (replyForError). */
export function route<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return reply(replyForError(error));
    }
  };
}
