// Migrations and seed, run through the LEAD's package scripts (db:migrate,
// db:seed) with DATABASE_URL pointing at a running database node. Promises:
// each runs again only when its inputs changed (migration folders; seed
// files), so a repeated `up` changes nothing; a script that does not exist
// yet is skipped with a warning instead of failing the cluster.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ClusterError, step, type Logger } from "./log";
import { repoRoot } from "./layout";
import { runCommand } from "./process";
import { hashOf, type ClusterState } from "./state";

/** The script's file for `tsx <file>` scripts; null when the script is not defined. */
function scriptFile(script: string): { defined: boolean; file?: string } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const command = pkg.scripts?.[script];
  if (!command) return { defined: false };
  const file = /^tsx\s+(\S+)/.exec(command)?.[1];
  return { defined: true, file };
}

function fingerprintOf(files: string[]): string {
  return hashOf(files.map((file) => [file, existsSync(file) ? statSync(file).mtimeMs : 0]));
}

function migrationFiles(): string[] {
  const dir = join(repoRoot, "prisma", "migrations");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort()
    .map((entry) => join(dir, entry, "migration.sql"));
}

async function runScript(script: string, state: ClusterState, log: Logger): Promise<boolean> {
  const { defined, file } = scriptFile(script);
  if (!defined || (file && !existsSync(join(repoRoot, file)))) {
    log.warn(`npm run ${script} is not available yet${file ? ` (${file} missing)` : ""}; skipped`);
    return false;
  }
  const node = state.db.find((candidate) => candidate.pid !== null) ?? state.db[0]!;
  await step(log, `npm run ${script}`, async () => {
    const result = await runCommand("npm", ["run", "--silent", script], {
      cwd: repoRoot,
      // The local cluster is the demo: it keeps the demo accounts (prisma/seed.ts).
      env: { ...process.env, DATABASE_URL: node.url, SEED_DEMO_USERS: "1" },
      timeoutMs: 300_000,
    });
    if (result.code !== 0) {
      throw new ClusterError(`npm run ${script} failed (exit code ${result.code}):\n${(result.stdout + result.stderr).trim()}`);
    }
  });
  return true;
}

export async function applySchema(state: ClusterState, log: Logger): Promise<void> {
  const migrations = fingerprintOf([...migrationFiles(), join(repoRoot, "prisma", "migrate.ts")]);
  if (state.applied.migrations !== migrations) {
    if (!(await runScript("db:migrate", state, log))) return;
    state.applied.migrations = migrations;
    state.applied.seed = undefined;
  }
  const seedInputs = [join(repoRoot, "prisma", "seed.ts"), join(repoRoot, "prisma", "products.ts")];
  const seed = fingerprintOf(seedInputs);
  if (state.applied.seed !== seed) {
    if (!(await runScript("db:seed", state, log))) return;
    state.applied.seed = seed;
  }
}
