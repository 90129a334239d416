// Runs once when a web node starts: per-request logs, metrics and X-Served-By
// for every response, and the session garbage collector.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { installRequestHook } = await import("./lib/observability/request-hook");
    installRequestHook();
    const { startGarbageCollector } = await import("./lib/session/gc-timer");
    startGarbageCollector();
  }
}
