// Building the app once for every web node (Next.js standalone output).
// Promises: `npm run build` runs only when .next/standalone/server.js is
// missing or older than any source. The build gets the cluster's secrets
// (Next reads NEXT_SERVER_ACTIONS_ENCRYPTION_KEY at build time into its
// manifest); at run time the key in each node's env takes precedence over the
// manifest's, so every node agrees even on a build made outside the cluster.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ClusterError, step, type Logger } from "./log";
import { paths, repoRoot } from "./layout";
import { runVisible } from "./process";
import type { ClusterState } from "./state";
import { sharedWebEnv } from "./web";

/** Everything compiled into the build; a change to any of them makes it stale. */
const sources = [
  "app",
  "lib",
  "components",
  "packages",
  "instrumentation.ts",
  "public",
  "proxy.ts",
  "next.config.ts",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
  "prisma/schema.prisma",
];

function newestMtime(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why the build must be redone, or null when it is current. */
export function buildStaleReason(): string | null {
  if (!existsSync(paths.standaloneServer)) return "no build yet";
  const builtAt = statSync(paths.standaloneServer).mtimeMs;
  const changed = sources.find((source) => newestMtime(join(repoRoot, source)) > builtAt);
  return changed ? `${changed} changed since the last build` : null;
}

export async function ensureBuild(state: ClusterState, log: Logger): Promise<boolean> {
  const reason = buildStaleReason();
  if (!reason) {
    log.info("build: up to date");
    return false;
  }
  await step(log, `build: ${reason}; running npm run build`, async () => {
    const code = await runVisible("npm", ["run", "build"], {
      cwd: repoRoot,
      env: { ...process.env, ...sharedWebEnv(state), NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (code !== 0) throw new ClusterError(`npm run build failed (exit code ${code}); see the output above`);
    if (!existsSync(paths.standaloneServer)) throw new ClusterError(`npm run build did not produce ${paths.standaloneServer}`);
  });
  return true;
}
