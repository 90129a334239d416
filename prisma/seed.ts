// Seeds the catalog and the demo users. Idempotent: products are upserted by
// slug, users created once (an existing user's password is left alone).
//   DATABASE_URL=mariadb://user:pass@host:port/db tsx prisma/seed.ts
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

export async function seed(databaseUrl: string): Promise<void> {
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb(poolConfigFromUrl(databaseUrl, 2)) });
  try {
    for (const product of products) {
      await prisma.product.upsert({ where: { slug: product.slug }, create: product, update: product });
    }
    for (const user of DEMO_USERS) {
      const existing = await prisma.user.findUnique({ where: { email: user.email } });
      if (existing) continue;
      await prisma.user.create({ data: { ...user, passwordHash: await hashPassword(DEMO_PASSWORD) } });
    }
    console.log(`seeded ${products.length} products and ${DEMO_USERS.length} demo users`);
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
