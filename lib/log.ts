// Structured JSON logs (pino), one line per event, tagged with the node name.
// Session ids never appear: use sessionLabel() from lib/session/ids.
import pino from "pino";

const KEY = Symbol.for("shopcluster.log");
type GlobalWithLog = typeof globalThis & { [KEY]?: pino.Logger };

export function log(): pino.Logger {
  const g = globalThis as GlobalWithLog;
  g[KEY] ??= pino({
    level: process.env.LOG_LEVEL ?? "info",
    base: { node: process.env.NODE_NAME ?? undefined },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return g[KEY];
}
