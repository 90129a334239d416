// Parts 2-4: HTTP through the running cluster. The load itself always comes
// from bench/load-worker.mjs in a child process (autocannon, or fetch bursts);
// this module prepares sessions, starts the worker, breaks and heals nodes on
// schedule, and turns the worker's figures into results.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Database } from "@/lib/db/database";
import { sessionKey } from "@shopcluster/session-store";
import { clusterStatus, killNode, startNode, type Logger } from "../cluster/index";
import { progress, sleep } from "./lib/progress";
import { ratio, summarize } from "./lib/stats";

const WORKER = fileURLToPath(new URL("./load-worker.mjs", import.meta.url));

export interface LatencyMs {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PerSecond {
  second: number;
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface AutocannonResult {
  url: string;
  durationS: number;
  completed: number;
  ok: number;
  reqPerSec: number;
  okPerSec: number;
  /** 2xx responses only. */
  latencyMs: LatencyMs;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  longestGapMs: number;
  longestGapEndsAtS: number;
  perSecond: PerSecond[];
}

const benchLogger: Logger = { info: (m) => progress(`cluster: ${m}`), warn: (m) => progress(`cluster: warning: ${m}`) };

/** Runs one job in the load worker; `onStarted` gets the wall-clock time the load began. */
export function runWorker<T>(job: Record<string, unknown>, onStarted?: (at: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER], { stdio: ["pipe", "pipe", "inherit"] });
    let result: T | undefined;
    createInterface({ input: child.stdout }).on("line", (line) => {
      const message = JSON.parse(line) as { event: string; at?: number };
      if (message.event === "started") onStarted?.(message.at!);
      else if (message.event === "result") result = message as T;
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && result ? resolve(result) : reject(new Error(`load worker exited with ${code}`))));
    child.stdin.end(JSON.stringify(job));
  });
}

/** `n` fresh sessions, made by GET /api/cart without a cookie; returns their `sid=…` cookies. */
export async function createSessions(baseUrl: string, n: number): Promise<string[]> {
  const cookies: string[] = [];
  const next = async () => {
    while (cookies.length < n) {
      const response = await fetch(`${baseUrl}/api/cart`);
      await response.arrayBuffer();
      const cookie = response.headers.getSetCookie().map((line) => /^((?:__Host-)?sid=[^;]+)/.exec(line)?.[1]).find(Boolean);
      if (response.status !== 200 || !cookie) throw new Error(`GET /api/cart: ${response.status}, no session cookie`);
      cookies.push(cookie);
    }
  };
  await Promise.all(Array.from({ length: 8 }, next));
  return cookies.slice(0, n);
}

/** Ends the sessions behind these cookies (the bench leaves no rows behind). */
export async function destroySessions(dbUrl: string, cookies: string[]): Promise<void> {
  const db = new Database({ urls: [dbUrl], poolSize: 2 });
  try {
    for (const cookie of new Set(cookies)) {
      await db.query("DELETE FROM php_session WHERE session_id = ?", [sessionKey(cookie.slice(cookie.indexOf("=") + 1))]);
    }
  } finally {
    await db.end();
  }
}

export async function productIds(baseUrl: string): Promise<number[]> {
  const response = await fetch(`${baseUrl}/api/products`);
  const products = (await response.json()) as { id: number }[];
  if (!Array.isArray(products) || products.length === 0) throw new Error("GET /api/products returned no products");
  return products.map((p) => p.id);
}

// ---------------------------------------------------------------- part 2

export interface HttpCase {
  request: "GET /api/cart" | "POST /api/cart/items";
  target: "nginx (3 nodes)" | "web-1 direct";
  reqPerSec: number;
  /** 2xx responses only. */
  latencyMs: LatencyMs;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
}

export interface HttpResult {
  sessions: number;
  connections: number;
  /** Per case, split into `segments` alternating runs. */
  durationS: number;
  segments: number;
  cases: HttpCase[];
  /** nginx over 3 nodes / one node direct: throughput and p99 ratios. */
  ratios: { getReqPerSec: number; getP99: number; postReqPerSec: number; postP99: number };
}

