// The per-request session API over any cookie jar: read the id from the
// request's cookie, run the store's operation, and set or clear the cookie
// the operation calls for. Framework bindings build on it: ./next.ts gives it
// Next's cookies(); a plain node:http (or fetch) handler gives it
// cookieJarFromHeader() and sends the Set-Cookie headers that jar collected.
//
// Nothing here reads the environment or knows a framework.
import { SessionRotatedError } from "./errors.ts";
import type { ChangeOptions, ChangeResult, EndReason, LoadResult, Mutate, Session, SessionStore } from "./store.ts";

export interface CookieAttributes {
  httpOnly: true;
  sameSite: "lax" | "strict";
  path: "/";
  secure: boolean;
  /** Seconds. */
  maxAge: number;
}

/** Where the session cookie is read from and written to for one request. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, attributes: CookieAttributes): void;
  delete(name: string, attributes: CookieAttributes): void;
}

export interface CookieOptions {
  /** Cookie name over plain HTTP. Default "sid". */
  name?: string;
  /** Cookie name over HTTPS (Secure). Default "__Host-sid". */
  secureName?: string;
  sameSite?: "lax" | "strict";
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

/** The session operations of one request. */
export interface RequestSession<D> {
  /** The current session. Never writes a cookie or a row (but a throttled touch). */
  getSession(): Promise<CurrentSession<D>>;
  /**
   * The current session, giving a client without one an id (cookie only, no
   * row): for handlers that answer with session state (GET /cart).
   * Throws SessionRotatedError for a just-rotated id.
   */
  ensureSessionCookie(): Promise<CurrentSession<D>>;
  /**
   * Apply `mutate` atomically (SessionStore.change). A new id is set as the
   * cookie when the request had none or an ended one. Throws SessionRotatedError
   * for a just-rotated id, IdempotencyKeyReusedError for a reused key.
   */
  changeSession<R>(mutate: Mutate<D, R>, options?: ChangeOptions): Promise<SessionChange<D, R>>;
  /** Sign-in (userId, keepData) or sign-out (null, fresh): a new id; the old one stops working everywhere. */
  rotateSession(rotate: { userId: number | null; keepData: boolean }): Promise<Session<D>>;
  /** End this session and clear its cookie. */
  destroySession(): Promise<void>;
}

export interface RequestContext {
  /** Whether this request reached the application over HTTPS (the cookie's name and Secure flag follow). */
  secure: boolean;
  jar: CookieJar;
}

export function cookieName(secure: boolean, options: CookieOptions = {}): string {
  return secure ? (options.secureName ?? "__Host-sid") : (options.name ?? "sid");
}

export function cookieAttributes<D>(store: SessionStore<D>, secure: boolean, options: CookieOptions = {}): CookieAttributes {
  return { httpOnly: true, sameSite: options.sameSite ?? "lax", path: "/", secure, maxAge: Math.floor(store.absoluteTimeoutMs / 1000) };
}

export function toCurrentSession<D>(result: LoadResult<D>, store: SessionStore<D>): CurrentSession<D> {
  if (result.status === "active") {
    return { status: "active", session: result.session, data: result.session.data, userId: result.session.userId };
  }
  const reason = result.status === "ended" ? result.reason : undefined;
  return { status: result.status, reason, session: null, data: store.emptySessionData(), userId: null };
}

/**
 * The session API of one request. `context` may be a promise (Next's cookies()
 * and headers() are async); it is awaited once per operation.
 * `getSession` is not memoised here: a framework binding may cache it per request.
 */
export function bindRequestSession<D>(
  store: () => SessionStore<D>,
  context: () => RequestContext | Promise<RequestContext>,
  options: CookieOptions & { getSession?: () => Promise<CurrentSession<D>> } = {},
): RequestSession<D> {
  const readId = (ctx: RequestContext) => ctx.jar.get(cookieName(ctx.secure, options));

  function writeCookie(ctx: RequestContext, id: string): void {
    ctx.jar.set(cookieName(ctx.secure, options), id, cookieAttributes(store(), ctx.secure, options));
  }

  const loadCurrent = async (): Promise<CurrentSession<D>> => {
    const ctx = await context();
    return toCurrentSession(await store().load(readId(ctx)), store());
  };
  const getSession = options.getSession ?? loadCurrent;

  return {
    getSession,

    async ensureSessionCookie() {
      const found = await getSession();
      if (found.status === "rotated") throw new SessionRotatedError();
      if (found.status === "active") return found;
      const ctx = await context();
      const id = store().issueId();
      writeCookie(ctx, id);
      return toCurrentSession(await store().load(id), store());
    },

    async changeSession<R>(mutate: Mutate<D, R>, changeOptions: ChangeOptions = {}) {
      const ctx = await context();
      const result = await store().change(readId(ctx), mutate, changeOptions);
      if (result.status === "rotated") throw new SessionRotatedError();
      if ((result.status === "changed" || result.status === "unchanged") && result.id) writeCookie(ctx, result.id);
      return result;
    },

    async rotateSession(rotate) {
      const ctx = await context();
      const next = await store().rotate(readId(ctx), rotate);
      writeCookie(ctx, next.id);
      return next.session;
    },

    async destroySession() {
      const ctx = await context();
      await store().destroy(readId(ctx));
      ctx.jar.delete(cookieName(ctx.secure, options), cookieAttributes(store(), ctx.secure, options));
    },
  };
}

/**
 * A jar over a request's Cookie header that collects what to send back, for a
 * plain node:http or fetch handler: `setCookieHeaders()` are the response's
 * Set-Cookie values. Cookie values are the store's ids (URL-safe), never encoded.
 */
export function cookieJarFromHeader(cookieHeader: string | null | undefined): CookieJar & { setCookieHeaders(): string[] } {
  const sent = new Map<string, string>();
  const current = new Map<string, string | undefined>();
  return {
    get(name) {
      if (current.has(name)) return current.get(name);
      return readCookie(cookieHeader, name);
    },
    set(name, value, attributes) {
      current.set(name, value);
      sent.set(name, serializeCookie(name, value, attributes));
    },
    delete(name, attributes) {
      current.set(name, undefined);
      sent.set(name, serializeCookie(name, "", { ...attributes, maxAge: 0 }));
    },
    setCookieHeaders: () => [...sent.values()],
  };
}

/** The first value of cookie `name` in a Cookie header. */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${attributes.maxAge}`];
  if (attributes.maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  parts.push("HttpOnly", `SameSite=${attributes.sameSite === "strict" ? "Strict" : "Lax"}`);
  if (attributes.secure) parts.push("Secure");
  return parts.join("; ");
}
