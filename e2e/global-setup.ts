// Before any spec: make sure there is a whole shop to test.
// - local (default): if any node is down, or the web tier still runs with extra
//   env left by an interrupted spec (e.g. a short idle timeout), clusterUp({})
//   brings the cluster to its default shape (it builds the app if needed);
// - compose: `docker compose up -d --wait` unless nginx already answers;
// - E2E_BASE_URL: only checks that the shop answers.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { clusterMode, composeFile, repoRoot, shopBaseUrl } from "./support/target";

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(url))) {
    if (Date.now() > deadline) throw new Error(`${url}/api/health did not answer 200 within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export default async function globalSetup(): Promise<void> {
  const url = shopBaseUrl();
  if (clusterMode === "external") {
    await waitHealthy(url, 30_000);
    return;
  }
  if (clusterMode === "compose") {
    if (!(await healthy(url))) {
      if (!existsSync(join(repoRoot, ".env"))) {
        throw new Error("CLUSTER=compose: no .env beside docker-compose.cluster.yml; run `node compose/generate-env.mjs` first");
      }
      console.log("[e2e] docker compose up (this builds the images the first time) ...");
      execFileSync("docker", ["compose", "-f", composeFile, "up", "-d", "--build", "--wait"], { cwd: repoRoot, stdio: "inherit" });
    }
    await waitHealthy(url, 120_000);
    return;
  }
  const { clusterStatus, clusterUp, consoleLogger, readClusterState } = await import("../cluster/index");
  const nodes = await clusterStatus();
  const state = readClusterState();
  const whole = nodes.length > 0 && nodes.every((node) => node.up);
  const defaultEnv = state !== null && Object.keys(state.webEnv).length === 0;
  if (!whole || !defaultEnv) {
    console.log(`[e2e] cluster ${whole ? "has extra web env" : "is not whole"}: clusterUp({}) ...`);
    await clusterUp({}, consoleLogger);
  }
  await waitHealthy(readClusterState()?.lbUrl ?? url, 60_000);
}
