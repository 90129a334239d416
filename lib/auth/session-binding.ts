// Binding sign-in state to php_session: sign-in and sign-out both rotate the id.
import "server-only";
import { rotateSession } from "@/lib/session";

/** Sign-in: a new session id owned by the user; the anonymous cart comes along. */
export async function signInSession(userId: number): Promise<void> {
  await rotateSession({ userId, keepData: true });
}

/** Sign-out: the old id stops working everywhere; the visitor starts a fresh, empty session. */
export async function signOutSession(): Promise<void> {
  await rotateSession({ userId: null, keepData: false });
}
