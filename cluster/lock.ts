// One cluster command changes the cluster at a time (a test's global setup and
// a person at a terminal may both run `up`). Promises: withClusterLock runs
// its callback while holding .cluster/lock; a lock left by a dead process is
// taken over; a waiting command says whom it waits for.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ClusterError, type Logger } from "./log";
import { clusterDir, paths } from "./layout";

function holder(): number | null {
  try {
    const pid = Number(readFileSync(paths.lockFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryAcquire(): boolean {
  mkdirSync(clusterDir, { recursive: true });
  try {
    const fd = openSync(paths.lockFile, "wx");
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  }
}

export async function withClusterLock<T>(log: Logger, run: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = 0;
  let unreadableSince: number | undefined;
  while (!tryAcquire()) {
    const pid = holder();
    if (pid === process.pid) throw new ClusterError("cluster lock is already held by this process (nested cluster command)");
    // An empty lock file is being written right now, or was left by a crash.
    if (pid === null) unreadableSince ??= Date.now();
    else unreadableSince = undefined;
    if ((pid !== null && !alive(pid)) || (unreadableSince !== undefined && Date.now() - unreadableSince > 2000)) {
      rmSync(paths.lockFile, { force: true });
      continue;
    }
    if (pid === null) {
      await sleep(50);
      continue;
    }
    if (Date.now() > deadline) throw new ClusterError(`another cluster command (pid ${pid}) still holds ${paths.lockFile}`);
    if (Date.now() - announced > 10_000) {
      log.info(`waiting for another cluster command to finish (pid ${pid})`);
      announced = Date.now();
    }
    await sleep(250);
  }
  try {
    return await run();
  } finally {
    if (holder() === process.pid) rmSync(paths.lockFile, { force: true });
  }
}
