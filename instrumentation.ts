// Runs once when a web node starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startGarbageCollector } = await import("./lib/session/gc-timer");
    startGarbageCollector();
  }
}
