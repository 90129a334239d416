// The Next.js (App Router) binding: the one place that reads or writes the
// session cookie. Server components call getSession(); server actions and
// route handlers call changeSession(), rotateSession(), destroySession();
// proxy.ts calls sessionOnNavigation() so a first page view gets an id
// (without a row) and two tabs share one session from the start.
//
// Every setting comes in through options; nothing is read from the environment.
import { cookies, headers } from "next/headers";
import type { NextRequest, NextResponse } from "next/server";
import { cache } from "react";
import { SessionRotatedError } from "./errors.ts";
import type { ChangeOptions, ChangeResult, EndReason, Mutate, Session, SessionStore } from "./store.ts";

export interface NextSessionOptions<D> {
  /** The store, created lazily (its configuration usually comes from the environment at run time). */
  store: () => SessionStore<D>;
  /** Whether this request reached the application over HTTPS (e.g. through a trusted proxy's X-Forwarded-Proto). */
  isSecureRequest: (headers: Headers) => boolean;
  cookie?: {
    /** Cookie name over plain HTTP. Default "sid". */
    name?: string;
    /** Cookie name over HTTPS (Secure). Default "__Host-sid". */
    secureName?: string;
    sameSite?: "lax" | "strict";
  };
}

export interface CurrentSession<D> {
  status: "active" | "absent" | "rotated" | "ended";
  /** Why an ended session ended (the UI may say "your session expired"). */
  reason?: EndReason;
  session: Session<D> | null;
  data: D;
  userId: number | null;
}

export type SessionChange<D, R> = Exclude<ChangeResult<D, R>, { status: "rotated" }>;

export function createNextSession<D>(options: NextSessionOptions<D>) {
  const plainName = options.cookie?.name ?? "sid";
  const secureName = options.cookie?.secureName ?? "__Host-sid";
  const sameSite = options.cookie?.sameSite ?? "lax";
  const nameFor = (secure: boolean) => (secure ? secureName : plainName);
  const attributes = (secure: boolean) =>
    ({ httpOnly: true, sameSite, path: "/", secure, maxAge: Math.floor(options.store().absoluteTimeoutMs / 1000) }) as const;

  async function isSecure(): Promise<boolean> {
    return options.isSecureRequest(await headers());
  }

  async function readId(): Promise<string | undefined> {
    return (await cookies()).get(nameFor(await isSecure()))?.value;
  }

  async function writeCookie(id: string): Promise<void> {
    const secure = await isSecure();
    (await cookies()).set(nameFor(secure), id, attributes(secure));
  }

  function current(result: Awaited<ReturnType<SessionStore<D>["load"]>>, store: SessionStore<D>): CurrentSession<D> {
    if (result.status === "active") {
      return { status: "active", session: result.session, data: result.session.data, userId: result.session.userId };
    }
    const reason = result.status === "ended" ? result.reason : undefined;
    return { status: result.status, reason, session: null, data: store.emptySessionData(), userId: null };
  }

  /** The current session, read once per render. Never writes a cookie or a row (but a throttled touch). */
  const getSession = cache(async (): Promise<CurrentSession<D>> => {
    const store = options.store();
    return current(await store.load(await readId()), store);
  });

  /**
   * For route handlers that answer with session state (GET /api/cart): the
   * current session, giving the client an id (cookie only, no row) if it has none.
   * Throws SessionRotatedError for a just-rotated id.
   */
  async function ensureSessionCookie(): Promise<CurrentSession<D>> {
    const found = await getSession();
    if (found.status === "rotated") throw new SessionRotatedError();
    if (found.status === "active") return found;
    const store = options.store();
    const id = store.issueId();
    await writeCookie(id);
    const loaded = await store.load(id);
    return current(loaded, store);
  }

  /**
   * Apply `mutate` atomically (SessionStore.change). A new id is set as the
   * cookie when the request had none or an ended one. Throws SessionRotatedError
   * for a just-rotated id, IdempotencyKeyReusedError for a reused key.
   */
  async function changeSession<R>(mutate: Mutate<D, R>, changeOptions: ChangeOptions = {}): Promise<SessionChange<D, R>> {
    const result = await options.store().change(await readId(), mutate, changeOptions);
    if (result.status === "rotated") throw new SessionRotatedError();
    if ((result.status === "changed" || result.status === "unchanged") && result.id) await writeCookie(result.id);
    return result;
  }

  /** Sign-in (userId, keepData) or sign-out (null, fresh): a new id; the old one stops working everywhere. */
  async function rotateSession(rotate: { userId: number | null; keepData: boolean }): Promise<Session<D>> {
    const next = await options.store().rotate(await readId(), rotate);
    await writeCookie(next.id);
    return next.session;
  }

  /** End this session and clear its cookie. */
  async function destroySession(): Promise<void> {
    await options.store().destroy(await readId());
    (await cookies()).delete(nameFor(await isSecure()));
  }

  /**
   * For proxy.ts: on a page navigation without a valid id, issue one (no row,
   * no database round trip) and return a function that sets it on the response.
   * The id is also put on the request, so the page being rendered sees it.
   */
  function sessionOnNavigation(request: NextRequest): ((response: NextResponse) => void) | null {
    if (!isPageNavigation(request)) return null;
    const secure = options.isSecureRequest(request.headers);
    const name = nameFor(secure);
    const store = options.store();
    if (store.ids.verify(request.cookies.get(name)?.value) !== null) return null;
    const id = store.issueId();
    request.cookies.set(name, id);
    return (response) => {
      response.cookies.set(name, id, attributes(secure));
    };
  }

  return { getSession, ensureSessionCookie, changeSession, rotateSession, destroySession, sessionOnNavigation };
}

function isPageNavigation(request: NextRequest): boolean {
  if (request.method !== "GET") return false;
  if (request.headers.has("rsc") || request.headers.has("next-router-prefetch")) return false;
  const path = request.nextUrl.pathname;
  if (path.startsWith("/api/") || path.startsWith("/_next/")) return false;
  return (request.headers.get("accept") ?? "").includes("text/html");
}
