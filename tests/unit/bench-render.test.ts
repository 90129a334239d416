// `npm run bench -- --render <results.json>` must rebuild exactly what the run
// wrote (bench/write-report.ts): the committed run of 2026-12-03T07-10-23Z is
// rendered again into a temporary folder and compared file by file. Its
// summary ends with the deploy phase's section, which the render used to drop.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchResults } from "@/bench/run";
import { buildReport } from "@/bench/report";
import { summary, writeReport } from "@/bench/write-report";

const RESULTS = join(__dirname, "../../bench/results");
const STAMP = "2026-12-03T07-10-23Z";
const results = JSON.parse(readFileSync(join(RESULTS, `${STAMP}.json`), "utf8")) as BenchResults;
const out = mkdtempSync(join(tmpdir(), "bench-render-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("bench --render", () => {
  it("writes the committed run's summary and every chart, the deploy phase's included", () => {
    const { charts } = writeReport(results, out, STAMP);
    expect(readFileSync(join(out, `${STAMP}.md`), "utf8")).toBe(readFileSync(join(RESULTS, `${STAMP}.md`), "utf8"));
    const committed = readdirSync(join(RESULTS, STAMP)).sort();
    expect(readdirSync(join(out, STAMP)).sort()).toEqual(committed);
    expect(committed).toContain("deploy-under-load.svg");
    expect(charts).toBe(committed.length);
    for (const file of committed) expect(readFileSync(join(out, STAMP, file), "utf8"), file).toBe(readFileSync(join(RESULTS, STAMP, file), "utf8"));
  });

  it("gives the summary a deploy section only when the deploy phase ran", () => {
    const withDeploy = summary(results, buildReport(results), "latest");
    expect(withDeploy).toContain("latest/deploy-under-load.svg");
    const without = { ...results, phases: { ...results.phases, deploy: { ok: false as const, skipped: true as const } } };
    const withoutDeploy = summary(without, buildReport(without), "latest");
    expect(withoutDeploy).not.toContain("deploy-under-load.svg");
    expect(withoutDeploy).toBe(withDeploy.slice(0, withoutDeploy.length));
  });
});
