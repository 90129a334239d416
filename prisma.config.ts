import { defineConfig } from "prisma/config";

// `prisma generate` needs no database. `prisma migrate deploy` (on a machine
// that can download Prisma's schema engine) reads DATABASE_URL; here the
// offline migrator in prisma/migrate.ts applies the same migration folders.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "mysql://unused@127.0.0.1:3306/unused" },
});
