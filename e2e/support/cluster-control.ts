// Cluster control for specs: kill, stop and start nodes, and read which node
// served a response. Two implementations behind one interface, so the same
// specs run against both deployments:
// - local (default): the functions of cluster/index.ts (SIGKILL, SIGTERM, start
//   and wait until healthy);
// - compose (CLUSTER=compose): `docker compose -f docker-compose.cluster.yml
//   kill|stop|start <service>`, waiting for the service's healthcheck.
// A third, "external" (E2E_BASE_URL), controls nothing: specs that need it skip.
// Promise: start() returns only when the node is healthy AND nginx sends it
// requests again, so the next spec finds a whole cluster.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { APIResponse, Response } from "@playwright/test";
import { clusterMode, composeFile, repoRoot, shopBaseUrl, type ClusterMode } from "./target";

const run = promisify(execFile);

export interface ClusterControl {
  readonly mode: ClusterMode;
  /** false only with E2E_BASE_URL: nothing here can be killed. */
  readonly canControl: boolean;
  /** Web nodes behind nginx, e.g. web-1..web-3. */
  webNodes(): string[];
  /** SQL endpoints in order; web-i talks to dbNodes()[(i - 1) % n] first. */
  dbNodes(): string[];
  /** Nodes that hold the data: the Galera nodes locally (also the SQL nodes), ndbd-N in compose. */
  storageNodes(): string[];
  /** The SQL endpoint a web node uses first (web-2 → db-2 locally, → mysql-2 in compose). */
  primaryDbOf(webNode: string): string;
  /** SIGKILL: a crash. Returns once the process is gone. */
  kill(name: string): Promise<void>;
  /** A graceful stop. */
  stop(name: string): Promise<void>;
  /** Starts a node and waits until it is healthy and back in nginx's rotation. */
  start(name: string): Promise<void>;
  /** Starts several nodes in order, then waits once until the cluster is whole (start() alone would wait for the others). */
  startAll(names: string[]): Promise<void>;
  /** The node that served a response, from its X-Served-By header. */
  servedBy(response: Response | APIResponse | null): string;
  /** Restarts the web tier with a session idle timeout (seconds), or the default (null). */
  setIdleTimeout(seconds: number | null): Promise<void>;
  /** Waits until every node is up and nginx spreads requests over every web node. */
  waitUntilWhole(): Promise<void>;
  /** `npm run cluster -- deploy`: a new release, every web node rolled onto it. Local cluster only. */
  deployWeb(): Promise<DeploySummary>;
  /** `npm run cluster -- deploy --db`: a rolling restart of the database nodes. Local cluster only. */
  deployDb(): Promise<{ nodes: { name: string; totalMs: number }[] }>;
  /** The release each web node runs (local cluster only). */
  releases(): Record<string, string | undefined>;
}

export interface DeploySummary {
  release: string;
  previous: string | null;
  nodes: { name: string; drainMs: number; startMs: number; totalMs: number }[];
}

