// The local cluster's programmatic API (the CLI, tests, Playwright and the
// benchmark all use it): bring the cluster to the wanted shape, break and heal
// single nodes, stop or wipe everything. Promises: every changing call holds
// the cluster lock and saves state.json after each step, so pids are never
// lost; `up` is idempotent; `down` returns only when no process of ours is left.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureBuild } from "./build";
import { ensureDbTier, provisionDatabase, rollDbTier, startDbNode, stopDbNode, stopDbTier, type DbRollTiming } from "./galera";
import { clusterDir } from "./layout";
import { ensureLb, stopLb } from "./lb";
import { withClusterLock } from "./lock";
import { ClusterError, consoleLogger, type Logger } from "./log";
import { isOurProcess, killGroups, listGroupMembers, listMarkedProcesses, stopProcess } from "./process";
import { buildRelease, pruneReleases } from "./release";
import { applySchema } from "./schema";
import { planState, readClusterState, writeClusterState, type ClusterState, type UpOptions } from "./state";
import { collectStatus, type NodeStatus } from "./status";
import {
  ensureWebTier,
  gracefulStopWebNode,
  rejoinWebNode,
  rollWebTier,
  sharedWebEnv,
  startWebNode,
  stopWebNode,
  stopWebTier,
  type RollTiming,
} from "./web";

export { readClusterState, type ClusterState, type UpOptions } from "./state";
export { formatStatusTable, type NodeStatus } from "./status";
export { consoleLogger, quietLogger, ClusterError, type Logger } from "./log";
export type { RollTiming } from "./web";
export type { DbRollTiming } from "./galera";

export type NodeName = `web-${number}` | `db-${number}` | "lb";

function requireState(): ClusterState {
  const state = readClusterState();
  if (!state) throw new ClusterError("no cluster yet; run `npm run cluster` first");
  return state;
}

/** Pids we recorded, plus their descendants; anything else carrying our marker is an orphan. */
function orphans(state: ClusterState) {
  const recorded = new Set([state.lb.pid, ...state.web.map((n) => n.pid), ...state.db.map((n) => n.pid)].filter((pid) => pid !== null));
  const marked = listMarkedProcesses();
  const parentOf = new Map(marked.map((proc) => [proc.pid, proc.ppid]));
  const descendsFromRecorded = (pid: number): boolean => {
    for (let current: number | undefined = pid; current !== undefined && current > 1; current = parentOf.get(current)) {
      if (recorded.has(current)) return true;
    }
    return false;
  };
  return marked.filter((proc) => !descendsFromRecorded(proc.pid));
}

async function stopOrphans(state: ClusterState, log: Logger): Promise<void> {
  for (const proc of orphans(state)) {
    log.warn(`stopping leftover process ${proc.pid} of ${proc.name} (not in state.json)`);
    await stopProcess(proc.pid, proc.name, "SIGTERM", 30_000);
  }
}

/**
 * Brings the cluster to the shape `options` asks for (defaults: 3 web nodes,
 * the existing or 3 database nodes, nginx on 8080, no extra web env) and
 * returns when every node is healthy. Running nodes that already match are
 * left alone; web nodes with another env or build are restarted one by one.
 */
export async function clusterUp(options: UpOptions = {}, log: Logger = consoleLogger): Promise<ClusterState> {
  return withClusterLock(log, async () => {
    const previous = readClusterState();
    const state = planState(options, previous);
    const save = () => writeClusterState(state);
    // Secrets must be on disk before the build: the Server Actions key is read at build time.
    save();
    try {
      const removed = previous?.web.filter((old) => !state.web.some((node) => node.name === old.name)) ?? [];
      await stopWebTier(state, removed, log);
      await stopOrphans(state, log);
      await ensureBuild(state, log);
      await ensureDbTier(state, log);
      save();
      await provisionDatabase(state, log);
      save();
      await applySchema(state, log);
      save();
      await ensureWebTier(state, log);
      save();
      await ensureLb(state, log);
      pruneReleases(state, log);
    } finally {
      save();
    }
    return state;
  });
}

