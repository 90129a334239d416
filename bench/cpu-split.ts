// Where a request's CPU goes, per process (web nodes, nginx, Galera, wrk):
// the tool behind docs/benchmarks.md's "CPU per request" figures.
//   npx tsx bench/cpu-split.ts [--request cart|add] [--duration 8] [--cases nginx16,direct16,direct5,direct3x5]
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { readClusterState } from "../cluster/index";
import { createCartSessions, productIds } from "./http";
import { cookieFile, ensureWrk, runWrk } from "./wrk";

/** CPU time (user + system) a process has used, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
function sysMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[12]) * 1000) / 100;
}
function switches(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
    total += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]);
  }
  return total;
}

const argv = process.argv.slice(2);
const value = (flag: string, fallback: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1]! : fallback;
};

function children(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
function machine(): { busy: number; idle: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  return { busy: ((f.reduce((a, b) => a + b, 0) - idle) * 1000) / 100, idle: (idle * 1000) / 100 };
}
const safeCpu = (pid: number) => { try { return cpuMs(pid); } catch { return 0; } };

async function main() {
  ensureWrk();
  const state = readClusterState()!;
  const request = value("--request", "cart");
  const durationS = Number(value("--duration", "8"));
  const cases = value("--cases", "nginx16,direct16,direct5,direct3x5").split(",");
  const ids = await productIds(state.lbUrl);
  const cookies = await createCartSessions(state.lbUrl, 200, ids[0]!);
  const file = cookieFile(cookies);
  const groups: Record<string, number[]> = {
    web: state.web.map((w) => w.pid!).filter(Boolean),
    nginx: [state.lb.pid!, ...children(state.lb.pid!)],
    db: state.db.map((d) => d.pid!).filter(Boolean),
  };
  const path = request === "add" ? "/api/cart/items" : "/api/cart";
  const mode = request === "add" ? "add" : "get";
  for (const name of cases) {
    const targets =
      name === "nginx16" ? [{ url: state.lbUrl, c: 16 }]
      : name === "direct16" ? [{ url: state.web[0]!.url, c: 16 }]
      : name === "direct5" ? [{ url: state.web[0]!.url, c: 5 }]
      : name === "direct3x5" ? state.web.map((w) => ({ url: w.url, c: 5 }))
      : name === "direct3x16" ? state.web.map((w) => ({ url: w.url, c: 16 }))
      : [];
    const before = Object.fromEntries(Object.entries(groups).map(([g, pids]) => [g, pids.map(safeCpu)]));
    const sysBefore = Object.fromEntries(Object.entries(groups).map(([g, pids]) => [g, pids.map(sysMs)]));
    const swBefore = Object.fromEntries(Object.entries(groups).map(([g, pids]) => [g, pids.map(switches)]));
    const m0 = machine();
    const runs = await Promise.all(targets.map((t) => runWrk({ baseUrl: t.url, path, mode, cookiesFile: file, productIds: ids, threads: 1, connections: t.c, durationS })));
    const total = runs.reduce((s, r) => s + r.requests, 0);
    const rps = runs.reduce((s, r) => s + r.reqPerSec, 0);
    const line: string[] = [`${name.padEnd(11)} ${String(Math.round(rps)).padStart(6)} req/s  p99 ${Math.max(...runs.map((r) => r.latencyMs.p99))} ms  non2xx ${runs.reduce((s, r) => s + r.non2xx, 0)}`];
    for (const [g, pids] of Object.entries(groups)) {
      const after = pids.map(safeCpu);
      const per = after.map((a, i) => ((a - before[g]![i]!) / total) * 1000);
      const sys = pids.map((pid, i) => ((sysMs(pid) - sysBefore[g]![i]!) / total) * 1000);
      const sw = pids.map((pid, i) => (switches(pid) - swBefore[g]![i]!) / total);
      line.push(`${g} ${per.map((p) => p.toFixed(0)).join("+")} µs (sys ${sys.map((p) => p.toFixed(0)).join("+")}; cs/req ${sw.map((p) => p.toFixed(1)).join("+")})`);
    }
    const m1 = machine();
    line.push(`machine ${(((m1.busy - m0.busy) / total) * 1000).toFixed(0)} µs busy, idle ${Math.round((100 * (m1.idle - m0.idle)) / (m1.idle - m0.idle + m1.busy - m0.busy))}%`);
    console.log(line.join(" | "));
  }
}
void main();
