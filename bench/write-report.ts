// Writing a run's files: the same for a live run and for `npm run bench --
// --render <results.json>` (bench/run.ts), so a rendered run matches what the
// run wrote, the deploy phase's chart and section included.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployChart, deployMarkdown } from "./deploy";
import { buildReport, type Report } from "./report";
import type { BenchResults } from "./run";

/** A run's summary (its `report`), the deploy phase's section included; `stamp` names the folder its charts are in. */
export function summary(results: BenchResults, report: Report, stamp: string): string {
  const deploy = results.phases.deploy;
  return report.markdown(stamp) + (deploy?.ok ? deployMarkdown(deploy.value, `${stamp}/deploy-under-load.svg`) : "");
}

/**
 * A run's charts (in `<resultsDir>/<stamp>/`) and summary (`<resultsDir>/<stamp>.md`), the deploy
 * phase's chart included: the same files from a live run and from `--render`. Returns the report
 * (built once) and how many charts were written.
 */
export function writeReport(results: BenchResults, resultsDir: string, stamp: string): { report: Report; charts: number } {
  const report = buildReport(results);
  const charts = Object.entries(report.charts);
  const deploy = results.phases.deploy;
  if (deploy?.ok) charts.push(["deploy-under-load", deployChart(deploy.value)]);
  mkdirSync(join(resultsDir, stamp), { recursive: true });
  for (const [name, svg] of charts) writeFileSync(join(resultsDir, stamp, `${name}.svg`), svg);
  writeFileSync(join(resultsDir, `${stamp}.md`), summary(results, report, stamp));
  return { report, charts: charts.length };
}
