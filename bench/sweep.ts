// Concurrency sweep: GET /api/cart through nginx at 16 → 2,000 open
// connections (wrk, 2 threads), each request with the next of 200 session
// cookies. Per step: throughput, p50/p99/max, non-2xx, socket errors, and the
// warnings nginx logged meanwhile ("worker_connections are not enough" and
// the like), so the README can say at which step and why it stops scaling.
// The goal (issue 14): 2,000 connections with 0 socket errors, 0 non-2xx and
// p99 under 1 s. In a closed loop p50 ≈ connections ÷ throughput (Little's
// law), so above a few hundred connections latency is set by throughput.
// Each step has two runs, back to back: the arrival (`arrivalS`, all the
// step's connections opened at once, reported on its own) and then the
// measured run, in which the same number of shoppers keep shopping. nginx
// keeps its connections to the nodes open from one run to the next, as it
// does for a shop whose visitors do not all arrive in the same 100 ms. The
// arrival is the hard part for Node: it accepts one new connection per
// event-loop turn (libuv 1.45+), so under load a burst of new connections
// waits in the accept queue (see README, "What limits the next step").
import { fileSize, readFileSince } from "../cluster/process";
import { progress, sleep } from "./lib/progress";
import { runWrk, socketErrorCount, type WrkRun } from "./wrk";

/** The first seconds of a step: every connection new at once. */
export interface SweepArrival {
  durationS: number;
  reqPerSec: number;
  latencyMs: WrkRun["latencyMs"];
  non2xx: number;
  socketErrors: number;
}

export interface SweepStep {
  connections: number;
  arrival: SweepArrival;
  reqPerSec: number;
  latencyMs: WrkRun["latencyMs"];
  non2xx: number;
  socketErrors: number;
  socketErrorsByKind: WrkRun["socketErrors"];
  statusCounts: Record<string, number>;
  /** Distinct nginx warning/error messages logged during the step, with counts. */
  nginxMessages: Record<string, number>;
}

export interface SweepResult {
  request: "GET /api/cart";
  target: "nginx (3 nodes)";
  threads: number;
  durationS: number;
  arrivalS: number;
  sessions: number;
  steps: SweepStep[];
  goal: { connections: number; p99Ms: number; met: boolean; reason: string };
}

/** New lines of nginx's error log since `offset` (at most 4 MiB), grouped by message (timestamps and ids stripped). */
function nginxMessagesSince(file: string, offset: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSince(file, offset, 4 * 1024 * 1024).split("\n")) {
    const match = /\[(warn|error|crit|alert|emerg)\] \d+#\d+: (?:\*\d+ )?([^,]+)/.exec(line);
    if (match) counts[`${match[1]}: ${match[2]!.trim()}`] = (counts[`${match[1]}: ${match[2]!.trim()}`] ?? 0) + 1;
  }
  return counts;
}

export async function benchSweep(options: {
  lbUrl: string;
  cookiesFile: string;
  sessions: number;
  steps: number[];
  durationS: number;
  arrivalS: number;
  nginxErrorLog: string;
}): Promise<SweepResult> {
  const steps: SweepStep[] = [];
  const wrk = (connections: number, durationS: number) =>
    runWrk({
      baseUrl: options.lbUrl,
      path: "/api/cart",
      mode: "get",
      cookiesFile: options.cookiesFile,
      threads: 2,
      connections,
      durationS,
      timeoutS: 10,
    });
  for (const connections of options.steps) {
    progress(`sweep: GET /api/cart via nginx, ${connections} connections: arrival ${options.arrivalS} s, then ${options.durationS} s`);
    const offset = fileSize(options.nginxErrorLog);
    const first = await wrk(connections, options.arrivalS);
    const run = await wrk(connections, options.durationS);
    const step: SweepStep = {
      connections,
      arrival: {
        durationS: first.durationS,
        reqPerSec: first.reqPerSec,
        latencyMs: first.latencyMs,
        non2xx: first.non2xx,
        socketErrors: socketErrorCount(first),
      },
      reqPerSec: run.reqPerSec,
      latencyMs: run.latencyMs,
      non2xx: run.non2xx,
      socketErrors: socketErrorCount(run),
      socketErrorsByKind: run.socketErrors,
      statusCounts: run.statusCounts,
      nginxMessages: nginxMessagesSince(options.nginxErrorLog, offset),
    };
    progress(
      `sweep: ${connections} connections: arrival ${step.arrival.reqPerSec} req/s, p99 ${step.arrival.latencyMs.p99} ms, ${step.arrival.socketErrors} socket errors; then ${step.reqPerSec} req/s, p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, ${step.non2xx} non-2xx, ${step.socketErrors} socket errors${Object.keys(step.nginxMessages).length ? `; nginx: ${JSON.stringify(step.nginxMessages)}` : ""}`,
    );
    steps.push(step);
    // Let the closed connections drain before the next, larger step.
    await sleep(2000);
  }
  const last = steps.find((s) => s.connections === Math.max(...options.steps))!;
  const problems = [
    last.socketErrors > 0 ? `${last.socketErrors} socket errors` : "",
    last.non2xx > 0 ? `${last.non2xx} non-2xx` : "",
    last.latencyMs.p99 >= 1000 ? `p99 ${last.latencyMs.p99} ms` : "",
  ].filter(Boolean);
  return {
    request: "GET /api/cart",
    target: "nginx (3 nodes)",
    threads: 2,
    durationS: options.durationS,
    arrivalS: options.arrivalS,
    sessions: options.sessions,
    steps,
    goal: {
      connections: last.connections,
      p99Ms: 1000,
      met: problems.length === 0,
      reason: problems.length === 0 ? "0 socket errors, 0 non-2xx, p99 under 1 s" : problems.join(", "),
    },
  };
}
