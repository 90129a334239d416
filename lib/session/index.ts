// The session of the current request: the one place that reads or writes the
// session cookie. Route handlers, server actions, pages and next-auth call
// these functions; nothing else touches the cookie or the php_session table.
//
//   getSession()        read (cached per render); never creates a row
//   ensureSession()     read, or create a row and set the cookie (proxy, GET /api/cart)
//   changeSession(fn)   atomic read-modify-write; creates the session if needed
//   changeSessionInTransaction(fn)  the same, with extra statements in one commit
//   rotateSession(...)  new id on sign-in (keeps the cart) and sign-out (fresh)
//   destroySession()    end this session
//   endSessionsByUserId(userId)  sign a user out everywhere
//   getSessionNotice()  "expired" when this request's cookie had timed out
import "server-only";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { Transaction } from "@/lib/db/database";
import { isForwardedHttps, sessionCookieName, sessionCookieOptions } from "./cookie";
import { emptySessionData, rememberOp, type SessionData } from "./data";
import { newOpId } from "./ids";
import { type ChangeResult, type LoadResult, type Mutation, type SessionRecord } from "./store";
import { sessionStore } from "./instance";

export { SessionStoreUnavailableError } from "./store";
export type { SessionData } from "./data";


export interface CurrentSession {
  status: "active" | "absent" | "unknown" | "expired";
  session: SessionRecord | null;
  data: SessionData;
  userId: number | null;
}

async function isHttps(): Promise<boolean> {
  return isForwardedHttps(await headers());
}

async function readId(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName(await isHttps()))?.value;
}

async function writeCookie(id: string): Promise<void> {
  const secure = await isHttps();
  (await cookies()).set(sessionCookieName(secure), id, sessionCookieOptions(secure, sessionStore().absoluteTimeoutMs));
}

function toCurrent(result: LoadResult): CurrentSession {
  if (result.status === "active") {
    return { status: "active", session: result.session, data: result.session.data, userId: result.session.userId };
  }
  return { status: result.status, session: null, data: emptySessionData(), userId: null };
}

/** The current session, read once per render. Never writes a cookie. */
export const getSession = cache(async (): Promise<CurrentSession> => {
  return toCurrent(await sessionStore().store.load(await readId()));
});

/** The current session, creating one (row and cookie) when there is none. */
export async function ensureSession(): Promise<CurrentSession> {
  const current = toCurrent(await sessionStore().store.load(await readId()));
  if (current.session) return current;
  const created = await sessionStore().store.create();
  await writeCookie(created.id);
  return { status: "active", session: created.session, data: created.session.data, userId: null };
}

/**
 * Apply `mutate` to the session atomically (see SessionStore.change). Without a
 * live session, it is applied to empty data and a new session is created only
 * if that changes something. `opId` makes a retried request apply once.
 */
export async function changeSession<R>(
  mutate: (data: SessionData) => Mutation<R>,
  options: { opId?: string } = {},
): Promise<{ result: R | null; session: SessionRecord | null; duplicate: boolean }> {
  const store = sessionStore().store;
  const id = await readId();
  if (id) {
    const changed = await store.change(id, mutate, options);
    const settled = settle(changed);
    if (settled) return settled;
  }
  const empty = emptySessionData();
  const first = mutate(empty);
  if (first.data === empty) return { result: first.result, session: null, duplicate: false };
  // A new row born with the change applied (and its op id remembered): one INSERT, not INSERT + UPDATE.
  const created = await store.create({ data: rememberOp(first.data, options.opId ?? newOpId()) });
  await writeCookie(created.id);
  return { result: first.result, session: created.session, duplicate: false };
}

function settle<R>(changed: ChangeResult<R>) {
  if (changed.status === "changed" || changed.status === "unchanged") {
    return { result: changed.result, session: changed.session, duplicate: false };
  }
  if (changed.status === "duplicate") return { result: null, session: changed.session, duplicate: true };
  return null;
}

/** changeSession with the caller's own statements in the same transaction. Needs a live session. */
export async function changeSessionInTransaction<R>(
  work: (data: SessionData, session: SessionRecord, tx: Transaction) => Promise<Mutation<R>>,
  options: { opId?: string } = {},
): Promise<ChangeResult<R>> {
  const id = await readId();
  if (!id) return { status: "unknown" };
  return sessionStore().store.changeInTransaction(id, work, options);
}

/**
 * Sign-in (userId set, cart kept) or sign-out (userId null, data reset): the
 * visitor gets a new id and the old one stops working on every node at once.
 */
export async function rotateSession(options: { userId: number | null; keepData: boolean }): Promise<SessionRecord> {
  const store = sessionStore().store;
  const id = await readId();
  const rotated = id ? await store.rotate(id, options) : null;
  const next = rotated ?? (await store.create({ userId: options.userId }));
  await writeCookie(next.id);
  return next.session;
}

export async function destroySession(): Promise<void> {
  const id = await readId();
  if (id) await sessionStore().store.destroy(id);
  (await cookies()).delete(sessionCookieName(await isHttps()));
}

export async function endSessionsByUserId(userId: number): Promise<number> {
  return sessionStore().store.destroyByUserId(userId);
}

/** "expired" when this request carried the cookie of a session that timed out. */
export async function getSessionNotice(): Promise<"expired" | null> {
  return (await getSession()).status === "expired" ? "expired" : null;
}
