// Structured JSON logs (pino), one line per event, tagged with the node name.
// Session ids never appear: use sessionLabel() from lib/session/ids.
// Lines are written asynchronously (pino's SonicBoom destination, sync: false):
// a request never waits for a write(2) to stdout; lines logged while one write
// is in flight go out together in the next. pino flushes the buffer
// synchronously when the process exits (also on SIGTERM, as Next's server
// exits); a SIGKILL loses at most the lines not yet written.
import pino from "pino";

const KEY = Symbol.for("shopcluster.log");
type GlobalWithLog = typeof globalThis & { [KEY]?: pino.Logger };

export function log(): pino.Logger {
  const g = globalThis as GlobalWithLog;
  g[KEY] ??= pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { node: process.env.NODE_NAME ?? undefined },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, pino.destination({ dest: 1, sync: false }));
  return g[KEY];
}
