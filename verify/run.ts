// `npm run verify [-- --quick] [--seed N] [--schedule quick|full] [--clients N] [--out DIR] [--no-control]`
//
// Brings the local cluster up if needed, runs the naive writer as the
// checker's control, then the workload (verify/workload.ts) through nginx
// while the nemesis (verify/nemesis.ts) injects the schedule's faults; heals
// everything, reads every client's final cart and every user's orders,
// checks the history (verify/checker.ts) and writes history.jsonl,
// summary.json, summary.md and timeline.svg. Exit code 1 on any anomaly, on a
// control the checker failed to flag, or when the cluster did not heal.
// Whatever happens (errors, Ctrl-C), the cluster is left healthy.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { clusterStatus, clusterUp, consoleLogger, readClusterState } from "../cluster/index";
import { repoRoot } from "../cluster/layout";
import { checkHistory } from "./checker";
import { foldHistory } from "./history";
import { runNaiveWriter } from "./naive-writer";
import { buildSchedule, fakeTimeLibrary, heal, Nemesis, waitHealthy } from "./nemesis";
import { Recorder } from "./recorder";
import { renderMarkdown, renderTimeline, summarize, type RunInfo } from "./report";
import { Client, DEMO_USERS, type WorkloadContext } from "./workload";

const log = consoleLogger;
const say = (message: string) => process.stderr.write(`[verify] ${message}\n`);

function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    return index === -1 ? undefined : argv[index + 1];
  };
  const quick = argv.includes("--quick");
  const schedule = value("--schedule") ?? (quick ? "quick" : "full");
  const seed = value("--seed") !== undefined ? Number(value("--seed")) : Math.floor(Math.random() * 1_000_000);
  const clients = Number(value("--clients") ?? 10);
  if (!Number.isInteger(seed) || seed < 0) throw new Error("verify: --seed must be a non-negative integer");
  if (!Number.isInteger(clients) || clients < 8 || clients > 64) throw new Error("verify: --clients must be 8 to 64");
  return { schedule, seed, clients, out: value("--out"), control: !argv.includes("--no-control") };
}

async function ensureCluster(): Promise<void> {
  const state = readClusterState();
  if (state) {
    const nodes = await clusterStatus();
    if (nodes.length > 0 && nodes.every((node) => node.up)) return;
    say("the cluster is not fully up: healing it first");
    if (await heal(log)) return;
  }
  await clusterUp({}, log);
}

