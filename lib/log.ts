// Structured JSON logs (pino), one line per event, tagged with the node name.
// Session ids never appear: use sessionLabel() from lib/session/ids.
import pino from "pino";
import { loggingEnv } from "@/lib/env";

const KEY = Symbol.for("shopcluster.log");
type GlobalWithLog = typeof globalThis & { [KEY]?: pino.Logger };

export function log(): pino.Logger {
  const g = globalThis as GlobalWithLog;
  if (!g[KEY]) {
    const { LOG_LEVEL, NODE_NAME } = loggingEnv();
    g[KEY] = pino({ level: LOG_LEVEL, base: { node: NODE_NAME }, timestamp: pino.stdTimeFunctions.isoTime });
  }
  return g[KEY];
}
