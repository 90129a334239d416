// User lookups (Prisma).
import "server-only";
import { withPrisma } from "@/lib/db";

export interface ShopUser {
  id: number;
  email: string;
  name: string;
  role: string;
}

const userSelect = { id: true, email: true, name: true, role: true } as const;

export async function getUserById(id: number): Promise<ShopUser | null> {
  return withPrisma((prisma) => prisma.user.findUnique({ where: { id }, select: userSelect }));
}

export async function getUserWithPasswordByEmail(email: string) {
  return withPrisma((prisma) =>
    prisma.user.findUnique({ where: { email }, select: { ...userSelect, passwordHash: true } }),
  );
}

const DEMO_ADMIN_EMAIL = "admin@example.com";
let demoSeeded: { value: boolean; at: number } | undefined;

/**
 * Whether the demo accounts exist (the local cluster seeds them; compose and
 * production do not), so the sign-in page lists them only where they work.
 * Cached for a minute per process: it is shown on every sign-in page view.
 */
export async function demoAccountsSeeded(): Promise<boolean> {
  if (demoSeeded && Date.now() - demoSeeded.at < 60_000) return demoSeeded.value;
  try {
    const user = await withPrisma((prisma) => prisma.user.findUnique({ where: { email: DEMO_ADMIN_EMAIL }, select: { id: true } }));
    demoSeeded = { value: user !== null, at: Date.now() };
  } catch {
    return false;
  }
  return demoSeeded.value;
}