async function products(baseUrl: string): Promise<number[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const response = await fetch(new URL("/api/products", baseUrl), { signal: AbortSignal.timeout(5000) });
      if (response.ok) return ((await response.json()) as { id: number }[]).map((product) => product.id).slice(0, 6);
    } catch {
      // The shop is still starting: try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error("verify: GET /api/products did not answer");
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  const full = args.schedule !== "quick";
  const outDir = args.out ?? (full ? join(repoRoot, "verify", "results", stamp) : join(repoRoot, "test-results", "verify", stamp));
  mkdirSync(outDir, { recursive: true });
  const command = `npm run verify -- --schedule ${args.schedule} --seed ${args.seed} --clients ${args.clients}`;
  say(`${args.schedule} schedule, seed ${args.seed}, ${args.clients} clients; results in ${outDir}`);
  say(`replay with: ${command}`);
  if (!fakeTimeLibrary()) throw new Error("verify: libfaketime is missing (apt-get install faketime)");

  await ensureCluster();
  const state = readClusterState()!;
  const schedule = buildSchedule(args.schedule, args.seed, state.web.map((node) => node.name), state.db.map((node) => node.name));

  const historyFile = join(outDir, "history.jsonl");
  const recorder = new Recorder(historyFile);
  const nemesis = new Nemesis(recorder, log);
  let aborted = false;
  const onSignal = (name: string) => {
    if (aborted) process.exit(130);
    aborted = true;
    say(`${name}: stopping the workload and healing the cluster (again to exit at once)`);
    nemesis.stop();
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  let control: RunInfo["control"] = null;
  let healthyAfter = false;
  let workloadS = 0;
  try {
    if (args.control) {
      say("control: the naive read-modify-write writer against the database ...");
      const naive = await runNaiveWriter({ urls: state.db.map((node) => node.url) });
      control = { ops: naive.adds, lostUpdates: naive.lostUpdates, flagged: naive.lostUpdates > 0 };
      writeFileSync(join(outDir, "control-history.jsonl"), naive.events.map((event) => JSON.stringify(event)).join("\n") + "\n");
      say(`control: ${naive.adds} naive adds, checker flagged ${naive.lostUpdates} lost update(s)`);
    }

    const ctx: WorkloadContext = {
      baseUrl: state.lbUrl,
      products: await products(state.lbUrl),
      recorder,
      salt: randomBytes(16).toString("hex"),
      runTag: `${args.seed.toString(36)}${Date.now().toString(36).slice(-4)}`,
    };
    recorder.record({ type: "meta", schedule: args.schedule, seed: args.seed, clients: args.clients, products: ctx.products, startedAt: startedAt.toISOString() });
    const auditor = new Client("auditor", args.seed + 9999, ctx);
    for (const user of DEMO_USERS) recorder.record({ type: "orders", phase: "baseline", user, orders: await auditor.listOrders(user, Date.now() + 60_000) });

    const clients = Array.from({ length: args.clients }, (_, i) => new Client(`c${i + 1}`, args.seed * 100 + i, ctx));
    const workloadStart = Date.now();
    let stopping = false;
    const loops = clients.map(async (client) => {
      await client.begin();
      while (!stopping) await client.step();
    });
    const faults = nemesis.run(schedule, workloadStart).catch((error: unknown) => {
      say(`nemesis failed: ${(error as Error).message}`);
      throw error;
    });
    let faultsDone = false;
    let faultError: unknown = null;
    faults.then(() => (faultsDone = true), (error: unknown) => ((faultsDone = true), (faultError = error)));
    const invoked = () => recorder.opsStarted;
    let lastReport = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const elapsed = (Date.now() - workloadStart) / 1000;
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(`${Math.round(elapsed)} s: ${invoked()} operations`);
      }
      if (aborted || faultError) break;
      if (elapsed >= schedule.maxWorkloadS) break;
      if (faultsDone && elapsed >= schedule.minWorkloadS && invoked() >= schedule.minOps) break;
    }
    stopping = true;
    nemesis.stop();
    await Promise.allSettled([faults, ...loops]);
    workloadS = Math.round((Date.now() - workloadStart) / 1000);
    say(`workload stopped after ${workloadS} s and ${invoked()} operations; healing`);
    healthyAfter = await heal(log);

    const deadline = Date.now() + 90_000;
    await Promise.all(
      clients.map(async (client) => {
        const sid = client.fingerprintOfSid();
        const final = await client.finalRead(deadline);
        recorder.record({ type: "final", client: client.name, sid, ...final });
      }),
    );
    for (const user of DEMO_USERS) recorder.record({ type: "orders", phase: "final", user, orders: await auditor.listOrders(user, deadline) });
    if (faultError) throw faultError;
  } finally {
    nemesis.stop();
    if (!healthyAfter) healthyAfter = await heal(log).catch((error: unknown) => (say(`heal failed: ${(error as Error).message}`), false));
    await recorder.close();
  }

  const history = foldHistory(recorder.events);
  const result = checkHistory(history);
  const run: RunInfo = {
    schedule: args.schedule,
    seed: args.seed,
    clients: args.clients,
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    workloadS,
    command,
    control,
    healthyAfter: healthyAfter && (await waitHealthy(5000)),
  };
  const summary = summarize(history, result, run);
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(outDir, "summary.md"), renderMarkdown(summary));
  writeFileSync(join(outDir, "timeline.svg"), renderTimeline(history, `verify ${args.schedule}, seed ${args.seed}: ${summary.operations.total} operations, ${result.anomalies.length} anomalies`));
  if (statSync(historyFile).size > 5 * 1024 * 1024) {
    writeFileSync(`${historyFile}.gz`, gzipSync(readFileSync(historyFile)));
    rmSync(historyFile);
  }
  if (full && !args.out) {
    const latest = join(repoRoot, "verify", "results", "latest");
    rmSync(latest, { recursive: true, force: true });
    cpSync(outDir, latest, { recursive: true });
  }

  const o = summary.operations;
  say(`${o.total} operations (${o.ok} ok, ${o.fail} fail, ${o.unknown} unknown), faults: ${summary.faultKinds.join(", ") || "none"}`);
  for (const [kind, count] of Object.entries(summary.anomalies.byKind)) if (count > 0) say(`  ${kind}: ${count}`);
  for (const anomaly of result.anomalies.slice(0, 15)) say(`  ${anomaly.kind} ${anomaly.client ?? ""} ops [${anomaly.ops.join(",")}]: ${anomaly.message}`);
  say(`${result.anomalies.length} anomalies; control ${control ? (control.flagged ? "flagged" : "NOT FLAGGED") : "skipped"}; cluster healthy afterwards: ${run.healthyAfter ? "yes" : "no"}`);
  say(`summary: ${join(outDir, "summary.md")}`);
  const missingKinds = schedule.steps.map((step) => step.kind).filter((kind) => !summary.faultKinds.includes(kind));
  if (missingKinds.length > 0 && !aborted) say(`faults that did not run: ${[...new Set(missingKinds)].join(", ")}`);
  return result.anomalies.length === 0 && (control === null || control.flagged) && run.healthyAfter && !aborted ? 0 : 1;
}

let finished = false;
// A run whose every pending promise lost its handles would otherwise end quietly with code 0.
process.on("beforeExit", () => {
  if (finished) return;
  say("failed: the run stalled (nothing left to wait for)");
  process.exit(1);
});

main().then(
  (code) => {
    finished = true;
    process.exit(code);
  },
  async (error: unknown) => {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    await heal(log).catch(() => false);
    finished = true;
    process.exit(1);
  },
);
