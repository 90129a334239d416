// The Next.js (App Router) binding: the request session of ./binding.ts over
// Next's cookies() and headers(). Server components call getSession(); server
// actions and route handlers call changeSession(), rotateSession(),
// destroySession(); proxy.ts calls sessionOnNavigation() so a first page view
// gets an id (without a row) and two tabs share one session from the start.
//
// Every setting comes in through options; nothing is read from the environment.
import { cookies, headers } from "next/headers";
import type { NextRequest, NextResponse } from "next/server";
import { cache } from "react";
import {
  bindRequestSession,
  cookieAttributes,
  cookieName,
  toCurrentSession,
  type CookieJar,
  type CookieOptions,
  type CurrentSession,
  type RequestContext,
} from "./binding.ts";
import type { SessionStore } from "./store.ts";

export type { CurrentSession, SessionChange } from "./binding.ts";

export interface NextSessionOptions<D> {
  /** The store, created lazily (its configuration usually comes from the environment at run time). */
  store: () => SessionStore<D>;
  /** Whether this request reached the application over HTTPS (e.g. through a trusted proxy's X-Forwarded-Proto). */
  isSecureRequest: (headers: Headers) => boolean;
  cookie?: CookieOptions;
}

export function createNextSession<D>(options: NextSessionOptions<D>) {
  const cookieOptions = options.cookie ?? {};

  async function context(): Promise<RequestContext> {
    const jar = await cookies();
    const nextJar: CookieJar = {
      get: (name) => jar.get(name)?.value,
      set: (name, value, attributes) => void jar.set(name, value, attributes),
      delete: (name) => void jar.delete(name),
    };
    return { secure: options.isSecureRequest(await headers()), jar: nextJar };
  }

  /** Read once per render (React's cache): every server component of a page sees the same session. */
  const getSession = cache(async (): Promise<CurrentSession<D>> => {
    const ctx = await context();
    const store = options.store();
    return toCurrentSession(await store.load(ctx.jar.get(cookieName(ctx.secure, cookieOptions))), store);
  });

  const session = bindRequestSession(options.store, context, { ...cookieOptions, getSession });

  /**
   * For proxy.ts: on a page navigation without a valid id, issue one (no row,
   * no database round trip) and return a function that sets it on the response.
   * The id is also put on the request, so the page being rendered sees it.
   */
  function sessionOnNavigation(request: NextRequest): ((response: NextResponse) => void) | null {
    if (!isPageNavigation(request)) return null;
    const secure = options.isSecureRequest(request.headers);
    const name = cookieName(secure, cookieOptions);
    const store = options.store();
    if (store.ids.verify(request.cookies.get(name)?.value) !== null) return null;
    const id = store.issueId();
    request.cookies.set(name, id);
    return (response) => {
      response.cookies.set(name, id, cookieAttributes(store, secure, cookieOptions));
    };
  }

  return { ...session, sessionOnNavigation };
}

function isPageNavigation(request: NextRequest): boolean {
  if (request.method !== "GET") return false;
  if (request.headers.has("rsc") || request.headers.has("next-router-prefetch")) return false;
  const path = request.nextUrl.pathname;
  if (path.startsWith("/api/") || path.startsWith("/_next/")) return false;
  return (request.headers.get("accept") ?? "").includes("text/html");
}
