// Prometheus metrics (prom-client), served by GET /api/metrics. prom-client is
// an external package (next.config.ts), so the request hook, the session store
// and the route handler all share Node's one copy and its default registry.
import client from "prom-client";

const KEY = Symbol.for("shopcluster.metrics");

function create() {
  client.collectDefaultMetrics({ prefix: "shop_node_" });
  return {
    httpRequests: new client.Counter({
      name: "shop_http_requests_total",
      help: "HTTP requests served by this web node, by route pattern, method and status.",
      labelNames: ["route", "method", "status"] as const,
    }),
    httpDuration: new client.Histogram({
      name: "shop_http_request_duration_seconds",
      help: "Time from request to the end of the response, by route pattern.",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    sessionStoreDuration: new client.Histogram({
      name: "shop_session_store_duration_seconds",
      help: "Latency of session store operations, retries included.",
      labelNames: ["op", "outcome"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    }),
    sessionRetries: new client.Counter({
      name: "shop_session_conflict_retries_total",
      help: "Session changes retried after a version conflict, a cluster conflict (1213/1205/1297) or a lost connection.",
    }),
    gcDeleted: new client.Counter({
      name: "shop_session_gc_deleted_total",
      help: "Expired php_session rows deleted by this node's garbage collection.",
    }),
    gcRuns: new client.Counter({
      name: "shop_session_gc_runs_total",
      help: "Garbage-collection attempts by this node, by whether it held the lease.",
      labelNames: ["ran"] as const,
    }),
    sessionsActive: new client.Gauge({
      name: "shop_sessions_active",
      help: "Unexpired php_session rows, by kind (counted in the database at most every SESSION_GAUGE_TTL_MS).",
      labelNames: ["kind"] as const,
    }),
  };
}

export type Metrics = ReturnType<typeof create>;

export function metrics(): Metrics {
  const g = globalThis as typeof globalThis & { [KEY]?: Metrics };
  g[KEY] ??= create();
  return g[KEY];
}

export const metricsRegistry = client.register;

/** How long a session count is reused: scrapes never add load on php_session beyond one COUNT per interval. */
export const SESSION_GAUGE_TTL_MS = 5000;

const GAUGE_KEY = Symbol.for("shopcluster.metrics.sessionGauges");
type GaugeState = { at: number; pending: Promise<void> | null };

/**
 * Refresh the session gauges if the last count is older than the TTL; callers
 * arriving meanwhile share one count. A failed count keeps the previous values.
 */
export async function refreshSessionGauges(
  count: () => Promise<{ anonymous: number; signedIn: number }>,
  now = Date.now(),
): Promise<void> {
  const g = globalThis as typeof globalThis & { [GAUGE_KEY]?: GaugeState };
  const state = (g[GAUGE_KEY] ??= { at: 0, pending: null });
  if (state.pending) return state.pending;
  if (now - state.at < SESSION_GAUGE_TTL_MS) return;
  state.pending = (async () => {
    try {
      const { anonymous, signedIn } = await count();
      metrics().sessionsActive.set({ kind: "anonymous" }, anonymous);
      metrics().sessionsActive.set({ kind: "signed_in" }, signedIn);
      state.at = Date.now();
    } catch {
      // Keep the last values; try again on the next scrape.
    } finally {
      state.pending = null;
    }
  })();
  return state.pending;
}

/** A bounded set of route labels: ids and slugs collapse into their pattern. */
export function routePattern(pathname: string): string {
  if (pathname.startsWith("/_next/")) return "/_next/*";
  if (pathname.startsWith("/products/") && pathname.endsWith(".svg")) return "/products/*.svg";
  if (/^\/products\/[^/]+$/.test(pathname)) return "/products/[slug]";
  if (/^\/api\/cart\/items\/[^/]+$/.test(pathname)) return "/api/cart/items/[productId]";
  if (pathname.startsWith("/api/auth/")) return "/api/auth/*";
  const known = ["/", "/cart", "/sign-in", "/account", "/admin", "/api/health", "/api/products", "/api/cart",
    "/api/cart/items", "/api/orders", "/api/metrics", "/api/admin/cluster", "/favicon.svg", "/icon.svg"];
  return known.includes(pathname) ? pathname : "other";
}
