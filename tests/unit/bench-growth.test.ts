// The growth phase's ratios (bench/growth.ts growthRatios) and their summary
// (bench/report.ts): reads at 1,000,000 rows against 1,000, and the control
// read that separates the table's growth from the machine's drift between the
// two measurements. A run whose reads doubled with the table must still show
// it, whatever the control did not do.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { growthRatios, type ReadCase } from "@/bench/growth";
import { buildReport } from "@/bench/report";
import type { BenchResults } from "@/bench/run";
import { summary } from "@/bench/write-report";

const latency = (p50: number, p99 = p50 * 3) => ({ n: 2000, p50, p90: p50 * 2, p99, max: p99 * 2, mean: p50 * 1.2 });
const read = (live: number, cold: number, control?: number): ReadCase => ({
  tableRows: 1000,
  liveReadUs: latency(live),
  coldReadUs: latency(cold),
  ...(control === undefined ? {} : { controlReadUs: latency(control) }),
});

describe("growthRatios", () => {
  it("gives large ÷ small, and no control figures for a run without the control", () => {
    const ratios = growthRatios(read(150, 120), read(225, 150));
    expect(ratios).toEqual({ liveP50: 1.5, liveP99: 1.5, coldP50: 1.25, coldP99: 1.25 });
  });

  it("takes the machine's drift out: reads 1.6× slower with the control 1.6× slower too is no growth", () => {
    const ratios = growthRatios(read(146, 117, 100), read(234, 167, 160));
    expect(ratios.liveP50).toBe(1.6);
    expect(ratios.controlP50).toBe(1.6);
    expect(ratios.liveP50NetOfDrift).toBe(1);
  });

  it("keeps a real growth: reads twice as slow with the control unchanged is 2× net (over the 1.5× goal)", () => {
    const ratios = growthRatios(read(150, 120, 100), read(300, 240, 101));
    expect(ratios.liveP50NetOfDrift).toBeGreaterThan(1.5);
    expect(ratios.liveP50NetOfDrift).toBe(1.98);
  });

  it("does not credit a faster machine: reads level while the control got twice as fast is 2× net", () => {
    expect(growthRatios(read(150, 120, 100), read(150, 120, 50)).liveP50NetOfDrift).toBe(2);
  });
});

describe("the growth section of the summary", () => {
  const stamp = "2026-12-03T15-41-36Z";
  const results = JSON.parse(readFileSync(join(__dirname, "../../bench/results", `${stamp}.json`), "utf8")) as BenchResults;

  it("renders a run without the control as before: no control column, no drift line", () => {
    const text = summary(results, buildReport(results), "latest");
    expect(text).toContain("| ratio | 1.15× /");
    expect(text).not.toContain("control: a product by key");
  });

  it("adds the control column and the figure net of drift when the run has them", () => {
    if (!results.phases.growth.ok) throw new Error("the committed run's growth phase failed");
    const g = results.phases.growth.value;
    const small = { ...g.small, controlReadUs: latency(100) };
    const large = { ...g.large, controlReadUs: latency(125) };
    const withControl = {
      ...results,
      phases: { ...results.phases, growth: { ...results.phases.growth, value: { ...g, small, large, ratios: growthRatios(small, large) } } },
    } as BenchResults;
    const text = summary(withControl, buildReport(withControl), "latest");
    expect(text).toContain("control: a product by key p50 / p99 |");
    expect(text).toContain("| 1,000 | 156 µs /");
    expect(text).toContain("its ratio (**1.25×** at p50)");
    expect(text).toContain("grew **0.92×** with the table (goal ≤ 1.5×; the raw ratio is 1.15×)");
  });
});
