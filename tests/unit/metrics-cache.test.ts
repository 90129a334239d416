import { describe, expect, it } from "vitest";
import { SESSION_GAUGE_TTL_MS, metricsRegistry, refreshSessionGauges } from "@/lib/observability/metrics";

describe("session gauges", () => {
  it("count at most once per interval, however many scrapes arrive", async () => {
    let counts = 0;
    const count = async () => {
      counts++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { anonymous: 7, signedIn: 2 };
    };
    await Promise.all(Array.from({ length: 20 }, () => refreshSessionGauges(count)));
    for (let i = 0; i < 20; i++) await refreshSessionGauges(count);
    expect(counts).toBe(1);
    expect(await metricsRegistry.getSingleMetricAsString("shop_sessions_active")).toContain('kind="anonymous"} 7');
    await refreshSessionGauges(count, Date.now() + SESSION_GAUGE_TTL_MS + 1);
    expect(counts).toBe(2);
  });
});
