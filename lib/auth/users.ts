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
