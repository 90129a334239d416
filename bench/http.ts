// Parts 2-4: HTTP through the running cluster. The load itself always comes
// from bench/load-worker.mjs in a child process (autocannon, or fetch bursts);
// this module prepares sessions, starts the worker, breaks and heals nodes on
// schedule, and turns the worker's figures into results.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Database } from "@/lib/db/database";
import { sessionKey } from "@shopcluster/session-store";
import { clusterStatus, killNode, startNode, type Logger } from "../cluster/index";
import { progress, sleep } from "./lib/progress";
import { ratio } from "./lib/stats";
import { cookieFile, runWrk, socketErrorCount, type WrkRun } from "./wrk";

const WORKER = fileURLToPath(new URL("./load-worker.mjs", import.meta.url));
const FLOOR = fileURLToPath(new URL("./floor-server.mjs", import.meta.url));

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

/**
 * `n` sessions whose rows exist, each with one cart line: made by one add
 * (POST /api/cart/items without a cookie), as a shopper's first click does.
 * Returns their `sid=…` cookies.
 */
export async function createCartSessions(baseUrl: string, n: number, productId: number, parallel = 8): Promise<string[]> {
  const cookies: string[] = [];
  let made = 0;
  const next = async () => {
    while (made < n) {
      made++;
      const response = await fetch(`${baseUrl}/api/cart/items`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `bench-create-${process.pid}-${made}-${Date.now()}` },
        body: JSON.stringify({ productId, quantity: 1 }),
      });
      await response.arrayBuffer();
      const cookie = response.headers.getSetCookie().map((line) => /^((?:__Host-)?sid=[^;]+)/.exec(line)?.[1]).find(Boolean);
      if (response.status !== 200 || !cookie) throw new Error(`POST /api/cart/items: ${response.status}, no session cookie`);
      cookies.push(cookie);
    }
  };
  await Promise.all(Array.from({ length: parallel }, next));
  return cookies;
}

/** `n` sessions of the floor server (its own rows, one cart line each). */
export async function createFloorSessions(floorUrl: string, n: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${floorUrl}/floor/sessions`, { method: "POST" });
    await response.arrayBuffer();
    const cookie = /^(sid=[^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
    if (response.status !== 200 || !cookie) throw new Error(`floor: POST /floor/sessions: ${response.status}`);
    cookies.push(cookie);
  }
  return cookies;
}

/** Removes the floor server's rows. */
export async function deleteFloorRows(dbUrl: string): Promise<void> {
  const db = new Database({ urls: [dbUrl], poolSize: 1 });
  try {
    await db.query("DELETE FROM php_session WHERE last_node = 'bench-floor'");
  } finally {
    await db.end();
  }
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

export const HTTP_REQUESTS = [
  { request: "GET /api/cart", path: "/api/cart", mode: "get", php: true },
  { request: "POST /api/cart/items", path: "/api/cart/items", mode: "add", php: true },
  { request: "GET /", path: "/", mode: "get", php: false },
  { request: "GET /cart", path: "/cart", mode: "get", php: false },
] as const;
export type RequestName = (typeof HTTP_REQUESTS)[number]["request"];
export const PHP_TARGET = "PHP seed (3 pools)";
export const TARGETS = ["nginx (3 nodes)", "web-1 direct", "floor", PHP_TARGET] as const;
export type TargetName = (typeof TARGETS)[number];

/** The seed design's figures quoted in issue 14 (php-fpm behind nginx on its own 3-node Galera, same load), measured then. */
export const PHP_ISSUE_FIGURES = {
  source: "issue 14: php-fpm + SELECT … FOR UPDATE / INSERT … ON DUPLICATE KEY UPDATE, nginx over 3 pools, own 3-node Galera, same machine and load; measured when the issue was filed",
  reqPerSec: { "GET /api/cart": 1134, "POST /api/cart/items": 874 } as Partial<Record<RequestName, number>>,
};

export interface HttpCase {
  request: RequestName;
  target: TargetName;
  reqPerSec: number;
  requests: number;
  durationS: number;
  latencyMs: WrkRun["latencyMs"];
  non2xx: number;
  socketErrors: number;
  statusCounts: Record<string, number>;
  /** Every round's req/s, in the order run; the case's own figures are its median round's. */
  roundsReqPerSec?: number[];
}

export interface HttpResult {
  tool: string;
  threads: number;
  connections: number;
  durationS: number;
  warmupS: number;
  sessions: number;
  /** Rounds of the requests PHP is measured on (the pages get one); each target's figures are its median round. */
  rounds?: number;
  floor: string;
  /** The PHP seed design as this run measured it (bench/php-seed.ts), or why it was not run. */
  php: { measured: true; design: string } | { measured: false; reason: string };
  phpIssue: typeof PHP_ISSUE_FIGURES;
  cases: HttpCase[];
  /**
   * Per request, throughput ratios: nginx / direct, nginx / floor, direct / floor, nginx / the PHP
   * seed measured in this run, and nginx / the issue's PHP figure (null where there is none).
   */
  ratios: Record<
    RequestName,
    { nginxVsDirect: number; nginxVsFloor: number; directVsFloor: number; nginxVsPhp: number | null; nginxVsPhpIssue: number | null }
  >;
}

/** Starts bench/floor-server.mjs on `port` against `dbUrl`; resolves once it listens. */
export async function startFloor(port: number, dbUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FLOOR, "--port", String(port), "--db-url", dbUrl, "--pool", "16"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`floor server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => line.startsWith("listening") && resolve());
  });
  return child;
}

