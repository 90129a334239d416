// Prometheus text exposition of this web node's metrics, for a scraper with
// the bearer token (METRICS_TOKEN) or a signed-in admin; anyone else gets
// 401/403. The session gauges come from lib/observability/metrics.ts's cache:
// at most one COUNT over php_session every few seconds, however often it is scraped.
import { timingSafeEqual } from "node:crypto";
import { connection } from "next/server";
import { requireAdmin } from "@/lib/admin/sessions";
import { env } from "@/lib/env";
import { route } from "@/lib/http";
import { metricsRegistry, refreshSessionGauges } from "@/lib/observability/metrics";
import { sessionStore } from "@/lib/session";

function hasMetricsToken(request: Request): boolean {
  const expected = env().METRICS_TOKEN;
  const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(request.headers.get("authorization") ?? "");
  if (!expected || !match) return false;
  const given = Buffer.from(match[1]);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export const GET = route(async (request: Request) => {
  await connection();
  if (!hasMetricsToken(request)) await requireAdmin();
  await refreshSessionGauges(() => sessionStore().countActive());
  return new Response(await metricsRegistry.metrics(), {
    headers: { "content-type": metricsRegistry.contentType, "cache-control": "no-store" },
  });
});