export interface DeployOptions {
  /** Extra environment for this build only (e.g. a visible build label); the nodes' env is unchanged. */
  buildEnv?: Record<string, string>;
}

export interface DeployResult {
  release: string;
  previous: string | null;
  buildMs: number;
  nodes: RollTiming[];
  totalMs: number;
}

/**
 * A rolling deploy of the web tier: builds a new release while the old one
 * keeps serving, then rolls every web node onto it, one at a time (drain,
 * start, healthy, serving through nginx again). No node is ever started
 * from a half-written build, and nginx always has healthy nodes to use.
 */
export async function deployWeb(options: DeployOptions = {}, log: Logger = consoleLogger): Promise<DeployResult> {
  return withClusterLock(log, async () => {
    const state = requireState();
    const save = () => writeClusterState(state);
    if (!isOurProcess(state.lb.pid, "lb")) throw new ClusterError("nginx is not running; run `npm run cluster` first");
    const started = Date.now();
    const previous = state.release ?? null;
    try {
      const release = await buildRelease(state, { ...sharedWebEnv(state), ...options.buildEnv }, log);
      const buildMs = Date.now() - started;
      state.release = release;
      save();
      const nodes = await rollWebTier(state, log, save);
      pruneReleases(state, log);
      return { release, previous, buildMs, nodes, totalMs: Date.now() - started };
    } finally {
      save();
    }
  });
}

export interface DbDeployResult {
  nodes: DbRollTiming[];
  totalMs: number;
}

/** A rolling restart of the Galera nodes: one at a time, each back to Synced and the cluster whole before the next. */
export async function deployDb(log: Logger = consoleLogger): Promise<DbDeployResult> {
  return withClusterLock(log, async () => {
    const state = requireState();
    const started = Date.now();
    try {
      const nodes = await rollDbTier(state, log, () => writeClusterState(state));
      return { nodes, totalMs: Date.now() - started };
    } finally {
      writeClusterState(state);
    }
  });
}

/** Stops everything gracefully (nginx, web nodes, then Galera last node last) and keeps the data. */
export async function clusterDown(log: Logger = consoleLogger): Promise<void> {
  await withClusterLock(log, () => downUnlocked(log));
}

async function downUnlocked(log: Logger): Promise<void> {
  const state = readClusterState();
  if (!state) return;
  // Each running node leads a process group; only groups led by our live processes count.
  const groups = [state.lb, ...state.web, ...state.db]
    .filter((node) => isOurProcess(node.pid, node.name))
    .map((node) => node.pid as number);
  try {
    if (isOurProcess(state.lb.pid, "lb")) {
      await stopLb(state, "SIGTERM");
      log.info("lb: stopped");
    }
    state.lb.pid = null;
    await stopWebTier(state, state.web, log);
    await stopDbTier(state, log);
    await stopOrphans(state, log);
  } finally {
    writeClusterState(state);
  }
  const stragglers = listGroupMembers(groups);
  if (stragglers.length > 0) {
    log.warn(`killing ${stragglers.length} leftover child process(es): ${stragglers.join(", ")}`);
    killGroups(groups);
    await sleep(200);
  }
  const left = [...listMarkedProcesses().map((proc) => `${proc.name} (pid ${proc.pid})`), ...listGroupMembers(groups).map(String)];
  if (left.length > 0) throw new ClusterError(`processes still running after down: ${left.join(", ")}`);
}

/** `down`, then deletes .cluster/ entirely: data, logs, state and secrets. */
export async function clusterReset(log: Logger = consoleLogger): Promise<void> {
  await withClusterLock(log, async () => {
    await downUnlocked(log);
    let entries: string[] = [];
    try {
      entries = readdirSync(clusterDir);
    } catch {
      return;
    }
    for (const entry of entries) if (entry !== "lock") rmSync(join(clusterDir, entry), { recursive: true, force: true });
    log.info(`wiped ${clusterDir}`);
  });
}

