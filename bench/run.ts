// `npm run bench`: the benchmark of issue 8 in one run, side by side.
//
//   npm run bench                      full run (< 10 min): brings the cluster up if needed
//   npm run bench -- --quick           short durations, 20k rows instead of 1M (development)
//   npm run bench -- --only http,sweep                              the HTTP phases only
//   npm run bench -- --only store,growth --db-url mariadb://…   database phases against any server
//   npm run bench -- --only growth --gc-order random               GC in random key order (slow, realistic)
//   npm run bench -- --render bench/results/<timestamp>.json       rebuild its charts and summary
//
// Phases: store (store vs raw driver vs Prisma), http (four hot requests:
// nginx vs one node vs the floor server vs the PHP seed design, wrk), sweep (16 → 2,000 connections
// through nginx), contention (same-session adds over all nodes), failover (kill web-2 and db-2
// under load), growth (1k vs 1M rows, GC of 1M expired rows). Writes
// bench/results/<timestamp>.{json,md} and <timestamp>/*.svg; a full run also
// refreshes bench/results/latest.{json,md} and latest/*.svg.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { clusterStatus, clusterUp, type ClusterState, type Logger } from "../cluster/index";
import { benchDeploy, type DeployUnderLoadResult } from "./deploy";
import { benchGrowth, countBenchRows, type GrowthResult } from "./growth";
import { localDbUrl } from "../cluster/galera";
import { paths } from "../cluster/layout";
import { benchSweep, type SweepResult } from "./sweep";
import { cookieFile, ensureWrk } from "./wrk";
import {
  benchContention,
  benchFailover,
  benchHttp,
  createCartSessions,
  startFloor,
  destroySessions,
  productIds,
  type ContentionResult,
  type FailoverResult,
  type HttpResult,
} from "./http";
import { describeMachine, type MachineInfo } from "./lib/machine";
import { ensurePhp, startPhpSeed } from "./php-seed";
import { progress, sleep } from "./lib/progress";
import { redactUrl } from "./lib/sql";
import { summary, writeReport } from "./write-report";
import { benchStoreVsRaw, type StoreVsRawResult } from "./store-vs-raw";

export type Phase<T> = { ok: true; value: T; seconds: number } | { ok: false; error?: string; skipped?: true; seconds?: number };

export interface BenchResults {
  version: 1;
  mode: "full" | "quick";
  startedAt: string;
  finishedAt: string;
  durationS: number;
  jsonFile: string;
  machine: MachineInfo;
  database: string;
  cluster: { web: number; db: number; galera: boolean; lbUrl: string } | null;
  settings: Settings;
  phases: {
    store: Phase<StoreVsRawResult>;
    http: Phase<HttpResult>;
    sweep: Phase<SweepResult>;
    contention: Phase<ContentionResult>;
    failover: Phase<FailoverResult>;
    deploy: Phase<DeployUnderLoadResult>;
    growth: Phase<GrowthResult>;
  };
}

const PHASES = ["store", "http", "sweep", "contention", "failover", "deploy", "growth"] as const;
type PhaseName = (typeof PHASES)[number];

const FULL = {
  store: { ops: 2000, warmup: 200 },
  // The issue's load shape: wrk, 1 thread, 16 connections, 10 s, 200 sessions; the API requests in 3 rounds.
  http: { sessions: 200, connections: 16, durationS: 10, warmupS: 2, rounds: 3 },
  sweep: { steps: [16, 250, 500, 1000, 1500, 2000], durationS: 15, arrivalS: 8 },
  contention: { rounds: 20, concurrency: 16 },
  failover: { durationS: 60, rate: 100, connections: 32, kills: [{ node: "web-2", atS: 20 }, { node: "db-2", atS: 40 }] },
  deploy: { durationS: 240, rate: 100, connections: 32, deployAtS: 5 },
  growth: { largeRows: 1_000_000, smallRows: 1000, readOps: 2000, liveSessions: 200, gcOrder: "key" as "key" | "random", settleMaxS: 60 },
};
const QUICK: Settings = {
  store: { ops: 300, warmup: 50 },
  http: { sessions: 200, connections: 16, durationS: 3, warmupS: 1, rounds: 1 },
  sweep: { steps: [16, 250, 1000, 2000], durationS: 4, arrivalS: 3 },
  contention: { rounds: 5, concurrency: 16 },
  failover: { durationS: 15, rate: 100, connections: 32, kills: [{ node: "web-2", atS: 5 }, { node: "db-2", atS: 10 }] },
  deploy: { durationS: 240, rate: 100, connections: 32, deployAtS: 5 },
  growth: { largeRows: 20_000, smallRows: 1000, readOps: 500, liveSessions: 200, gcOrder: "key", settleMaxS: 20 },
};
type Settings = typeof FULL;

