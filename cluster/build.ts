// Building the app once for every web node (Next.js standalone output, kept
// as a release: cluster/release.ts). Promises: `up` builds a new release
// only when there is none or a source changed since the current one was
// built. The build gets the cluster's secrets (Next reads NEXT_SERVER_ACTIONS_ENCRYPTION_KEY at build time into its
// manifest); at run time the key in each node's env takes precedence over the
// manifest's, so every node agrees even on a build made outside the cluster.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "./log";
import { repoRoot } from "./layout";
import { buildRelease, readRelease, releaseEntry } from "./release";
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
  // Copied into every release as the node's entry point (cluster/release.ts).
  "cluster/serve.mjs",
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
    // lib/db/generated is rewritten by every build (prisma generate), from prisma/schema.prisma, which is listed.
    if (entry === "node_modules" || entry === "generated" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a new release must be built, or null when the current one is current. */
export function buildStaleReason(state: ClusterState): string | null {
  const release = readRelease(state.release);
  if (!release || !existsSync(releaseEntry(release.id))) return "no release yet";
  const changed = sources.find((source) => newestMtime(join(repoRoot, source)) > release.builtAt);
  return changed ? `${changed} changed since release ${release.id} was built` : null;
}

/** Builds a new release when the sources changed since the current one; returns true when it did. */
export async function ensureBuild(state: ClusterState, log: Logger): Promise<boolean> {
  const reason = buildStaleReason(state);
  if (!reason) {
    log.info(`build: release ${state.release} is up to date`);
    return false;
  }
  log.info(`build: ${reason}`);
  state.release = await buildRelease(state, sharedWebEnv(state), log);
  return true;
}
