// Seeds the catalog and, only when asked, accounts. Idempotent: products are
// upserted by slug, users created once (an existing user's password is left alone).
// - SEED_DEMO_USERS=1: the demo accounts with the published demo password (the
//   local cluster sets it: they are the demo). Never by default, so compose and
//   production start without a known password.
// - SEED_ADMIN_EMAIL=ops@example.org: an admin with a generated password,
//   printed once, when that account does not exist yet.
//   DATABASE_URL=mariadb://user:pass@host:port/db tsx prisma/seed.ts
import { randomBytes } from "node:crypto";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { hashPassword } from "../lib/auth/password";
import { poolConfigFromUrl } from "../lib/db/database";
import { PrismaClient } from "../lib/db/generated/client";
import { products } from "./products";

export const DEMO_PASSWORD = "demo-password";
export const DEMO_USERS = [
  { email: "alice@example.com", name: "Alice Martin", role: "customer" },
  { email: "bob@example.com", name: "Bob Okafor", role: "customer" },
  { email: "admin@example.com", name: "Ada Admin", role: "admin" },
] as const;

export interface SeedOptions {
  demoUsers?: boolean;
  adminEmail?: string;
}

export function seedOptionsFromEnv(environment: NodeJS.ProcessEnv = process.env): SeedOptions {
  const adminEmail = environment.SEED_ADMIN_EMAIL?.trim().toLowerCase() || undefined;
  if (adminEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(adminEmail)) throw new Error("SEED_ADMIN_EMAIL is not an email address");
  return { demoUsers: environment.SEED_DEMO_USERS === "1" || environment.SEED_DEMO_USERS === "true", adminEmail };
}

export async function seed(databaseUrl: string, options: SeedOptions = seedOptionsFromEnv()): Promise<void> {
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb(poolConfigFromUrl(databaseUrl, 2)) });
  try {
    for (const product of products) {
      await prisma.product.upsert({ where: { slug: product.slug }, create: product, update: product });
    }
    const created: string[] = [];
    if (options.demoUsers) {
      for (const user of DEMO_USERS) {
        const existing = await prisma.user.findUnique({ where: { email: user.email } });
        if (existing) continue;
        await prisma.user.create({ data: { ...user, passwordHash: await hashPassword(DEMO_PASSWORD) } });
        created.push(user.email);
      }
    }
    if (options.adminEmail && !(await prisma.user.findUnique({ where: { email: options.adminEmail } }))) {
      const password = randomBytes(18).toString("base64url");
      await prisma.user.create({
        data: { email: options.adminEmail, name: "Administrator", role: "admin", passwordHash: await hashPassword(password) },
      });
      created.push(options.adminEmail);
      // Shown once, here; only its hash is stored.
      console.log(`created admin ${options.adminEmail} with password: ${password}`);
    }
    console.log(
      `seeded ${products.length} products; created ${created.length} users` +
        (options.demoUsers ? "" : " (no demo accounts: set SEED_DEMO_USERS=1 for them)"),
    );
  } finally {
    await prisma.$disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set (mariadb://user:password@host:port/database)");
    process.exit(1);
  }
  seed(url).catch((error) => {
    console.error(`seeding failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
