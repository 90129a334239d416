// The offline migrator: applies prisma/migrations/*/migration.sql in order and
// records each one in _prisma_migrations exactly as `prisma migrate deploy`
// does (same table, same SHA-256 checksum of the file), so that on a machine
// that can run Prisma's schema engine, `prisma migrate deploy` agrees.
//
// Idempotent: applied migrations are skipped. Run it from one place at a time
// (the cluster CLI and the compose migrate service do). Usage:
//   DATABASE_URL=mariadb://user:pass@host:port/db tsx prisma/migrate.ts
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import * as mariadb from "mariadb";
import { poolConfigFromUrl } from "../lib/db/database";

const MIGRATIONS_DIR = join(import.meta.dirname, "migrations");

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS \`_prisma_migrations\` (
    \`id\` VARCHAR(36) NOT NULL,
    \`checksum\` VARCHAR(64) NOT NULL,
    \`finished_at\` DATETIME(3) NULL,
    \`migration_name\` VARCHAR(255) NOT NULL,
    \`logs\` TEXT NULL,
    \`rolled_back_at\` DATETIME(3) NULL,
    \`started_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`applied_steps_count\` INTEGER UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Split a migration into statements (Prisma's files: `;` at line end, `--` comments). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\r?\n|$)/)
    .map((chunk) => chunk.split(/\r?\n/).filter((line) => !line.trim().startsWith("--")).join("\n").trim())
    .filter(Boolean);
}

export async function migrate(databaseUrl: string, log: (line: string) => void = console.log): Promise<string[]> {
  const conn = await mariadb.createConnection({ ...poolConfigFromUrl(databaseUrl, 1), connectTimeout: 10_000 });
  const applied: string[] = [];
  try {
    await conn.query(CREATE_MIGRATIONS_TABLE);
    const done = new Map<string, { checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>();
    for (const row of await conn.query("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations")) {
      if (!row.rolled_back_at) done.set(row.migration_name, row);
    }
    for (const migration of readMigrations()) {
      const previous = done.get(migration.name);
      if (previous?.finished_at) {
        if (previous.checksum !== migration.checksum) {
          log(`warning: ${migration.name} was modified after it was applied (checksum differs)`);
        }
        continue;
      }
      if (previous) {
        throw new Error(`${migration.name} started earlier and did not finish; inspect the database, then mark it rolled back`);
      }
      const id = randomUUID();
      await conn.query("INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)", [
        id, migration.checksum, migration.name,
      ]);
      try {
        // DDL commits implicitly in MySQL; a failed migration stays recorded as unfinished, like Prisma's.
        for (const statement of splitStatements(migration.sql)) await conn.query(statement);
      } catch (error) {
        await conn.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [String(error), id]);
        throw error;
      }
      await conn.query("UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?", [id]);
      log(`applied ${migration.name}`);
      applied.push(migration.name);
    }
    if (applied.length === 0) log("database schema is up to date");
    return applied;
  } finally {
    await conn.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set (mariadb://user:password@host:port/database)");
    process.exit(1);
  }
  migrate(url).catch((error) => {
    console.error(`migration failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