const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
const benchLogger: Logger = { info: (m) => progress(`cluster: ${m}`), warn: (m) => progress(`cluster: warning: ${m}`) };

function parseArgs(argv: string[]) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value("--only")?.split(",").map((s) => s.trim()) ?? [...PHASES];
  for (const name of only) if (!PHASES.includes(name as PhaseName)) throw new Error(`unknown phase "${name}"; phases: ${PHASES.join(", ")}`);
  const gcOrder = (value("--gc-order") ?? "key") as "key" | "random";
  if (gcOrder !== "key" && gcOrder !== "random") throw new Error(`--gc-order is key or random (got ${gcOrder})`);
  return { quick: argv.includes("--quick"), only: new Set(only as PhaseName[]), dbUrl: value("--db-url"), gcOrder };
}

/** All nodes up and every Galera node synced in a full cluster; otherwise `up` heals it. */
async function ensureHealthy(state: ClusterState): Promise<ClusterState> {
  for (let attempt = 0; attempt < 15; attempt++) {
    const status = await clusterStatus();
    const bad = status.filter((s) => !s.up || (s.galera && (s.galera.localState !== "Synced" || s.galera.clusterSize !== state.db.length)));
    if (bad.length === 0) return state;
    progress(`cluster not healthy (${bad.map((s) => `${s.name}: ${s.detail}`).join("; ")}); waiting`);
    await sleep(2000);
    if (attempt === 4) state = await clusterUp({}, benchLogger);
  }
  throw new Error("the cluster did not become healthy; see `npm run cluster -- status`");
}

