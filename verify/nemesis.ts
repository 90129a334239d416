// The nemesis of `npm run verify`: named schedules of faults, drawn from a
// seed so a failing run replays, injected into the local cluster through
// cluster/index.ts, each recorded with its start and end. Promises: every
// fault is healed by the end of its step, and heal() brings the cluster back
// to full health from any state a run can leave (paused or killed nodes,
// partition rules, a skewed web node), so it is safe in finally blocks.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { clusterStatus, killNode, readClusterState, startNode, startWebNodeWithEnv, stopNode, type Logger } from "../cluster/index";
import type { FaultKind } from "./history";
import type { Recorder } from "./recorder";
import { rng } from "./workload";

export const FAULT_KINDS: FaultKind[] = ["kill-web", "kill-db", "pause-db", "partition-db", "skew-web", "restart-web", "restart-db"];

export interface FaultStep {
  kind: FaultKind;
  target: string;
  /** Seconds after the workload started. */
  atS: number;
  /** How long the fault lasts before it is healed. */
  durationS: number;
  /** skew-web: the clock offset. */
  skewS?: number;
}

export interface Schedule {
  name: string;
  seed: number;
  steps: FaultStep[];
  /** The workload runs at least this long and until every step is done. */
  minWorkloadS: number;
  /** ... and until this many operations were recorded (full runs). */
  minOps: number;
  /** Hard limit on the workload's duration. */
  maxWorkloadS: number;
}

const FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const SKEW_S = 90;

export const SCHEDULE_NAMES = ["quick", "full"] as const;

/**
 * quick: every fault kind once, short (CI). full: every kind in several
 * rounds, targets and timings drawn from the seed, both skew directions,
 * until 20,000 operations are recorded.
 */
export function buildSchedule(name: string, seed: number, web: string[], db: string[]): Schedule {
  const random = rng(seed ^ 0x5eed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + Math.round(random() * (high - low));
  const targetOf = (kind: FaultKind) => (kind.endsWith("-web") ? pick(web) : pick(db));
  const steps: FaultStep[] = [];
  if (name === "quick") {
    // Each kind once; a graceful restart of a web node stands for "restarts" (a database node's rejoin takes ~30 s here).
    const kinds: FaultKind[] = ["kill-web", "pause-db", "partition-db", "kill-db", "skew-web", "restart-web"];
    let at = 3;
    for (const kind of kinds) {
      const durationS = kind.startsWith("restart") ? 1 : between(3, 5);
      steps.push({ kind, target: targetOf(kind), atS: at, durationS, skewS: kind === "skew-web" ? (random() < 0.5 ? SKEW_S : -SKEW_S) : undefined });
      at += durationS + 2;
    }
    return { name, seed, steps, minWorkloadS: at, minOps: 0, maxWorkloadS: 140 };
  }
  if (name === "full") {
    let at = 8;
    for (let round = 0; round < 3; round++) {
      const kinds = [...FAULT_KINDS].sort(() => random() - 0.5);
      for (const kind of kinds) {
        const durationS = kind.startsWith("restart") ? between(1, 3) : between(8, 15);
        const skewS = kind === "skew-web" ? (round % 2 === 0 ? SKEW_S : -SKEW_S) : undefined;
        steps.push({ kind, target: targetOf(kind), atS: at, durationS, skewS });
        at += durationS + between(5, 10);
      }
    }
    return { name, seed, steps, minWorkloadS: at, minOps: 20_000, maxWorkloadS: 1200 };
  }
  throw new Error(`verify: unknown schedule "${name}"; use one of ${SCHEDULE_NAMES.join(", ")}`);
}

const ruleComment = () => `shopcluster-verify-${process.env.SHOPCLUSTER_PORT_OFFSET ?? "0"}`;

function iptables(args: string[]): void {
  const result = spawnSync("iptables", args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`iptables ${args.join(" ")}: ${result.stderr.trim()}`);
}

function dropRule(match: string[]): void {
  iptables(["-I", "INPUT", "-i", "lo", "-p", "tcp", ...match, "-m", "comment", "--comment", ruleComment(), "-j", "DROP"]);
}

/** Removes every rule this cluster's nemesis added (idempotent). */
export function removePartitionRules(): number {
  const listed = spawnSync("iptables", ["-S", "INPUT"], { encoding: "utf8" });
  if (listed.status !== 0) return 0;
  const ours = listed.stdout.split("\n").filter((line) => line.includes(`--comment ${ruleComment()} `) || line.endsWith(`--comment ${ruleComment()}`));
  for (const line of ours) iptables(["-D", ...line.replace(/^-A /, "").split(" ")]);
  return ours.length;
}

/** Established gcomm connections that `pid` opened to its peers: their local (ephemeral) ports. */
function outboundGcommPorts(pid: number, gcommPorts: number[]): number[] {
  const listed = spawnSync("ss", ["-tnpH"], { encoding: "utf8" });
  const ports: number[] = [];
  for (const line of listed.stdout.split("\n")) {
    if (!line.includes(`pid=${pid},`)) continue;
    const fields = line.trim().split(/\s+/);
    const local = Number(fields[3]?.split(":").pop());
    const remote = Number(fields[4]?.split(":").pop());
    if (gcommPorts.includes(remote) && !gcommPorts.includes(local)) ports.push(local);
  }
  return ports;
}

/**
 * Cuts one Galera node off from the other two with rules on loopback: all
 * traffic to and from its gcomm port, its own outbound gcomm connections (by
 * their ephemeral ports), and new gcomm connections to the others (so it
 * cannot reconnect; the others' established link stays up).
 */
function partition(target: string): string {
  const state = readClusterState()!;
  const node = state.db.find((candidate) => candidate.name === target)!;
  const others = state.db.filter((candidate) => candidate !== node);
  const gcomm = state.db.map((candidate) => candidate.gcommPort);
  dropRule(["--dport", String(node.gcommPort)]);
  dropRule(["--sport", String(node.gcommPort)]);
  for (const other of others) dropRule(["--syn", "--dport", String(other.gcommPort)]);
  const outbound = node.pid ? outboundGcommPorts(node.pid, gcomm) : [];
  for (const port of outbound) {
    dropRule(["--sport", String(port)]);
    dropRule(["--dport", String(port)]);
  }
  return `gcomm ${node.gcommPort} and ${outbound.length} outbound connection(s) dropped`;
}

function dbPid(target: string): number {
  const pid = readClusterState()?.db.find((node) => node.name === target)?.pid;
  if (!pid) throw new Error(`verify: ${target} has no pid`);
  return pid;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already: nothing to pause or resume.
  }
}