export async function benchHttp(options: {
  lbUrl: string;
  directUrl: string;
  cookies: string[];
  productIds: number[];
  connections: number;
  durationS: number;
  /** Each case runs as this many segments, nginx and direct alternating A B B A A B: drift hits both alike. */
  segments: number;
  warmupS: number;
}): Promise<HttpResult> {
  // Warm-up, not recorded: every node's JIT and connection pools, through nginx so all three get it.
  progress(`http: warm-up, ${options.warmupS} s of mixed GET/POST through nginx`);
  await runWorker<AutocannonResult>({
    kind: "autocannon",
    url: options.lbUrl,
    connections: options.connections,
    durationS: options.warmupS,
    mix: "mixed",
    cookies: options.cookies,
    productIds: options.productIds,
  });
  const targets = [
    { target: "nginx (3 nodes)" as const, url: options.lbUrl },
    { target: "web-1 direct" as const, url: options.directUrl },
  ];
  const segmentS = options.durationS / options.segments;
  const cases: HttpCase[] = [];
  for (const { request, mix } of [
    { request: "GET /api/cart" as const, mix: "get" },
    { request: "POST /api/cart/items" as const, mix: "post" },
  ]) {
    const runs = targets.map(() => [] as (AutocannonResult & { okLatencySamples: number[] })[]);
    for (let segment = 0; segment < options.segments; segment++) {
      const order = segment % 2 === 0 ? [0, 1] : [1, 0];
      for (const t of order) {
        progress(`http: ${request} via ${targets[t].target}, segment ${segment + 1}/${options.segments} (${segmentS} s, ${options.connections} connections)`);
        runs[t].push(
          await runWorker({
            kind: "autocannon",
            url: targets[t].url,
            connections: options.connections,
            durationS: segmentS,
            mix,
            cookies: options.cookies,
            productIds: options.productIds,
            returnSamples: true,
          }),
        );
      }
    }
    targets.forEach(({ target }, t) => {
      const parts = runs[t];
      const seconds = parts.reduce((sum, r) => sum + r.durationS, 0);
      const statusCounts: Record<string, number> = {};
      for (const r of parts) for (const [code, count] of Object.entries(r.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + count;
      const latency = summarize(parts.flatMap((r) => r.okLatencySamples), 2);
      const result: HttpCase = {
        request,
        target,
        reqPerSec: Math.round((parts.reduce((sum, r) => sum + r.completed, 0) / seconds) * 10) / 10,
        latencyMs: { n: latency.n, p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max },
        non2xx: parts.reduce((sum, r) => sum + r.non2xx, 0),
        errors: parts.reduce((sum, r) => sum + r.errors, 0),
        timeouts: parts.reduce((sum, r) => sum + r.timeouts, 0),
        statusCounts,
      };
      progress(
        `http: ${request} via ${target}: ${result.reqPerSec} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
      );
      cases.push(result);
    });
  }
  const find = (request: string, target: string) => cases.find((c) => c.request === request && c.target === target)!;
  const getLb = find("GET /api/cart", "nginx (3 nodes)");
  const getDirect = find("GET /api/cart", "web-1 direct");
  const postLb = find("POST /api/cart/items", "nginx (3 nodes)");
  const postDirect = find("POST /api/cart/items", "web-1 direct");
  return {
    sessions: options.cookies.length,
    connections: options.connections,
    durationS: options.durationS,
    segments: options.segments,
    cases,
    ratios: {
      getReqPerSec: ratio(getLb.reqPerSec, getDirect.reqPerSec),
      getP99: ratio(getLb.latencyMs.p99, getDirect.latencyMs.p99),
      postReqPerSec: ratio(postLb.reqPerSec, postDirect.reqPerSec),
      postP99: ratio(postLb.latencyMs.p99, postDirect.latencyMs.p99),
    },
  };
}

// ---------------------------------------------------------------- part 3

export interface ContentionResult {
  rounds: number;
  concurrency: number;
  targets: string[];
  requests: number;
  ok: number;
  errors: number;
  /** Successful adds per second of burst wall time. */
  okPerSec: number;
  latencyMs: LatencyMs;
  /** Rounds whose final quantity equals their number of 200 responses. */
  consistentRounds: number;
  allConsistent: boolean;
  perRound: { ok: number; errors: number; wallMs: number; finalQuantity: number; consistent: boolean; servedBy: Record<string, number> }[];
}

export async function benchContention(options: {
  webUrls: string[];
  names: string[];
  rounds: number;
  concurrency: number;
  productId: number;
  dbUrl: string;
}): Promise<ContentionResult> {
  progress(`contention: ${options.rounds} rounds of ${options.concurrency} concurrent adds to one session over ${options.names.join(", ")}`);
  const result = await runWorker<{
    rounds: ContentionResult["perRound"];
    latencyMs: LatencyMs;
    cookies: string[];
  }>({ kind: "burst", urls: options.webUrls, rounds: options.rounds, concurrency: options.concurrency, productId: options.productId });
  await destroySessions(options.dbUrl, result.cookies);
  const ok = result.rounds.reduce((sum, r) => sum + r.ok, 0);
  const requests = options.rounds * options.concurrency;
  const wall = result.rounds.reduce((sum, r) => sum + r.wallMs, 0) / 1000;
  const consistentRounds = result.rounds.filter((r) => r.consistent).length;
  return {
    rounds: options.rounds,
    concurrency: options.concurrency,
    targets: options.names,
    requests,
    ok,
    errors: requests - ok,
    okPerSec: Math.round((ok / wall) * 10) / 10,
    latencyMs: result.latencyMs,
    consistentRounds,
    allConsistent: consistentRounds === options.rounds,
    perRound: result.rounds.map(({ ok, errors, wallMs, finalQuantity, consistent, servedBy }) => ({ ok, errors, wallMs, finalQuantity, consistent, servedBy })),
  };
}

// ---------------------------------------------------------------- part 4

export interface FailoverEvent {
  node: string;
  action: "kill" | "start";
  /** Seconds after the load began when it took effect (a restart: when the node was healthy again). */
  atS: number;
  plannedAtS?: number;
  tookS: number;
}

export interface FailoverResult {
  durationS: number;
  rate: number;
  connections: number;
  sessions: number;
  mix: string;
  events: FailoverEvent[];
  /** Killed nodes found running again before the bench restarted them (another user of the cluster). */
  restartedByOthers: string[];
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  latencyMs: LatencyMs;
  longestGapMs: number;
  longestGapEndsAtS: number;
  maxLatencyMs: number;
  perSecond: PerSecond[];
}

export async function benchFailover(options: {
  lbUrl: string;
  cookies: string[];
  productIds: number[];
  durationS: number;
  rate: number;
  connections: number;
  kills: { node: string; atS: number }[];
}): Promise<FailoverResult> {
  progress(
    `failover: ${options.rate} req/s (GET/POST mixed) through nginx for ${options.durationS} s; ${options.kills.map((k) => `kill ${k.node} at ${k.atS} s`).join(", ")}`,
  );
  const events: FailoverEvent[] = [];
  let startedAt = 0;
  let killing: Promise<void> = Promise.resolve();
  const load = runWorker<AutocannonResult>(
    {
      kind: "autocannon",
      url: options.lbUrl,
      connections: options.connections,
      overallRate: options.rate,
      durationS: options.durationS,
      mix: "mixed",
      cookies: options.cookies,
      productIds: options.productIds,
      progressEveryS: 10,
    },
    (at) => {
      startedAt = at;
      killing = (async () => {
        for (const kill of options.kills) {
          const wait = startedAt + kill.atS * 1000 - Date.now();
          if (wait > 0) await sleep(wait);
          const t = Date.now();
          await killNode(kill.node, benchLogger);
          // The kill lands at the end of killNode (after any wait for the cluster lock).
          events.push({ node: kill.node, action: "kill", atS: round1((Date.now() - startedAt) / 1000), plannedAtS: kill.atS, tookS: round1((Date.now() - t) / 1000) });
        }
      })();
    },
  );
  const result = await load;
  await killing;
  // Someone else (a test run sharing the cluster) may have started a killed node during the window.
  const status = await clusterStatus();
  const restartedByOthers = options.kills.map((k) => k.node).filter((name) => status.find((s) => s.name === name)?.pid);
  if (restartedByOthers.length > 0) progress(`failover: WARNING: ${restartedByOthers.join(", ")} running again before the bench restarted it: the run was disturbed`);
  // Heal in dependency order: the database node first (it rejoins by IST), then the web node.
  for (const kill of [...options.kills].sort((a, b) => (a.node.startsWith("db") ? -1 : b.node.startsWith("db") ? 1 : 0))) {
    const t = Date.now();
    progress(`failover: starting ${kill.node} again`);
    await startNode(kill.node, benchLogger);
    events.push({ node: kill.node, action: "start", atS: round1((Date.now() - startedAt) / 1000), tookS: round1((Date.now() - t) / 1000) });
  }
  const maxLatencyMs = Math.max(0, ...result.perSecond.map((s) => s.maxMs ?? 0));
  progress(
    `failover: ${result.completed} completed, ${result.non2xx} non-2xx, ${result.errors} errors, longest gap ${result.longestGapMs} ms, max latency ${maxLatencyMs} ms`,
  );
  return {
    durationS: result.durationS,
    rate: options.rate,
    connections: options.connections,
    sessions: options.cookies.length,
    mix: "50% GET /api/cart, 50% POST /api/cart/items (with Idempotency-Key)",
    events,
    restartedByOthers,
    completed: result.completed,
    ok: result.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts: result.statusCounts,
    latencyMs: result.latencyMs,
    longestGapMs: result.longestGapMs,
    longestGapEndsAtS: result.longestGapEndsAtS,
    maxLatencyMs,
    perSecond: result.perSecond,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
