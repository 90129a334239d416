// Runs once when a web node starts: per-request logs, metrics and X-Served-By
// for every response, the cart API's fast lane (unless SHOP_FAST_LANE=0), and
// the session garbage collector.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { installRequestHook } = await import("./lib/observability/request-hook");
    const { env } = await import("./lib/env");
    const { serveFastLane } = await import("./lib/api/fast-lane");
    installRequestHook(env().SHOP_FAST_LANE ? serveFastLane : undefined);
    const { startGarbageCollector } = await import("./lib/session/gc-timer");
    startGarbageCollector();
  }
}
