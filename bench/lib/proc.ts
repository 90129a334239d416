// CPU time from /proc: what a process (every thread of it) and the whole
// machine have used so far. Less noisy than throughput on a shared machine;
// bench/ab.ts and bench/cpu-split.ts take the difference around a run.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessSample {
  /** User + system CPU time, ms. */
  cpuMs: number;
  /** System (kernel) CPU time, ms. */
  sysMs: number;
  /** Voluntary + involuntary context switches of all its threads. */
  switches: number;
}

/** A process's CPU so far (zeros when it is gone). Clock ticks are 10 ms (USER_HZ 100). */
export function sampleProcess(pid: number): ProcessSample {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    let switches = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      for (const match of status.matchAll(/ctxt_switches:\s+(\d+)/g)) switches += Number(match[1]);
    }
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, sysMs: Number(fields[12]) * 10, switches };
  } catch {
    return { cpuMs: 0, sysMs: 0, switches: 0 };
  }
}

/** Busy and idle CPU time of the whole machine so far, in ms. */
export function sampleMachine(): { busyMs: number; idleMs: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + fields[4]!;
  return { busyMs: (fields.reduce((a, b) => a + b, 0) - idle) * 10, idleMs: idle * 10 };
}
