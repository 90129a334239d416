// Structured JSON logs (pino), one line per event, tagged with the node name.
// Session ids never appear: use sessionLabel() from @shopcluster/session-store.
// Lines are buffered and written in batches: a synchronous write(2) of the
// buffer once it holds 4 KiB, and at least every 250 ms (pino's SonicBoom
// destination with minLength and periodicFlush). One write per line cost a
// wake-up of a libuv pool thread per request (the asynchronous destination)
// or a write(2) on the request path (the synchronous one); batching costs
// neither (issue 14). The buffer is written out when the process exits (also
// after SIGTERM: cluster/serve.mjs drains, then exits); a SIGKILL loses at most
// the last 250 ms of lines.
import pino from "pino";
import { loggingEnv } from "@/lib/env";

const KEY = Symbol.for("shopcluster.log");
type GlobalWithLog = typeof globalThis & { [KEY]?: pino.Logger };

export function log(): pino.Logger {
  const g = globalThis as GlobalWithLog;
  if (!g[KEY]) {
    const { LOG_LEVEL, NODE_NAME } = loggingEnv();
    const destination = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 250 });
    // pino registers an exit flush only for asynchronous destinations.
    process.once("exit", () => destination.flushSync());
    g[KEY] = pino({ level: LOG_LEVEL, base: { node: NODE_NAME }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  }
  return g[KEY];
}
