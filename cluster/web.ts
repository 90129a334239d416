// The web tier: web-1..web-N, each `node serve.mjs` (Next's standalone
// server with a bounded SIGTERM drain) run from its release directory
// (cluster/release.ts), never from .next/, on its own port, all sharing the
// generated secrets. Promises: every node gets its own SQL endpoint first and
// the others as fallbacks; a node counts as up only when GET /api/health
// answers 200; a running node whose env or release differs from the wanted
// one is rolled: drained (it stops listening, so nginx moves its new requests
// to the other nodes without a visible error, and finishes what it has),
// started on the new release on the same port, healthy, and seen serving
// through nginx again, one node at a time. nginx is never reloaded for this.
import { localDbUrl } from "./galera";
import { webSocketPath } from "./layout";
import { ClusterError, step, type Logger } from "./log";
import { waitBackInRotation } from "./lb";
import { assertPortFree, httpStatus, isOurProcess, spawnDetached, stopProcess, tailLog, waitFor } from "./process";
import { releaseDir, releaseEntry } from "./release";
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
  const socket = webSocketPath(node.name);
  return {
    ...sharedWebEnv(state),
    NODE_NAME: node.name,
    HOSTNAME: "127.0.0.1",
    PORT: String(node.port),
    // Over the servers' unix sockets (cluster/galera.ts localDbUrl): all of them are on this machine.
    DATABASE_URL: localDbUrl(own),
    DATABASE_FALLBACK_URLS: others.map(localDbUrl).join(","),
    // A cart change's first read may skip Galera's causality wait (lib/session, skipRedundantCausalWaits).
    DATABASE_GALERA: state.galera ? "1" : "0",
    // nginx connects over this unix socket (cluster/lb.ts); the TCP port stays for health checks and direct use.
    ...(socket ? { SHOP_LISTEN_SOCKET: socket } : {}),
    ...state.webEnv,
  };
}

/** How long a stopping node may take to finish its in-flight requests before it exits anyway. */
export const DRAIN_TIMEOUT_MS = 10_000;

function fingerprint(state: ClusterState, node: WebNodeState): string {
  return hashOf([webNodeEnv(state, node), state.release ?? "none"]);
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

/** Starts the node from the current release (extra env, e.g. for one test, on top) and waits until it is healthy. */
export async function startWebNode(state: ClusterState, node: WebNodeState, extraEnv: Record<string, string> = {}): Promise<void> {
  const release = state.release;
  if (!release) throw new ClusterError("no release to start web nodes from; run `npm run cluster` (it builds one)");
  await assertPortFree(node.port, node.name);
  node.pid = spawnDetached({
    name: node.name,
    command: process.execPath,
    args: [releaseEntry(release)],
    cwd: releaseDir(release),
    env: {
      PATH: process.env.PATH,
      LANG: process.env.LANG,
      SHOP_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      ...webNodeEnv(state, node),
      ...extraEnv,
    },
  });
  node.release = release;
  node.stopped = false;
  node.fingerprint = fingerprint(state, node);
  await waitHealthy(node);
}

/** SIGTERM drains (bounded by DRAIN_TIMEOUT_MS in serve.mjs, then SIGKILL a little later); SIGKILL is a crash. */
export async function stopWebNode(node: WebNodeState, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  await stopProcess(node.pid, node.name, signal, DRAIN_TIMEOUT_MS + 5_000);
  node.pid = null;
}

export interface RollTiming {
  name: string;
  /** SIGTERM until the old process exited (it stopped listening at once, then finished its connections). */
  drainMs: number;
  /** Start on the new release until healthy. */
  startMs: number;
  /** Healthy until nginx sent it a request again (its fail_timeout). */
  rejoinMs: number;
  totalMs: number;
}

/**
 * A planned stop: SIGTERM, and wait for the drain. The node stops listening at
 * once (nginx retries a refused connect on another node, for any method, and
 * stops choosing it), finishes requests on its open connections and exits
 * once nginx has closed them (DRAIN_TIMEOUT_MS at most). No nginx reload.
 */
export async function gracefulStopWebNode(node: WebNodeState): Promise<void> {
  if (!isOurProcess(node.pid, node.name)) {
    node.pid = null;
    return;
  }
  node.stopped = true;
  await stopWebNode(node, "SIGTERM");
}

/** Waits until nginx sends the node requests again; a warning (not an error) if it does not in time. */
export async function rejoinWebNode(state: ClusterState, node: WebNodeState, log: Logger): Promise<void> {
  if (!(await waitBackInRotation(state, node.name)) && isOurProcess(state.lb.pid, "lb")) {
    log.warn(`${node.name}: nginx did not send it a request within its fail_timeout; see .cluster/logs/lb.log`);
  }
}

/** Restarts one node on the current release without a visible error: drain, start, healthy, serving through nginx. */
export async function rollWebNode(state: ClusterState, node: WebNodeState, log: Logger): Promise<RollTiming> {
  const started = Date.now();
  await step(log, `${node.name}: draining (stopped listening; nginx sends its requests to the others)`, () => gracefulStopWebNode(node));
  const drained = Date.now();
  await step(log, `${node.name}: starting on release ${state.release}`, () => startWebNode(state, node));
  const healthy = Date.now();
  await step(log, `${node.name}: back in nginx's rotation`, () => rejoinWebNode(state, node, log));
  const now = Date.now();
  return { name: node.name, drainMs: drained - started, startMs: healthy - drained, rejoinMs: now - healthy, totalMs: now - started };
}

/** Starts missing web nodes (in parallel), then restarts, one by one, those running with another env or build. */
export async function ensureWebTier(state: ClusterState, log: Logger): Promise<void> {
  const missing = state.web.filter((node) => !isOurProcess(node.pid, node.name));
  // `up` wants every node in the rotation, including one a `stop` left out (or an interrupted stop marked).
  for (const node of state.web) node.stopped = false;
  await Promise.all(missing.map((node) => step(log, `${node.name}: starting on port ${node.port}`, () => startWebNode(state, node))));
  for (const node of state.web) {
    if (missing.includes(node) || node.fingerprint === fingerprint(state, node)) continue;
    log.info(`${node.name}: runs another environment or release; rolling it`);
    await rollWebNode(state, node, log);
  }
}

/** Every node in turn onto the current release (`deploy`), each timed. */
export async function rollWebTier(state: ClusterState, log: Logger, save: () => void): Promise<RollTiming[]> {
  const timings: RollTiming[] = [];
  for (const node of state.web) {
    const timing = await rollWebNode(state, node, log);
    save();
    timings.push(timing);
    log.info(
      `${node.name}: on release ${state.release} in ${(timing.totalMs / 1000).toFixed(1)} s ` +
        `(drain ${(timing.drainMs / 1000).toFixed(1)} s, start ${(timing.startMs / 1000).toFixed(1)} s, ` +
        `rejoin ${(timing.rejoinMs / 1000).toFixed(1)} s)`,
    );
  }
  return timings;
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
