// Releases: every build the web nodes run from lives in its own directory,
// .cluster/releases/<id>/ (server.js, .next/ with the static chunks, public/,
// the traced node_modules, serve.mjs). Promises: a release directory is
// complete before any node starts from it and is never written again, so a
// hand-run `npm run build` (which rewrites .next/) cannot break a running
// node; each release also carries the static chunks of the releases kept
// before it, so a page rendered by an older build still loads its chunks
// from a node on the newer one; the newest few releases and every release a
// node runs are kept, older ones pruned.
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ClusterError, step, type Logger } from "./log";
import { clusterDir, repoRoot } from "./layout";
import { runCommand, runVisible } from "./process";
import type { ClusterState } from "./state";

export const releasesDir = join(clusterDir, "releases");
/** Releases kept besides the ones running: enough for a rollback and for old tabs' chunks. */
const KEEP = 3;

export interface ReleaseInfo {
  id: string;
  /** ms since the epoch when the build started (sources changed later make it stale). */
  builtAt: number;
  /** The release that was current when this one was built. */
  previous: string | null;
}

export const releaseDir = (id: string) => join(releasesDir, id);
export const releaseEntry = (id: string) => join(releaseDir(id), "serve.mjs");

export function readRelease(id: string | undefined): ReleaseInfo | null {
  if (!id) return null;
  try {
    return JSON.parse(readFileSync(join(releaseDir(id), "release.json"), "utf8")) as ReleaseInfo;
  } catch {
    return null;
  }
}

/** Sortable and unique: UTC time of the build plus a random suffix. */
export function newReleaseId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Release ids on disk, oldest first. */
export function listReleases(): string[] {
  if (!existsSync(releasesDir)) return [];
  return readdirSync(releasesDir)
    .filter((name) => !name.startsWith(".") && existsSync(join(releasesDir, name, "release.json")))
    .sort();
}

/**
 * Builds the app into a new release directory and returns its id. The build
 * runs `npm run build` (next build into .next/, then the standalone copy)
 * with SHOP_DEPLOYMENT_ID set, which next.config.ts uses as the build id and
 * as Next's deploymentId (version-skew protection).
 */
export async function buildRelease(state: ClusterState, env: Record<string, string>, log: Logger): Promise<string> {
  const id = newReleaseId();
  const builtAt = Date.now();
  await step(log, `build: release ${id} (npm run build)`, async () => {
    const code = await runVisible("npm", ["run", "build"], {
      cwd: repoRoot,
      env: { ...process.env, ...env, SHOP_DEPLOYMENT_ID: id, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (code !== 0) throw new ClusterError(`npm run build failed (exit code ${code}); see the output above`);
  });
  await step(log, `release ${id}: copying the build into ${releaseDir(id)}`, async () => {
    const standalone = join(repoRoot, ".next", "standalone");
    if (!existsSync(join(standalone, "server.js"))) throw new ClusterError(`npm run build did not produce ${standalone}/server.js`);
    mkdirSync(releasesDir, { recursive: true });
    const temp = join(releasesDir, `.${id}.partial`);
    rmSync(temp, { recursive: true, force: true });
    // cp -a keeps the standalone tree's relative symlinks as they are.
    const copy = await runCommand("cp", ["-a", standalone, temp], { timeoutMs: 120_000 });
    if (copy.code !== 0) throw new ClusterError(`copying the build failed: ${copy.stderr.trim()}`);
    cpSync(join(repoRoot, "cluster", "serve.mjs"), join(temp, "serve.mjs"));
    const builtId = readFileSync(join(temp, ".next", "BUILD_ID"), "utf8").trim();
    if (builtId !== id) throw new ClusterError(`the build's BUILD_ID is ${builtId}, not ${id}: does next.config.ts read SHOP_DEPLOYMENT_ID?`);
    // Chunks of the releases still kept, so their pages keep working on this one (never overwriting this build's own).
    for (const older of listReleases().reverse().slice(0, KEEP)) {
      const from = join(releaseDir(older), ".next", "static");
      if (existsSync(from)) cpSync(from, join(temp, ".next", "static"), { recursive: true, force: false, errorOnExist: false });
    }
    const info: ReleaseInfo = { id, builtAt, previous: state.release ?? null };
    writeFileSync(join(temp, "release.json"), `${JSON.stringify(info, null, 2)}\n`);
    renameSync(temp, releaseDir(id));
  });
  return id;
}

/** Deletes releases beyond the newest KEEP that no node runs. */
export function pruneReleases(state: ClusterState, log: Logger): void {
  const inUse = new Set([state.release, ...state.web.map((node) => node.release)].filter(Boolean));
  const all = listReleases();
  const keep = new Set([...all.slice(-KEEP), ...inUse]);
  for (const id of all) {
    if (keep.has(id)) continue;
    rmSync(releaseDir(id), { recursive: true, force: true });
    log.info(`release ${id}: pruned`);
  }
  for (const name of existsSync(releasesDir) ? readdirSync(releasesDir) : []) {
    if (name.startsWith(".") && name.endsWith(".partial")) {
      const path = join(releasesDir, name);
      if (Date.now() - statSync(path).mtimeMs > 60 * 60_000) rmSync(path, { recursive: true, force: true });
    }
  }
}
