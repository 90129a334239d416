// The web tier: web-1..web-N, each `node .next/standalone/server.js` on its
// own port, all sharing the generated secrets. Promises: every node gets its
// own SQL endpoint first and the others as fallbacks; a node counts as up only
// when GET /api/health answers 200; a running node whose env or build differs
// from the wanted one is restarted, one node at a time so nginx always has
// somewhere to send requests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ClusterError, step, type Logger } from "./log";
import { paths, repoRoot } from "./layout";
import { assertPortFree, httpStatus, isOurProcess, spawnDetached, stopProcess, tailLog, waitFor } from "./process";
import { hashOf, type ClusterState, type WebNodeState } from "./state";

/** Environment shared by every web node and by the build (Server Actions key). */
export function sharedWebEnv(state: ClusterState): Record<string, string> {
  return {
    NEXTAUTH_URL: state.lbUrl,
    NEXTAUTH_SECRET: state.secrets.nextAuthSecret,
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: state.secrets.serverActionsEncryptionKey,
    TRUST_PROXY: "1",
    // The admin page's cluster panel polls every web node.
    CLUSTER_WEB_NODES: state.web.map((node) => `${node.name}=${node.url}`).join(","),
  };
}

/** web-i talks to db-i first (when it exists), then to the others in order. */
export function webNodeEnv(state: ClusterState, node: WebNodeState): Record<string, string> {
  const own = state.db[state.web.indexOf(node) % state.db.length]!;
  const others = state.db.filter((db) => db !== own);
  return {
    ...sharedWebEnv(state),
    NODE_NAME: node.name,
    HOSTNAME: "127.0.0.1",
    PORT: String(node.port),
    DATABASE_URL: own.url,
    DATABASE_FALLBACK_URLS: others.map((db) => db.url).join(","),
    ...state.webEnv,
  };
}

function buildId(): string {
  try {
    return readFileSync(join(repoRoot, ".next", "standalone", ".next", "BUILD_ID"), "utf8").trim();
  } catch {
    return "none";
  }
}

function fingerprint(state: ClusterState, node: WebNodeState): string {
  return hashOf([webNodeEnv(state, node), buildId()]);
}

async function waitHealthy(node: WebNodeState, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      if (!isOurProcess(node.pid, node.name)) {
        throw new ClusterError(`${node.name} exited while starting; see .cluster/logs/${node.name}.log:\n${tailLog(node.name)}`);
      }
      return (await httpStatus(`${node.url}/api/health`, 2000)) === 200 ? true : undefined;
    },
    timeoutMs,
    () => `${node.name} did not answer GET /api/health with 200 within ${timeoutMs / 1000} s; see .cluster/logs/${node.name}.log`,
    250,
  );
}

export async function startWebNode(state: ClusterState, node: WebNodeState): Promise<void> {
  await assertPortFree(node.port, node.name);
  node.pid = spawnDetached({
    name: node.name,
    command: process.execPath,
    args: [paths.standaloneServer],
    cwd: repoRoot,
    env: { PATH: process.env.PATH, LANG: process.env.LANG, ...webNodeEnv(state, node) },
  });
  node.fingerprint = fingerprint(state, node);
  await waitHealthy(node);
}

export async function stopWebNode(node: WebNodeState, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  await stopProcess(node.pid, node.name, signal, 15_000);
  node.pid = null;
}

/** Starts missing web nodes (in parallel), then restarts, one by one, those running with another env or build. */
export async function ensureWebTier(state: ClusterState, log: Logger): Promise<void> {
  const missing = state.web.filter((node) => !isOurProcess(node.pid, node.name));
  await Promise.all(missing.map((node) => step(log, `${node.name}: starting on port ${node.port}`, () => startWebNode(state, node))));
  for (const node of state.web) {
    if (missing.includes(node) || node.fingerprint === fingerprint(state, node)) continue;
    await step(log, `${node.name}: restarting with the new environment or build`, async () => {
      await stopWebNode(node, "SIGTERM");
      await startWebNode(state, node);
    });
  }
}

export async function stopWebTier(state: ClusterState, nodes: WebNodeState[], log: Logger): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (!isOurProcess(node.pid, node.name)) {
        node.pid = null;
        return;
      }
      await stopWebNode(node, "SIGTERM");
      log.info(`${node.name}: stopped`);
    }),
  );
}
