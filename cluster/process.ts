// Starting, finding and stopping the cluster's detached processes.
// Promises: a process is "ours" only if its pid is alive, not a zombie, and
// its environment carries our marker (SHOPCLUSTER_PROCESS), so stale pids in
// state.json and recycled pids are treated as "not running", never signalled.
// Nothing here ever looks processes up by name.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ClusterError } from "./log";
import { paths, processMarker } from "./layout";

const MARKER_VAR = "SHOPCLUSTER_PROCESS";

/** Our marker, as it appears in a process's environment (and in nginx's command line). */
export function markerAssignment(name: string): string {
  return `${MARKER_VAR}=${processMarker(name)}`;
}

/** The process's state letter (R, S, Z ...), parent pid and process group, or null when it is gone. */
function procStat(pid: number): { state: string; ppid: number; pgid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return null;
  }
}

/**
 * The marker of a live process, looked up in its environment, or in its
 * command line for programs (nginx) that overwrite their environment area
 * with their process title. Null when it carries none or is not readable.
 */
function markerOf(pid: number): string | null {
  const prefix = `${MARKER_VAR}=`;
  for (const file of ["environ", "cmdline"]) {
    try {
      const text = readFileSync(`/proc/${pid}/${file}`, "utf8");
      const start = text.indexOf(prefix);
      if (start === -1) continue;
      const value = /^[^\0\s";]*/.exec(text.slice(start + prefix.length))![0];
      return value;
    } catch {
      return null;
    }
  }
  return null;
}

/** True while `pid` exists and has not yet exited (zombies count as exited). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: alive but not ours to signal, so not ours at all.
    return false;
  }
  // Without /proc (not Linux) trust kill(pid, 0).
  if (process.platform !== "linux") return true;
  const stat = procStat(pid);
  return stat !== null && stat.state !== "Z";
}

/** True when `pid` is alive and was started by this cluster as `name`. */
export function isOurProcess(pid: number | null | undefined, name: string): pid is number {
  if (!pid || pid <= 0 || !isAlive(pid)) return false;
  return process.platform !== "linux" || markerOf(pid) === processMarker(name);
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
}

/** Starts a detached process that outlives this CLI; stdout/stderr append to logs/<name>.log. */
export function spawnDetached(spec: SpawnSpec): number {
  mkdirSync(paths.logsDir, { recursive: true });
  const logPath = paths.logFile(spec.name);
  const fd = openSync(logPath, "a");
  const env: Record<string, string | undefined> = { ...spec.env, [MARKER_VAR]: processMarker(spec.name) };
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      // An explicit environment; Next's types demand NODE_ENV, which server.js sets itself.
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    if (child.pid === undefined) throw new ClusterError(`could not start ${spec.name} (${spec.command})`);
    child.on("error", () => {});
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Sends `signal` and waits until the process is gone; any other signal escalates to SIGKILL after `timeoutMs`. */
export async function stopProcess(
  pid: number | null | undefined,
  name: string,
  signal: NodeJS.Signals,
  timeoutMs = 30_000,
): Promise<"stopped" | "not running"> {
  if (!isOurProcess(pid, name)) return "not running";
  sendSignal(pid, signal);
  const deadline = Date.now() + timeoutMs;
  // Wait for the pid itself to go: an exiting process loses its environment
  // (and so our marker) before it is really gone.
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      if (signal === "SIGKILL") throw new ClusterError(`${name} (pid ${pid}) survived SIGKILL`);
      signal = "SIGKILL";
      sendSignal(pid, signal);
    }
    await sleep(50);
  }
  return "stopped";
}

/**
 * A graceful signal goes to the process, which stops its own children. SIGKILL
 * goes to its whole process group (spawnDetached made it a group leader), as a
 * crash of the machine would: otherwise nginx workers or an SST rsync would
 * outlive a killed parent and keep its ports.
 */
function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(signal === "SIGKILL" ? -pid : pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Polls `check` until it returns a value other than undefined; throws `message()` on timeout. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  message: () => string,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new ClusterError(message());
    await sleep(intervalMs);
  }
}

/** The size of `file` in bytes; 0 when it does not exist (yet). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * What was appended to `file` since byte `offset`, at most `maxBytes` of it
 * (a long-lived cluster's logs grow large); "" when the file is missing or
 * has not grown.
 */
export function readFileSince(file: string, offset: number, maxBytes = Number.POSITIVE_INFINITY): string {
  const length = Math.min(fileSize(file) - offset, maxBytes);
  if (length <= 0) return "";
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("utf8");
}

/** HTTP status of a GET, or null when nothing answered within `timeoutMs`. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await response.body?.cancel();
    return response.status;
  } catch {
    return null;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a short command to completion, capturing its output. */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    // A command that exits before reading its input (EPIPE) reports through its exit code.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a command with inherited stdout/stderr (long steps whose output the user should see). */
export function runVisible(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", 2, 2] });
    child.once("error", reject);
    child.once("close", (code) => resolve(code ?? 1));
  });
}

/** The last `lines` lines of a node's log, for error messages. */
export function tailLog(name: string, lines = 15): string {
  try {
    const text = readFileSync(paths.logFile(name), "utf8").trimEnd().split("\n");
    return text.slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export interface MarkedProcess {
  pid: number;
  ppid: number;
  /** The node name from our marker (db-2, web-1, lb). */
  name: string;
}

/**
 * Every live process carrying this cluster's marker: the nodes and their
 * children (SST scripts, rsync, nginx workers). Found by marker, never by name.
 */
export function listMarkedProcesses(): MarkedProcess[] {
  const ours = processMarker("");
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const found: MarkedProcess[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const marker = markerOf(pid);
    if (!marker?.startsWith(ours)) continue;
    const stat = procStat(pid);
    if (!stat || stat.state === "Z") continue;
    found.push({ pid, ppid: stat.ppid, name: marker.slice(ours.length) });
  }
  return found;
}

/**
 * Live processes in the given process groups (each node leads its own group).
 * Finds the children that carry no marker, such as nginx workers, whose
 * process title overwrote it.
 */
export function listGroupMembers(pgids: number[]): number[] {
  const wanted = new Set(pgids);
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    const stat = procStat(pid);
    return stat !== null && stat.state !== "Z" && wanted.has(stat.pgid);
  });
}

/** SIGKILL to whole process groups (leftovers of nodes that are already stopped). */
export function killGroups(pgids: number[]): void {
  for (const pgid of pgids) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Throws a clear error when another program already listens on `port`. */
export async function assertPortFree(port: number, name: string): Promise<void> {
  if (await portInUse(port)) {
    throw new ClusterError(`port ${port} (for ${name}) is already in use by another program; stop it or choose another port`);
  }
}
