// Which shop the suite talks to, decided once from the environment:
// - E2E_BASE_URL=<url>: any running shop ("external"); nothing is started and
//   specs that need to kill nodes skip themselves (the only mode where they do);
// - CLUSTER=compose: docker-compose.cluster.yml on http://localhost:8080 (its NEXTAUTH_URL);
// - otherwise the local cluster (cluster/), at the lbUrl of .cluster/state.json.
// Kept free of cluster/ imports so playwright.config.ts can load it cheaply.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type ClusterMode = "local" | "compose" | "external";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const clusterMode: ClusterMode = process.env.E2E_BASE_URL
  ? "external"
  : process.env.CLUSTER === "compose"
    ? "compose"
    : "local";

export const composeFile = join(repoRoot, "docker-compose.cluster.yml");

function localLbUrl(): string {
  try {
    const state = JSON.parse(readFileSync(join(repoRoot, ".cluster", "state.json"), "utf8")) as { lbUrl?: string };
    if (state.lbUrl) return state.lbUrl;
  } catch {
    // No cluster yet: the global setup brings it up on the default port.
  }
  return "http://127.0.0.1:8080";
}

/**
 * The shop's public URL. It must be the host next-auth was configured with
 * (NEXTAUTH_URL), or its redirects would move the browser to another cookie jar.
 */
export function shopBaseUrl(): string {
  if (clusterMode === "external") return process.env.E2E_BASE_URL!.replace(/\/$/, "");
  if (clusterMode === "compose") return (process.env.E2E_COMPOSE_URL ?? "http://localhost:8080").replace(/\/$/, "");
  return localLbUrl();
}
