// Structured JSON logs (pino), one line per event, tagged with the node name.
// Session ids never appear: use sessionLabel() from @shopcluster/session-store.
// Lines are written asynchronously (pino's SonicBoom destination, sync: false):
// a request never waits for a write(2) to stdout; lines logged while one write
// is in flight go out together in the next. pino flushes the buffer
// synchronously when the process exits (also on SIGTERM, as Next's server
// exits); a SIGKILL loses at most the lines not yet written.
import pino from "pino";
import { loggingEnv } from "@/lib/env";

const KEY = Symbol.for("shopcluster.log");
type GlobalWithLog = typeof globalThis & { [KEY]?: pino.Logger };

export function log(): pino.Logger {
  const g = globalThis as GlobalWithLog;
  if (!g[KEY]) {
    const { LOG_LEVEL, NODE_NAME } = loggingEnv();
    g[KEY] = pino(
      { level: LOG_LEVEL, base: { node: NODE_NAME }, timestamp: pino.stdTimeFunctions.isoTime },
      pino.destination({ dest: 1, sync: false }),
    );
  }
  return g[KEY];
}
