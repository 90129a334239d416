// The bench's median of rounds (bench/http.ts medianCase): the http phase's
// figures for the two API requests are each target's median round, so the
// pick and the error sums must be right or the report's ratios are not.
import { describe, expect, it } from "vitest";
import { medianCase, type HttpCase } from "@/bench/http";

function run(reqPerSec: number, extra: Partial<HttpCase> = {}): HttpCase {
  return {
    request: "POST /api/cart/items",
    target: "nginx (3 nodes)",
    reqPerSec,
    requests: reqPerSec * 10,
    durationS: 10,
    latencyMs: { n: reqPerSec * 10, p50: 1000 / reqPerSec, p90: 0, p99: 2000 / reqPerSec, max: 0 },
    non2xx: 0,
    socketErrors: 0,
    statusCounts: { "200": reqPerSec * 10 },
    ...extra,
  } as HttpCase;
}

describe("medianCase", () => {
  it("takes the middle round by req/s, with its own latencies, and lists every round in the order run", () => {
    const picked = medianCase([run(1500), run(1200), run(1371)]);
    expect(picked.reqPerSec).toBe(1371);
    expect(picked.latencyMs.p50).toBeCloseTo(1000 / 1371);
    expect(picked.roundsReqPerSec).toEqual([1500, 1200, 1371]);
  });

  it("takes the lower middle of an even count (never a flattering pick)", () => {
    expect(medianCase([run(900), run(1000), run(1100), run(800)]).reqPerSec).toBe(900);
  });

  it("sums errors and status counts over all rounds, so one bad round shows", () => {
    const picked = medianCase([
      run(1000),
      run(1100, { non2xx: 3, socketErrors: 2, statusCounts: { "200": 10997, "503": 3 } }),
      run(1200),
    ]);
    expect(picked.reqPerSec).toBe(1100);
    expect(picked.non2xx).toBe(3);
    expect(picked.socketErrors).toBe(2);
    expect(picked.statusCounts).toEqual({ "200": 10000 + 10997 + 12000, "503": 3 });
  });

  it("returns a single round as it is and refuses none", () => {
    const one = run(700);
    expect(medianCase([one])).toBe(one);
    expect(() => medianCase([])).toThrow(/no rounds/);
  });
});
