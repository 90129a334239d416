// Where a request's CPU goes, process by process: each web node, nginx (its
// workers), each Galera node, and the whole machine (wrk included), per
// request served, with the share spent in the kernel and the context switches
// per request. The tool behind docs/benchmarks.md's "CPU per request" figures:
// it showed that a node fed a third of the load through nginx spends about
// twice the CPU per request it spends fed the whole load directly.
//
//   npx tsx bench/cpu-split.ts [--request cart|add|home|cartpage] [--duration 8] [--cases nginx16,direct16,direct5,direct3x5]
//
// Requests: cart (GET /api/cart), add (POST /api/cart/items), home (GET /,
// the catalog page), cartpage (GET /cart).
//
// Cases: nginx16 (16 connections through nginx), direct16 and direct5 (16 or 5
// to web-1), direct3x5 and direct3x16 (5 or 16 to each node at once),
// direct2x8 (8 to web-1 and web-2: two busier nodes), php16 (16 to the PHP
// seed design, bench/php-seed.ts, on the same Galera nodes; its php-fpm
// workers are counted as "web" and its nginx workers as "nginx"). wrk runs
// 1 thread per target; 200 fresh sessions with one cart line each, removed at
// the end. Needs a running cluster.
import { execFileSync } from "node:child_process";
import { readClusterState } from "../cluster/index";
import { createCartSessions, destroySessions, productIds } from "./http";
import { ensurePhp, startPhpSeed, type PhpSeed } from "./php-seed";
import { sampleMachine, sampleProcess } from "./lib/proc";
import { cookieFile, ensureWrk, runWrk } from "./wrk";

function children(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const PATHS: Record<string, string> = { cart: "/api/cart", add: "/api/cart/items", home: "/", cartpage: "/cart" };

const argv = process.argv.slice(2);
const value = (flag: string, fallback: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1]! : fallback;
};

async function main() {
  ensureWrk();
  const state = readClusterState();
  if (!state) throw new Error("no cluster: run `npm run cluster` first");
  const request = value("--request", "cart");
  if (!PATHS[request]) throw new Error(`unknown request ${request}; known: ${Object.keys(PATHS).join(", ")}`);
  const durationS = Number(value("--duration", "8"));
  const cases = value("--cases", "nginx16,direct16,direct5,direct3x5").split(",");
  const [web1] = state.web;
  const targetsOf: Record<string, { url: string; connections: number }[]> = {
    nginx16: [{ url: state.lbUrl, connections: 16 }],
    direct16: [{ url: web1!.url, connections: 16 }],
    direct5: [{ url: web1!.url, connections: 5 }],
    direct3x5: state.web.map((w) => ({ url: w.url, connections: 5 })),
    direct3x16: state.web.map((w) => ({ url: w.url, connections: 16 })),
    direct2x8: state.web.slice(0, 2).map((w) => ({ url: w.url, connections: 8 })),
    // The PHP design's url is known once it runs (below).
    php16: [{ url: "", connections: 16 }],
  };
  const unknown = cases.filter((name) => !targetsOf[name]);
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(", ")}; known: ${Object.keys(targetsOf).join(", ")}`);
  if (cases.includes("php16") && request !== "cart" && request !== "add") {
    throw new Error("php16: the PHP seed design serves only the cart and the add (--request cart|add)");
  }
  const ids = await productIds(state.lbUrl);
  const cookies = await createCartSessions(state.lbUrl, 200, ids[0]!);
  let php: PhpSeed | null = null;
  let phpCookies: string[] = [];
  const shopGroups: Record<string, number[]> = {
    web: state.web.map((w) => w.pid).filter((pid): pid is number => pid !== null),
    nginx: state.lb.pid === null ? [] : children(state.lb.pid),
    db: state.db.map((d) => d.pid).filter((pid): pid is number => pid !== null),
  };
  try {
    if (cases.includes("php16")) {
      const missing = ensurePhp();
      if (missing) throw new Error(`php16: ${missing}`);
      php = await startPhpSeed({ db: state.db, adminUrl: state.db[0]!.url, port: state.lb.port + 91, productId: ids[0]! });
      phpCookies = await createCartSessions(php.url, 200, ids[0]!, 1);
    }
    for (const name of cases) {
      const isPhp = name === "php16";
      const groups = isPhp ? { web: children(php!.pids.fpm), nginx: children(php!.pids.nginx), db: shopGroups.db! } : shopGroups;
      const before = Object.fromEntries(Object.entries(groups).map(([group, pids]) => [group, pids.map(sampleProcess)]));
      const machineBefore = sampleMachine();
      const runs = await Promise.all(
        targetsOf[name]!.map((target) =>
          runWrk({
            baseUrl: isPhp ? php!.url : target.url,
            path: PATHS[request]!,
            mode: request === "add" ? "add" : "get",
            cookiesFile: cookieFile(isPhp ? phpCookies : cookies),
            productIds: ids,
            threads: 1,
            connections: target.connections,
            durationS,
          }),
        ),
      );
      const machineAfter = sampleMachine();
      const requests = runs.reduce((sum, run) => sum + run.requests, 0);
      const perRequest = (ms: number) => ((ms / requests) * 1000).toFixed(0);
      const parts = [
        `${name.padEnd(10)} ${String(Math.round(runs.reduce((sum, run) => sum + run.reqPerSec, 0))).padStart(6)} req/s, p99 ${Math.max(...runs.map((run) => run.latencyMs.p99))} ms, non-2xx ${runs.reduce((sum, run) => sum + run.non2xx, 0)}`,
      ];
      for (const [group, pids] of Object.entries(groups)) {
        const delta = pids.map((pid, i) => {
          const now = sampleProcess(pid);
          const was = before[group]![i]!;
          return { cpuMs: now.cpuMs - was.cpuMs, sysMs: now.sysMs - was.sysMs, switches: now.switches - was.switches };
        });
        // php-fpm's workers: their sum, not one figure each.
        const summed = isPhp && group === "web";
        const shown = summed
          ? [delta.reduce((sum, d) => ({ cpuMs: sum.cpuMs + d.cpuMs, sysMs: sum.sysMs + d.sysMs, switches: sum.switches + d.switches }), { cpuMs: 0, sysMs: 0, switches: 0 })]
          : delta;
        const label = summed ? `${group} (${delta.length} processes, summed)` : group;
        parts.push(
          `${label} µs/request ${shown.map((d) => perRequest(d.cpuMs)).join("+")} (system ${shown.map((d) => perRequest(d.sysMs)).join("+")}; ` +
            `context switches/request ${shown.map((d) => (d.switches / requests).toFixed(1)).join("+")})`,
        );
      }
      const busy = machineAfter.busyMs - machineBefore.busyMs;
      const idle = machineAfter.idleMs - machineBefore.idleMs;
      parts.push(`machine ${perRequest(busy)} µs busy/request, ${Math.round((100 * idle) / (idle + busy))}% idle`);
      console.log(parts.join(" | "));
    }
  } finally {
    await destroySessions(state.db[0]!.url, cookies);
    await php?.stop();
  }
}

void main();
