import { connection } from "next/server";
import { log } from "@/lib/log";
import { metrics, metricsRegistry } from "@/lib/observability/metrics";
import { sessionStore } from "@/lib/session";

/** Prometheus text exposition of this web node's metrics. */
export async function GET() {
  await connection();
  try {
    const { anonymous, signedIn } = await sessionStore().countActive();
    metrics().sessionsActive.set({ kind: "anonymous" }, anonymous);
    metrics().sessionsActive.set({ kind: "signed_in" }, signedIn);
  } catch (error) {
    log().warn({ err: error }, "metrics: could not count sessions");
  }
  return new Response(await metricsRegistry.metrics(), {
    headers: { "content-type": metricsRegistry.contentType, "cache-control": "no-store" },
  });
}