export function servedBy(response: Response | APIResponse | null): string {
  if (!response) throw new Error("no response (navigation to the same URL?): cannot tell which node served it");
  const node = response.headers()["x-served-by"];
  if (!node) throw new Error(`${response.url()} answered ${response.status()} without an X-Served-By header`);
  return node;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /api/health through nginx until every web node has answered 200 (nginx re-admits a failed node after fail_timeout). */
async function waitForRotation(webNodes: string[], timeoutMs = 90_000): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${shopBaseUrl()}/api/health`, { signal: AbortSignal.timeout(5_000) });
      const node = response.headers.get("x-served-by");
      if (response.ok && node) seen.add(node);
      else seen.clear();
    } catch {
      seen.clear();
    }
    if (webNodes.every((name) => seen.has(name))) return;
    await sleep(200);
  }
  throw new Error(`nginx did not reach every web node within ${timeoutMs / 1000} s (saw ${[...seen].join(", ") || "none"})`);
}

function primaryOf(webNode: string, dbNodes: string[]): string {
  const index = Number(/(\d+)$/.exec(webNode)?.[1] ?? NaN) - 1;
  if (!Number.isInteger(index) || index < 0 || dbNodes.length === 0) throw new Error(`not a web node: ${webNode}`);
  return dbNodes[index % dbNodes.length]!;
}

class LocalCluster implements ClusterControl {
  readonly mode = "local" as const;
  readonly canControl = true;
  private loaded: Promise<typeof import("../../cluster/index")> | null = null;
  private get lib() {
    this.loaded ??= import("../../cluster/index");
    return this.loaded;
  }

  private state() {
    const state = readLocalState();
    if (!state) throw new Error("no local cluster (.cluster/state.json); the global setup should have started it");
    return state;
  }
  webNodes() {
    return this.state().web.map((node) => node.name);
  }
  dbNodes() {
    return this.state().db.map((node) => node.name);
  }
  storageNodes() {
    return this.dbNodes();
  }
  primaryDbOf(webNode: string) {
    return primaryOf(webNode, this.dbNodes());
  }
  async kill(name: string) {
    await (await this.lib).killNode(name, e2eLogger);
  }
  async stop(name: string) {
    await (await this.lib).stopNode(name, e2eLogger);
  }
  async start(name: string) {
    await (await this.lib).startNode(name, e2eLogger);
    await this.waitUntilWhole();
  }
  async startAll(names: string[]) {
    for (const name of names) await (await this.lib).startNode(name, e2eLogger);
    await this.waitUntilWhole();
  }
  servedBy = servedBy;
  async setIdleTimeout(seconds: number | null) {
    const { clusterUp } = await this.lib;
    await clusterUp(seconds === null ? {} : { idleTimeoutSeconds: seconds }, e2eLogger);
    await this.waitUntilWhole();
  }
  async deployWeb() {
    return (await this.lib).deployWeb({}, e2eLogger);
  }
  async deployDb() {
    return (await this.lib).deployDb(e2eLogger);
  }
  releases() {
    return Object.fromEntries(this.state().web.map((node) => [node.name, node.release]));
  }
  async waitUntilWhole() {
    const { clusterStatus } = await this.lib;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const nodes = await clusterStatus();
      const down = nodes.filter((node) => !node.up);
      const unsynced = nodes.filter((node) => node.galera && node.galera.localState !== "Synced");
      if (nodes.length > 0 && down.length === 0 && unsynced.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`cluster not whole: ${[...down, ...unsynced].map((node) => `${node.name} (${node.detail})`).join(", ")}`);
      }
      await sleep(500);
    }
    await waitForRotation(this.webNodes());
  }
}

/** Reads .cluster/state.json without importing cluster/ (cheap, synchronous). */
function readLocalState(): { web: { name: string; release?: string }[]; db: { name: string }[] } | null {
  try {
    return JSON.parse(readFileSync(join(repoRoot, ".cluster", "state.json"), "utf8"));
  } catch {
    return null;
  }
}

const e2eLogger = {
  info: (message: string) => process.stderr.write(`[cluster] ${message}\n`),
  warn: (message: string) => process.stderr.write(`[cluster] warning: ${message}\n`),
};

class ComposeCluster implements ClusterControl {
  readonly mode = "compose" as const;
  readonly canControl = true;
  private services: string[] | null = null;

  private compose(args: string[], files: string[] = [composeFile]) {
    return run("docker", ["compose", ...files.flatMap((file) => ["-f", file]), ...args], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  private allServices(): string[] {
    this.services ??= execFileSync("docker", ["compose", "-f", composeFile, "config", "--services"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    return this.services;
  }
  private matching(pattern: RegExp) {
    return this.allServices()
      .filter((name) => pattern.test(name))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  }
  webNodes() {
    return this.matching(/^web-\d+$/);
  }
  async startAll(names: string[]) {
    for (const name of names) await this.compose(["start", name]);
    await this.waitUntilWhole();
  }
  deployWeb(): Promise<DeploySummary> {
    throw new Error("compose: a rolling deploy is `docker compose up -d --no-deps --build web-N`, one node at a time; not driven from specs");
  }
  deployDb(): Promise<{ nodes: { name: string; totalMs: number }[] }> {
    throw new Error("compose: no rolling restart of the NDB nodes from specs");
  }
  releases() {
    return {};
  }
  /** The SQL nodes (mysqld); storageNodes() are the NDB data nodes. */
  dbNodes() {
    return this.matching(/^mysql-\d+$/);
  }
  storageNodes() {
    return this.matching(/^ndbd-\d+$/);
  }
  primaryDbOf(webNode: string) {
    return primaryOf(webNode, this.dbNodes());
  }
  async kill(name: string) {
    await this.compose(["kill", name]);
  }
  async stop(name: string) {
    await this.compose(["stop", name]);
  }
  async start(name: string) {
    await this.compose(["start", name]);
    await this.waitHealthy(name);
    await this.waitUntilWhole();
  }
  servedBy = servedBy;
  private async waitHealthy(service: string, timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { stdout: ids } = await this.compose(["ps", "-q", service]);
      const id = ids.trim().split("\n")[0];
      if (id) {
        const { stdout } = await run("docker", ["inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}", id]);
        // Every service of docker-compose.cluster.yml has a healthcheck.
        if (stdout.trim() === "healthy") return;
      }
      if (Date.now() > deadline) throw new Error(`${service} not healthy within ${timeoutMs / 1000} s`);
      await sleep(1_000);
    }
  }
  async setIdleTimeout(seconds: number | null) {
    const web = this.webNodes();
    const files = [composeFile];
    if (seconds !== null) {
      const override = join(tmpdir(), `shopcluster-e2e-idle-${process.pid}.yml`);
      const services = web
        .map((name) => `  ${name}:\n    environment:\n      SESSION_IDLE_TIMEOUT_SECONDS: "${seconds}"\n`)
        .join("");
      writeFileSync(override, `services:\n${services}`);
      files.push(override);
    }
    // Recreates the web containers whose environment changed; --wait returns when they are healthy.
    await this.compose(["up", "-d", "--no-deps", "--no-build", "--wait", ...web], files);
    await this.waitUntilWhole();
  }
  async waitUntilWhole() {
    for (const service of [...this.matching(/^ndbd-\d+$/), ...this.dbNodes(), ...this.webNodes()]) {
      await this.waitHealthy(service);
    }
    await waitForRotation(this.webNodes());
  }
}

class ExternalShop implements ClusterControl {
  readonly mode = "external" as const;
  readonly canControl = false;
  webNodes() {
    return [];
  }
  dbNodes() {
    return [];
  }
  storageNodes() {
    return [];
  }
  primaryDbOf(): string {
    throw new Error("E2E_BASE_URL: the cluster behind it is unknown");
  }
  async kill(): Promise<void> {
    throw new Error("E2E_BASE_URL: cannot kill nodes of an external shop");
  }
  stop = this.kill;
  start = this.kill;
  startAll = this.kill;
  servedBy = servedBy;
  async setIdleTimeout(): Promise<void> {
    throw new Error("E2E_BASE_URL: cannot restart an external shop");
  }
  async waitUntilWhole() {}
  deployWeb(): Promise<DeploySummary> {
    throw new Error("E2E_BASE_URL: cannot deploy an external shop");
  }
  deployDb(): Promise<{ nodes: { name: string; totalMs: number }[] }> {
    throw new Error("E2E_BASE_URL: cannot restart an external shop's database");
  }
  releases() {
    return {};
  }
}

export function createClusterControl(mode: ClusterMode = clusterMode): ClusterControl {
  if (mode === "local") return new LocalCluster();
  if (mode === "compose") return new ComposeCluster();
  return new ExternalShop();
}