/**
 * The four hot requests, each through nginx, on web-1 direct and on the
 * floor, and the two API requests on the PHP seed design too, with wrk (1
 * thread, 16 connections, `durationS` each) and 200 sessions per case;
 * targets in a rotating order so drift spreads over all. The two API
 * requests run `rounds` times, each round in the next rotation, and each
 * target's figures are its median round: this machine drifts by ±25 % within
 * minutes, and the case run last in a fixed order paid for the others'
 * aftermath. Reads share one set of sessions per design (one cart line each);
 * every add case gets its own fresh set, so adds start from the same state
 * and stay within limits.
 */
export async function benchHttp(options: {
  lbUrl: string;
  directUrl: string;
  floorUrl: string;
  /** The PHP seed design's nginx (bench/php-seed.ts), or why it is not running. */
  php: { url: string; design: string } | { reason: string };
  dbUrl: string;
  productIds: number[];
  sessions: number;
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
}): Promise<HttpResult> {
  const php = "url" in options.php ? options.php : null;
  const apiRounds = Math.max(1, options.rounds);
  const urls: Record<TargetName, string> = {
    "nginx (3 nodes)": options.lbUrl,
    "web-1 direct": options.directUrl,
    floor: options.floorUrl,
    [PHP_TARGET]: php?.url ?? "",
  };
  const shopCookies: string[] = [];
  const makeShop = async () => {
    const made = await createCartSessions(options.lbUrl, options.sessions, options.productIds[0]!);
    shopCookies.push(...made);
    return cookieFile(made);
  };
  const makeFloor = async () => cookieFile(await createFloorSessions(options.floorUrl, options.sessions));
  // The PHP design's sessions are made as the shop's are, one add without a cookie each, but one at a
  // time: two new sessions' SELECT … FOR UPDATE lock the same gap, and their INSERTs then deadlock (1213).
  // Its rows go with its table.
  const makePhp = async () => cookieFile(await createCartSessions(php!.url, options.sessions, options.productIds[0]!, 1));
  const cases: HttpCase[] = [];
  try {
    progress(`http: creating ${options.sessions} sessions each for the shop, the floor${php ? " and the PHP seed design" : ""}`);
    const readFiles: Record<TargetName, string> = { "nginx (3 nodes)": "", "web-1 direct": "", floor: await makeFloor(), [PHP_TARGET]: php ? await makePhp() : "" };
    readFiles["nginx (3 nodes)"] = readFiles["web-1 direct"] = await makeShop();
    for (const [ri, spec] of HTTP_REQUESTS.entries()) {
      const targets = TARGETS.filter((target) => target !== PHP_TARGET || (php && spec.php));
      const rounds = spec.php ? apiRounds : 1;
      const runs = new Map<TargetName, HttpCase[]>(targets.map((target) => [target, []]));
      for (let round = 0; round < rounds; round++) {
        const order = targets.map((_, i) => targets[(i + ri + round) % targets.length]!);
        for (const target of order) {
          const fresh = target === "floor" ? makeFloor : target === PHP_TARGET ? makePhp : makeShop;
          const cookiesFile = spec.mode === "add" ? await fresh() : readFiles[target];
          const common = { baseUrl: urls[target], path: spec.path, mode: spec.mode, cookiesFile, productIds: options.productIds, threads: 1, connections: options.connections };
          if (options.warmupS > 0) await runWrk({ ...common, durationS: options.warmupS });
          const run = await runWrk({ ...common, durationS: options.durationS });
          const result: HttpCase = {
            request: spec.request,
            target,
            reqPerSec: run.reqPerSec,
            requests: run.requests,
            durationS: run.durationS,
            latencyMs: run.latencyMs,
            non2xx: run.non2xx,
            socketErrors: socketErrorCount(run),
            statusCounts: run.statusCounts,
          };
          progress(
            `http: ${spec.request} via ${target}${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ""}: ${result.reqPerSec} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`,
          );
          runs.get(target)!.push(result);
        }
      }
      for (const target of targets) cases.push(medianCase(runs.get(target)!));
    }
  } finally {
    await destroySessions(options.dbUrl, shopCookies).catch((e) => progress(`http: could not destroy bench sessions: ${String(e)}`));
    await deleteFloorRows(options.dbUrl).catch((e) => progress(`http: could not delete floor rows: ${String(e)}`));
  }
  const find = (request: RequestName, target: TargetName) => cases.find((c) => c.request === request && c.target === target);
  const ratios = {} as HttpResult["ratios"];
  for (const { request } of HTTP_REQUESTS) {
    const lb = find(request, "nginx (3 nodes)")!.reqPerSec;
    const direct = find(request, "web-1 direct")!.reqPerSec;
    const floor = find(request, "floor")!.reqPerSec;
    const phpRun = find(request, PHP_TARGET)?.reqPerSec;
    const phpIssue = PHP_ISSUE_FIGURES.reqPerSec[request];
    ratios[request] = {
      nginxVsDirect: ratio(lb, direct),
      nginxVsFloor: ratio(lb, floor),
      directVsFloor: ratio(direct, floor),
      nginxVsPhp: phpRun ? ratio(lb, phpRun) : null,
      nginxVsPhpIssue: phpIssue ? ratio(lb, phpIssue) : null,
    };
  }
  return {
    tool: "wrk (Debian package), bench/wrk/rotate.lua",
    threads: 1,
    connections: options.connections,
    durationS: options.durationS,
    warmupS: options.warmupS,
    sessions: options.sessions,
    rounds: apiRounds,
    floor: "bench/floor-server.mjs: node:http + mariadb driver, one process, pool of 16, on db-1 over its unix socket (as web-1)",
    php: php ? { measured: true, design: php.design } : { measured: false, reason: (options.php as { reason: string }).reason },
    phpIssue: PHP_ISSUE_FIGURES,
    cases,
    ratios,
  };
}

/**
 * One case from its rounds: the median round by req/s (the lower middle of an
 * even count), with every round's req/s beside it; errors are the sum of all
 * rounds, so a non-2xx in any round shows.
 */
export function medianCase(rounds: HttpCase[]): HttpCase {
  if (rounds.length === 0) throw new Error("medianCase: no rounds");
  if (rounds.length === 1) return rounds[0]!;
  const sorted = [...rounds].sort((a, b) => a.reqPerSec - b.reqPerSec);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const statusCounts: Record<string, number> = {};
  for (const run of rounds) for (const [status, count] of Object.entries(run.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + count;
  return {
    ...median,
    non2xx: rounds.reduce((sum, run) => sum + run.non2xx, 0),
    socketErrors: rounds.reduce((sum, run) => sum + run.socketErrors, 0),
    statusCounts,
    roundsReqPerSec: rounds.map((run) => run.reqPerSec),
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