/** Every node with pid, port and whether it is up; the Galera view for database nodes. */
export async function clusterStatus(): Promise<NodeStatus[]> {
  const state = readClusterState();
  return state ? collectStatus(state) : [];
}

function findNode(state: ClusterState, name: string) {
  const web = state.web.find((node) => node.name === name);
  if (web) return { kind: "web" as const, node: web };
  const db = state.db.find((node) => node.name === name);
  if (db) return { kind: "db" as const, node: db };
  if (name === "lb") return { kind: "lb" as const, node: state.lb };
  const names = [...state.db, ...state.web].map((node) => node.name).concat("lb");
  throw new ClusterError(`unknown node "${name}"; this cluster has ${names.join(", ")}`);
}

async function signalNode(name: string, signal: "SIGTERM" | "SIGKILL", log: Logger): Promise<void> {
  await withClusterLock(log, async () => {
    const state = requireState();
    const found = findNode(state, name);
    try {
      if (found.kind === "web") {
        if (signal === "SIGTERM") await gracefulStopWebNode(found.node);
        else await stopWebNode(found.node, signal);
      } else if (found.kind === "db") await stopDbNode(found.node, signal);
      else await stopLb(state, signal);
    } finally {
      writeClusterState(state);
    }
    log.info(`${name}: ${signal === "SIGKILL" ? "killed" : "stopped"}`);
  });
}

/** SIGKILL: a crash, no chance to clean up. Returns once the process is gone. */
export function killNode(name: string, log: Logger = consoleLogger): Promise<void> {
  return signalNode(name, "SIGKILL", log);
}

/**
 * A graceful stop: a web node drains (SIGTERM: it stops listening, nginx moves
 * its new requests to the others, it finishes its own), so no request fails;
 * a Galera node leaves the group cleanly.
 */
export function stopNode(name: string, log: Logger = consoleLogger): Promise<void> {
  return signalNode(name, "SIGTERM", log);
}

/**
 * Starts a stopped node and waits until it is healthy (a database node
 * rejoins by IST or SST); for a web node, until nginx sends it requests again.
 * `webEnv` adds environment for this start of a web node only.
 */
export async function startNode(name: string, log: Logger = consoleLogger, webEnv: Record<string, string> = {}): Promise<void> {
  await withClusterLock(log, async () => {
    const state = requireState();
    const found = findNode(state, name);
    try {
      if (found.kind === "web") {
        if (isOurProcess(found.node.pid, found.node.name)) return;
        log.info(`${name}: starting`);
        await startWebNode(state, found.node, webEnv);
        await rejoinWebNode(state, found.node, log);
      } else if (found.kind === "db") {
        await startDbNode(state, found.node, log);
      } else {
        await ensureLb(state, log);
      }
    } finally {
      writeClusterState(state);
    }
    log.info(`${name}: up`);
  });
}

/**
 * Starts a stopped web node with `extraEnv` on top of its usual environment
 * (verify/ uses it for a skewed clock through libfaketime). Its fingerprint
 * then differs, so the next `up` restarts it with the normal environment.
 */
export async function startWebNodeWithEnv(name: string, extraEnv: Record<string, string>, log: Logger = consoleLogger): Promise<void> {
  await withClusterLock(log, async () => {
    const state = requireState();
    const found = findNode(state, name);
    if (found.kind !== "web") throw new ClusterError(`${name} is not a web node`);
    if (isOurProcess(found.node.pid, found.node.name)) throw new ClusterError(`${name} is running; stop it first`);
    try {
      await startWebNode({ ...state, webEnv: { ...state.webEnv, ...extraEnv } }, found.node);
    } finally {
      writeClusterState(state);
    }
    log.info(`${name}: up with ${Object.keys(extraEnv).join(", ")}`);
  });
}
