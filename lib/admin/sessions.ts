// The operators' view of php_session: how many sessions are active, who is
// signed in and where, and the two ways to end sessions. Admin-only: every
// function checks the caller's role itself, so no page or action can forget to.
import "server-only";
import { getCurrentUser } from "@/lib/auth/current-user";
import { withPrisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { sessionStore, type SignedInSession } from "@/lib/session";

export interface SignedInUserView {
  userId: number;
  email: string;
  name: string;
  sessions: SignedInSession[];
}

export async function requireAdmin() {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Please sign in.");
  if (user.role !== "admin") throw new AppError("forbidden", "This page is for the shop's operators.");
  return user;
}

export async function getSessionOverview(): Promise<{ anonymous: number; signedIn: number; users: SignedInUserView[] }> {
  await requireAdmin();
  const store = sessionStore();
  const [counts, sessions] = await Promise.all([store.countActive(), store.listSignedIn(200)]);
  const userIds = [...new Set(sessions.map((s) => s.userId))];
  const users = await withPrisma((prisma) =>
    prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }),
  );
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    ...counts,
    users: userIds.map((userId) => ({
      userId,
      email: byId.get(userId)?.email ?? `user ${userId}`,
      name: byId.get(userId)?.name ?? "",
      sessions: sessions.filter((s) => s.userId === userId),
    })),
  };
}

export async function endSessionByKey(keyHex: string): Promise<boolean> {
  const admin = await requireAdmin();
  const ended = await sessionStore().destroyByKey(Buffer.from(keyHex, "hex"));
  log().info({ event: "admin_end_session", admin: admin.id, session: keyHex.slice(0, 12), ended }, "operator ended a session");
  return ended;
}

export async function endSessionsOfUser(userId: number): Promise<number> {
  const admin = await requireAdmin();
  const ended = await sessionStore().destroyByUserId(userId);
  log().info({ event: "admin_sign_out_everywhere", admin: admin.id, userId, ended }, "operator signed a user out everywhere");
  return ended;
}
