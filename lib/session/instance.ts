// The process's SessionStore, configured from the environment.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/observability/metrics";
import { SessionStore } from "./store";

const KEY = Symbol.for("shopcluster.sessionStore");
type Holder = { store: SessionStore; absoluteTimeoutMs: number };
type GlobalWithStore = typeof globalThis & { [KEY]?: Holder };

export function sessionStore(): Holder {
  const g = globalThis as GlobalWithStore;
  if (!g[KEY]) {
    const e = env();
    const config = {
      idleTimeoutMs: e.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteTimeoutMs: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000,
      touchIntervalMs: e.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
    };
    const store = new SessionStore({
      db: db(),
      config,
      nodeName: e.NODE_NAME,
      log: log().child({ module: "session" }),
      observer: {
        operation: (op, seconds, outcome) => metrics().sessionStoreDuration.observe({ op, outcome }, seconds),
        retry: () => metrics().sessionRetries.inc(),
      },
    });
    g[KEY] = { store, absoluteTimeoutMs: config.absoluteTimeoutMs };
  }
  return g[KEY];
}
