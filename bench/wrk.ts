// wrk (Debian's package) as the bench's load generator for throughput: one C
// process, closed loop, the same tool and shape as the figures.
// bench/wrk/rotate.lua gives every request the next session's cookie and
// prints one JSON line of results; this module runs it and parses that line.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./wrk/rotate.lua", import.meta.url));
export const WRK = "/usr/bin/wrk";

export interface WrkRun {
  url: string;
  threads: number;
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  /** wrk's socket errors (connect, read, write) and timeouts. */
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/** wrk must be installed: the bench installs Debian's package when it can (root), else says how. */
export function ensureWrk(): void {
  if (existsSync(WRK)) return;
  const command = "apt-get install -y --no-install-recommends wrk";
  if (process.getuid?.() !== 0) throw new Error(`wrk is missing: run \`sudo ${command}\` (Debian package wrk), then the bench again`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let result = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], { stdio: "inherit", env });
  if (result.status !== 0) {
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    result = spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "wrk"], { stdio: "inherit", env });
  }
  if (result.status !== 0 || !existsSync(WRK)) throw new Error(`could not install wrk (${command})`);
}

/** Writes cookies (one "sid=…" per line) to a temporary file for the Lua script. */
export function cookieFile(cookies: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "shop-bench-"));
  const file = join(dir, "cookies.txt");
  writeFileSync(file, `${cookies.join("\n")}\n`);
  return file;
}

export async function runWrk(options: {
  baseUrl: string;
  path: string;
  mode: "get" | "add";
  cookiesFile: string;
  productIds?: number[];
  threads: number;
  connections: number;
  durationS: number;
  timeoutS?: number;
  keyPrefix?: string;
}): Promise<WrkRun> {
  const url = `${options.baseUrl}${options.path}`;
  const args = [
    "-t", String(options.threads),
    "-c", String(options.connections),
    "-d", `${options.durationS}s`,
    "--timeout", `${options.timeoutS ?? 10}s`,
    "-s", SCRIPT,
    url,
    "--",
    options.mode,
    options.path,
    options.cookiesFile,
    (options.productIds ?? []).join(","),
    options.keyPrefix ?? `bench-${process.pid}-${Date.now()}`,
  ];
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve({ stdout: out, stderr: err, code: exitCode }));
  });
  const line = stdout.split("\n").find((l) => l.startsWith('{"wrk":1'));
  if (code !== 0 || !line) throw new Error(`wrk exited with ${code}: ${(stderr || stdout).trim().slice(0, 500)}`);
  const raw = JSON.parse(line) as {
    requests: number;
    durationUs: number;
    non2xx: number;
    statusCounts: Record<string, number>;
    errors: { connect: number; read: number; write: number; status: number; timeout: number };
    latencyUs: { mean: number; p50: number; p90: number; p99: number; max: number };
  };
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    url,
    threads: options.threads,
    connections: options.connections,
    durationS: Math.round(raw.durationUs / 10_000) / 100,
    requests: raw.requests,
    reqPerSec: Math.round((raw.requests / (raw.durationUs / 1e6)) * 10) / 10,
    non2xx: raw.non2xx,
    statusCounts: raw.statusCounts,
    socketErrors: { connect: raw.errors.connect, read: raw.errors.read, write: raw.errors.write, timeout: raw.errors.timeout },
    latencyMs: { mean: ms(raw.latencyUs.mean), p50: ms(raw.latencyUs.p50), p90: ms(raw.latencyUs.p90), p99: ms(raw.latencyUs.p99), max: ms(raw.latencyUs.max) },
  };
}

export const socketErrorCount = (run: WrkRun) =>
  run.socketErrors.connect + run.socketErrors.read + run.socketErrors.write + run.socketErrors.timeout;