async function phase<T>(name: PhaseName, selected: Set<PhaseName>, run: () => Promise<T>): Promise<Phase<T>> {
  if (!selected.has(name)) return { ok: false, skipped: true };
  const started = Date.now();
  progress(`=== ${name} ===`);
  try {
    const value = await run();
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    progress(`=== ${name}: done in ${seconds} s ===`);
    return { ok: true, value, seconds };
  } catch (error) {
    progress(`=== ${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error: error instanceof Error ? error.message : String(error), seconds: Math.round((Date.now() - started) / 1000) };
  }
}

/** `--render <results.json>`: rebuild the charts and summary of an earlier run (after changing report.ts). */
function render(file: string): void {
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  const stamp = basename(file, ".json");
  const { charts } = writeReport(results, dirname(file), stamp);
  progress(`rendered ${charts} charts in ${join(dirname(file), stamp)} and ${stamp}.md`);
}

async function main() {
  const renderIndex = process.argv.indexOf("--render");
  if (renderIndex >= 0) return render(process.argv[renderIndex + 1]);
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? QUICK : FULL;
  const settings: Settings = { ...base, growth: { ...base.growth, gcOrder: args.gcOrder } };
  const startedAt = new Date();
  const needsCluster = ["http", "sweep", "contention", "failover", "deploy"].some((p) => args.only.has(p as PhaseName)) || !args.dbUrl;
  let state: ClusterState | null = null;
  if (needsCluster) {
    progress("bringing the cluster up (idempotent)");
    state = await clusterUp({}, benchLogger);
    state = await ensureHealthy(state);
  }
  const dbUrl = args.dbUrl ?? state!.db[0].url;
  const machine = await describeMachine(dbUrl);
  progress(`${args.quick ? "quick" : "full"} run on ${machine.cpuModel}, ${machine.cores} cores, MariaDB ${machine.mariadb}; database ${redactUrl(dbUrl)}`);

  const stamp = startedAt.toISOString().replace(/:/g, "-").replace(/\.\d+Z$/, "Z") + (args.quick ? "-quick" : "");
  const phases = {} as BenchResults["phases"];
  phases.store = await phase("store", args.only, () => benchStoreVsRaw({ url: dbUrl, ...settings.store }));

  let cookies: string[] = [];
  try {
    if (["http", "sweep"].some((p) => args.only.has(p as PhaseName))) ensureWrk();
    const products = state ? await productIds(state.lbUrl) : [];
    if (state && ["sweep", "failover", "deploy"].some((p) => args.only.has(p as PhaseName))) {
      state = await ensureHealthy(state);
      progress(`creating ${settings.http.sessions} sessions through nginx (one add each, so their rows exist)`);
      cookies = await createCartSessions(state.lbUrl, settings.http.sessions, products[0]!);
    }
    phases.http = await phase("http", args.only, async () => {
      state = await ensureHealthy(state!);
      // Over db-1's unix socket when web-1 uses it too, so the floor and the shop pay the same for each statement.
      const floor = await startFloor(state.lb.port + 90, state.db[0] && dbUrl === state.db[0].url ? localDbUrl(state.db[0]) : dbUrl);
      // The seed articles' PHP design beside the shop, on the same Galera nodes (bench/php-seed.ts).
      const phpMissing = ensurePhp();
      if (phpMissing) progress(`http: WARNING: the PHP seed design is not measured: ${phpMissing}`);
      const php = phpMissing ? null : await startPhpSeed({ db: state.db, adminUrl: dbUrl, port: state.lb.port + 91, productId: products[0]! });
      try {
        return await benchHttp({
          lbUrl: state.lbUrl,
          directUrl: state.web[0].url,
          floorUrl: `http://127.0.0.1:${state.lb.port + 90}`,
          php: php ? { url: php.url, design: php.description } : { reason: phpMissing! },
          dbUrl,
          productIds: products,
          ...settings.http,
        });
      } finally {
        floor.kill("SIGTERM");
        await php?.stop().catch((e) => progress(`http: could not stop the PHP seed design: ${String(e)}`));
      }
    });
    phases.sweep = await phase("sweep", args.only, async () => {
      state = await ensureHealthy(state!);
      return benchSweep({ lbUrl: state.lbUrl, cookiesFile: cookieFile(cookies), sessions: cookies.length, nginxErrorLog: paths.logFile("lb"), ...settings.sweep });
    });
    phases.contention = await phase("contention", args.only, async () => {
      state = await ensureHealthy(state!);
      return benchContention({
        webUrls: state.web.map((w) => w.url),
        names: state.web.map((w) => w.name),
        productId: products[0],
        dbUrl,
        ...settings.contention,
      });
    });
    phases.failover = await phase("failover", args.only, async () => {
      state = await ensureHealthy(state!);
      return benchFailover({ lbUrl: state.lbUrl, cookies, productIds: products, ...settings.failover });
    });
    phases.deploy = await phase("deploy", args.only, async () => {
      state = await ensureHealthy(state!);
      return benchDeploy({ lbUrl: state.lbUrl, cookies, productIds: products, ...settings.deploy });
    });
  } finally {
    if (cookies.length > 0) await destroySessions(dbUrl, cookies).catch((e) => progress(`could not destroy bench sessions: ${String(e)}`));
  }
  phases.growth = await phase("growth", args.only, async () => {
    if (state) state = await ensureHealthy(state);
    const result = await benchGrowth({ url: dbUrl, allUrls: state ? state.db.map((d) => d.url) : [dbUrl], ...settings.growth });
    result.leftoverBenchRows = await countBenchRows(dbUrl);
    return result;
  });

  const finishedAt = new Date();
  const results: BenchResults = {
    version: 1,
    mode: args.quick ? "quick" : "full",
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationS: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    jsonFile: `${stamp}.json`,
    machine,
    database: redactUrl(dbUrl),
    cluster: state ? { web: state.web.length, db: state.db.length, galera: state.galera, lbUrl: state.lbUrl } : null,
    settings,
    phases,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const { report, charts } = writeReport(results, resultsDir, stamp);
  const disturbed = phases.failover.ok && phases.failover.value.restartedByOthers.length > 0;
  if (disturbed) progress("the failover phase was disturbed by another user of the cluster: latest/ is left as it was; rerun");
  const complete = PHASES.every((p) => phases[p].ok) && !disturbed;
  if (!args.quick && complete && args.only.size === PHASES.length && args.gcOrder === "key") {
    rmSync(join(resultsDir, "latest"), { recursive: true, force: true });
    mkdirSync(join(resultsDir, "latest"), { recursive: true });
    for (const file of readdirSync(join(resultsDir, stamp))) copyFileSync(join(resultsDir, stamp, file), join(resultsDir, "latest", file));
    copyFileSync(join(resultsDir, `${stamp}.json`), join(resultsDir, "latest.json"));
    writeFileSync(join(resultsDir, "latest.md"), summary(results, report, "latest"));
    progress("updated bench/results/latest.{json,md} and latest/*.svg");
  }
  process.stdout.write(`\n${summary(results, report, stamp)}\n`);
  progress(`wrote bench/results/${stamp}.json, ${stamp}.md and ${charts} charts in ${stamp}/`);
  const failed = PHASES.filter((p) => !phases[p].ok && !phases[p].skipped);
  if (failed.length > 0) {
    progress(`failed phases: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