function hasFakeTime(pid: number | null): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").includes("FAKETIME=");
  } catch {
    return false;
  }
}

/** Waits until every node is up and every database node is Synced in a full Primary component. */
export async function waitHealthy(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const nodes = await clusterStatus();
    const dbCount = nodes.filter((node) => node.kind === "db").length;
    const healthy = nodes.every(
      (node) => node.up && (node.kind !== "db" || !node.galera || (node.galera.localState === "Synced" && node.galera.clusterSize === dbCount)),
    );
    if (healthy) return true;
    await sleep(500);
  }
  return false;
}

export class Nemesis {
  private stopped = false;

  constructor(
    private readonly recorder: Recorder,
    private readonly log: Logger,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /** Runs the steps in order, each at its time (seconds after `startedAt`, a Date.now()). */
  async run(schedule: Schedule, startedAt: number): Promise<void> {
    for (const step of schedule.steps) {
      const wait = startedAt + step.atS * 1000 - Date.now();
      if (wait > 0) await this.pause(wait);
      if (this.stopped) return;
      await this.inject(step);
    }
  }

  private async pause(ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!this.stopped && Date.now() < end) await sleep(Math.min(250, end - Date.now()));
  }

  private async inject(step: FaultStep): Promise<void> {
    const { kind, target } = step;
    let detail: string | undefined;
    this.log.info(`nemesis: ${kind} ${target}${step.skewS ? ` (${step.skewS > 0 ? "+" : ""}${step.skewS} s)` : ""} for ${step.durationS} s`);
    const start = () => this.recorder.record({ type: "fault", phase: "start", fault: kind, target, detail });
    try {
      switch (kind) {
        case "kill-web":
        case "kill-db":
          start();
          await killNode(target, this.log);
          await this.pause(step.durationS * 1000);
          await startNode(target, this.log);
          break;
        case "restart-web":
        case "restart-db":
          start();
          await stopNode(target, this.log);
          await this.pause(step.durationS * 1000);
          await startNode(target, this.log);
          break;
        case "pause-db": {
          const pid = dbPid(target);
          start();
          signal(pid, "SIGSTOP");
          try {
            await this.pause(step.durationS * 1000);
          } finally {
            signal(pid, "SIGCONT");
          }
          break;
        }
        case "partition-db":
          try {
            detail = partition(target);
            start();
            await this.pause(step.durationS * 1000);
          } finally {
            removePartitionRules();
          }
          break;
        case "skew-web": {
          const skew = step.skewS ?? SKEW_S;
          detail = `FAKETIME=${skew > 0 ? "+" : ""}${skew}s`;
          await stopNode(target, this.log);
          start();
          await startWebNodeWithEnv(target, { LD_PRELOAD: FAKETIME_LIB, FAKETIME: `${skew > 0 ? "+" : ""}${skew}s`, FAKETIME_DONT_FAKE_MONOTONIC: "1" }, this.log);
          await this.pause(step.durationS * 1000);
          await stopNode(target, this.log);
          await startNode(target, this.log);
          break;
        }
      }
      if (kind.endsWith("-db")) await waitHealthy(120_000);
    } finally {
      this.recorder.record({ type: "fault", phase: "end", fault: kind, target, detail });
    }
  }
}

/**
 * Back to full health from anything a run can leave behind: resumes paused
 * database nodes, removes partition rules, restarts skewed web nodes with
 * their normal environment, starts every node that is down, and waits.
 */
export async function heal(log: Logger, timeoutMs = 240_000): Promise<boolean> {
  const state = readClusterState();
  if (!state) return false;
  for (const node of state.db) if (node.pid) signal(node.pid, "SIGCONT");
  const removed = removePartitionRules();
  if (removed > 0) log.info(`heal: removed ${removed} partition rule(s)`);
  for (const node of state.web) {
    if (hasFakeTime(node.pid)) {
      log.info(`heal: ${node.name} runs with a skewed clock; restarting it`);
      await stopNode(node.name, log);
    }
  }
  for (const node of await clusterStatus()) {
    if (node.pid === null) await startNode(node.name, log);
  }
  return waitHealthy(timeoutMs);
}

/** The libfaketime library the skew fault preloads, or null when it is missing. */
export function fakeTimeLibrary(): string | null {
  try {
    readFileSync(FAKETIME_LIB);
    return FAKETIME_LIB;
  } catch {
    return null;
  }
}
