// A/B of two builds on one machine, in one run, with the same command: how
// each performance change was measured (see docs/benchmarks.md).
//
//   npx tsx bench/ab.ts --a /tmp/base-standalone [--b .next/standalone] [--duration 10] [--rounds 2]
//                       [--requests cart,add,home,cart-page] [--cpu-prof DIR] [--floor]
//
// Starts `node <dir>/server.js` for A and for B as standalone servers with
// web-1's environment (own ports, same database node) next to the running
// cluster, makes 200 sessions with one cart line each, then runs wrk (1
// thread, 16 connections) per request against A and B alternately
// (A B B A …, so drift hits both alike). --cpu-prof writes a V8 CPU profile
// of each server (node --cpu-prof) into DIR. --floor adds the floor server.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readClusterState } from "../cluster/index";
import { webNodeEnv } from "../cluster/web";
import { createCartSessions, createFloorSessions, deleteFloorRows, destroySessions, productIds } from "./http";
import { sampleProcess } from "./lib/proc";
import { progress, sleep } from "./lib/progress";
import { cookieFile, ensureWrk, runWrk, type WrkRun } from "./wrk";

const argv = process.argv.slice(2);
const value = (flag: string, fallback?: string) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
};

export const REQUESTS = {
  cart: { label: "GET /api/cart", path: "/api/cart", mode: "get" as const },
  add: { label: "POST /api/cart/items", path: "/api/cart/items", mode: "add" as const },
  home: { label: "GET /", path: "/", mode: "get" as const },
  "cart-page": { label: "GET /cart", path: "/cart", mode: "get" as const },
};

async function waitUp(url: string, child: ChildProcess, name: string) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${name} did not come up at ${url}`);
}

async function main() {
  ensureWrk();
  const state = readClusterState();
  if (!state) throw new Error("no cluster: run `npm run cluster` first");
  const dirA = resolve(value("--a") ?? "");
  const dirB = resolve(value("--b", ".next/standalone")!);
  const durationS = Number(value("--duration", "10"));
  const rounds = Number(value("--rounds", "2"));
  const profDir = value("--cpu-prof");
  const which = (value("--requests", "cart,add,home,cart-page") ?? "").split(",") as (keyof typeof REQUESTS)[];
  const basePort = 3490 + (Number(process.env.SHOPCLUSTER_PORT_OFFSET) || 0) % 1000;
  const servers: { name: string; url: string; child: ChildProcess }[] = [];
  const env = { ...webNodeEnv(state, state.web[0]!) };
  try {
    for (const [i, [name, dir]] of [["A", dirA], ["B", dirB]].entries()) {
      const port = basePort + i;
      const nodeArgs = profDir ? ["--cpu-prof", `--cpu-prof-dir=${join(resolve(profDir), name)}`] : [];
      if (profDir) mkdirSync(join(resolve(profDir), name), { recursive: true });
      const child = spawn(process.execPath, [...nodeArgs, join(dir, "server.js")], {
        env: { PATH: process.env.PATH, NODE_ENV: "production", ...env, PORT: String(port), NODE_NAME: `ab-${name}`, SESSION_GC_INTERVAL_SECONDS: "0" },
        // Logs to a file, as a cluster node's do (a write to /dev/null would hide their cost).
        stdio: ["ignore", openSync(join(tmpdir(), `shop-ab-${name}.log`), "a"), "inherit"],
      });
      servers.push({ name, url: `http://127.0.0.1:${port}`, child });
    }
    if (argv.includes("--floor")) {
      const port = basePort + 2;
      const child = spawn(process.execPath, [resolve("bench/floor-server.mjs"), "--port", String(port), "--db-url", state.db[0]!.url], {
        stdio: ["ignore", "ignore", "inherit"],
      });
      servers.push({ name: "floor", url: `http://127.0.0.1:${port}`, child });
    }
    for (const s of servers) await waitUp(`${s.url}/api/health`, s.child, s.name);
    const products = await productIds(servers[0]!.url);
    const shopCookies = await createCartSessions(servers[0]!.url, 200, products[0]!);
    const floorCookies = servers.some((s) => s.name === "floor") ? await createFloorSessions(servers.at(-1)!.url, 200) : [];
    const files = { shop: cookieFile(shopCookies), floor: floorCookies.length ? cookieFile(floorCookies) : "" };
    const results = new Map<string, WrkRun[]>();
    const cpu = new Map<string, number[]>();
    for (const key of which) {
      const request = REQUESTS[key];
      // Warm-up, not recorded.
      for (const s of servers) {
        await runWrk({ baseUrl: s.url, path: request.path, mode: request.mode, cookiesFile: s.name === "floor" ? files.floor : files.shop, productIds: products, threads: 1, connections: 16, durationS: 2 });
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          const cpuBefore = sampleProcess(s.child.pid!).cpuMs;
          const run = await runWrk({
            baseUrl: s.url, path: request.path, mode: request.mode, cookiesFile: s.name === "floor" ? files.floor : files.shop,
            productIds: products, threads: 1, connections: 16, durationS,
          });
          const cpuPerRequestMs = (sampleProcess(s.child.pid!).cpuMs - cpuBefore) / run.requests;
          cpu.set(`${key}/${s.name}`, [...(cpu.get(`${key}/${s.name}`) ?? []), cpuPerRequestMs]);
          progress(`${request.label} ${s.name}: ${run.reqPerSec} req/s, ${cpuPerRequestMs.toFixed(2)} CPU ms/request, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, non-2xx ${run.non2xx}`);
          results.set(`${key}/${s.name}`, [...(results.get(`${key}/${s.name}`) ?? []), run]);
        }
      }
    }
    process.stdout.write("\n| request | server | req/s (per round) | CPU ms per request | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|---|---|\n");
    for (const key of which) {
      for (const s of servers) {
        const runs = results.get(`${key}/${s.name}`) ?? [];
        const mean = (f: (r: WrkRun) => number) => Math.round((runs.reduce((sum, r) => sum + f(r), 0) / runs.length) * 10) / 10;
        process.stdout.write(
          `| ${REQUESTS[key].label} | ${s.name} | ${mean((r) => r.reqPerSec)} (${runs.map((r) => Math.round(r.reqPerSec)).join(", ")}) | ${((cpu.get(`${key}/${s.name}`) ?? []).reduce((a, b) => a + b, 0) / runs.length).toFixed(2)} | ${mean((r) => r.latencyMs.p50)} | ${mean((r) => r.latencyMs.p99)} | ${runs.reduce((sum, r) => sum + r.non2xx, 0)} |\n`,
        );
      }
    }
    await destroySessions(state.db[0]!.url, shopCookies).catch(() => undefined);
    await deleteFloorRows(state.db[0]!.url).catch(() => undefined);
  } finally {
    for (const s of servers) s.child.kill("SIGINT");
    await sleep(1500);
  }
}

await main();
