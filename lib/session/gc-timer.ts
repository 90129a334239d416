// Each web node tries to collect session garbage every SESSION_GC_INTERVAL_SECONDS
// (with jitter, so nodes don't line up); the store's lease lets one run at a time.
import { randomBytes } from "node:crypto";
import { collectGarbage } from "@shopcluster/session-store";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { sessionStore } from "./index";
import { databaseExecutor } from "./sql";

let timer: NodeJS.Timeout | undefined;

export function startGarbageCollector(): void {
  const { SESSION_GC_INTERVAL_SECONDS, NODE_NAME } = env();
  if (timer || SESSION_GC_INTERVAL_SECONDS === 0) return;
  const holder = `${NODE_NAME}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const schedule = () => {
    const delay = SESSION_GC_INTERVAL_SECONDS * 1000 * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => void run(), delay);
    timer.unref();
  };
  const run = async () => {
    try {
      const result = await collectGarbage(databaseExecutor(db()), { holder, cutoff: sessionStore().gcCutoff(), pauseMs: 20 });
      metrics().gcRuns.inc({ ran: String(result.ran) });
      metrics().gcDeleted.inc(result.deleted);
      if (result.ran) log().info({ event: "session_gc", ...result }, "session garbage collected");
    } catch (error) {
      log().warn({ err: error }, "session garbage collection failed");
    } finally {
      schedule();
    }
  };
  schedule();
}
