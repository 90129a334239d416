// The shop's wiring of @shopcluster/session-store: its configuration (from
// lib/env.ts), its data schema (./data.ts: the cart), its SQL endpoints
// (lib/db's failover pools), and the Next.js binding. Everything else in the
// shop reaches sessions through these exports:
//
//   getSession()              read (once per render); never writes a row
//   ensureSessionCookie()     read, giving a cookieless client an id (no row) — GET /api/cart
//   changeSession(fn, opts)   atomic read-modify-write; op keys apply once for 24 h
//   rotateSession(...)        new id on sign-in (keeps the cart) and sign-out (fresh)
//   endSessionsByUserId(id)   sign a user out everywhere
//   sessionStore()            the store itself, for operators' queries and GC
//
// Those are bound to Next's request (cookies(), headers()). Code that takes a
// session handle (lib/cart/service.ts) gets `nextSession`, or, in the fast
// lane (lib/api/fast-lane.ts), `sessionFromCookieHeader(...)`.
import "server-only";
import { hkdfSync } from "node:crypto";
import { bindRequestSession, cookieJarFromHeader, SessionStore, type RequestSession } from "@shopcluster/session-store";
import { createNextSession } from "@shopcluster/session-store/next";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { isForwardedHttps, type HeaderReader } from "@/lib/http-forwarded";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { emptySessionData, sessionDataSchema, type SessionData } from "./data";
import { databaseExecutor } from "./sql";

export {
  IdempotencyKeyReusedError,
  SessionDataTooLargeError,
  SessionRotatedError,
  SessionStoreUnavailableError,
  UNCHANGED,
  sessionLabel,
  type Mutation,
  type Session,
  type SignedInSession,
} from "@shopcluster/session-store";
export type { SessionData } from "./data";

const KEY = Symbol.for("shopcluster.sessionStore");
type GlobalWithStore = typeof globalThis & { [KEY]?: SessionStore<SessionData> };

/** The process's store (one per process, shared by the proxy and app bundles). */
export function sessionStore(): SessionStore<SessionData> {
  const g = globalThis as GlobalWithStore;
  if (!g[KEY]) {
    const e = env();
    g[KEY] = new SessionStore<SessionData>({
      sql: databaseExecutor(db()),
      // The ids' MAC key, derived from the secret every node already shares (never the secret itself).
      secret: Buffer.from(hkdfSync("sha256", e.NEXTAUTH_SECRET, "", "shopcluster php_session id", 32)),
      schema: sessionDataSchema,
      emptyData: emptySessionData,
      idleTimeoutMs: e.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteTimeoutMs: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000,
      touchIntervalMs: e.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
      skipRedundantCausalWaits: e.DATABASE_GALERA,
      opRetentionMs: e.SESSION_OP_RETENTION_SECONDS * 1000,
      // 16 keys in the row, not the package's 32: a key past them moves with the same batch either way
      // (every 16th keyed change), and a cart's row is then about 1.4 KB instead of 2.3 (docs/benchmarks.md §16).
      maxRowKeys: 16,
      nodeName: e.NODE_NAME,
      log: log().child({ module: "session" }),
      observer: {
        operation: (op, seconds, outcome) => metrics().sessionStoreDuration.observe({ op, outcome }, seconds),
        retry: () => metrics().sessionRetries.inc(),
      },
    });
  }
  return g[KEY];
}

/** A request's session operations: Next's (nextSession) or a plain HTTP request's (sessionFromCookieHeader). */
export type ShopSession = RequestSession<SessionData>;

const binding = createNextSession<SessionData>({
  store: sessionStore,
  isSecureRequest: isForwardedHttps,
});

export const { getSession, ensureSessionCookie, changeSession, rotateSession, sessionOnNavigation } = binding;

/** The session of the Next.js request being handled (server components, actions, route handlers). */
export const nextSession: ShopSession = binding;

/** The session of a plain HTTP request: its Cookie header in, the Set-Cookie values to send out. */
export function sessionFromCookieHeader(
  cookieHeader: string | undefined,
  headers: HeaderReader,
): { session: ShopSession; setCookieHeaders: () => string[] } {
  const jar = cookieJarFromHeader(cookieHeader);
  const context = { secure: isForwardedHttps(headers), jar };
  return { session: bindRequestSession(sessionStore, () => context), setCookieHeaders: jar.setCookieHeaders };
}

export async function endSessionsByUserId(userId: number): Promise<number> {
  return sessionStore().destroyByUserId(userId);
}

/** "expired" when this request carried the cookie of a session that timed out. */
export async function getSessionNotice(): Promise<"expired" | null> {
  const current = await getSession();
  return current.status === "ended" && current.reason === "expired" ? "expired" : null;
}
