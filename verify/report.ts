// Results of one verify run: summary.json (figures), summary.md (the same for
// people) and timeline.svg (operations per second by outcome, fault windows
// shaded). Pure functions of the history and the checker's result.
import { formatNumber, niceTicks } from "../bench/lib/svg";
import { ANOMALY_KINDS, type CheckResult } from "./checker";
import type { History } from "./history";

export interface RunInfo {
  schedule: string;
  seed: number;
  clients: number;
  startedAt: string;
  durationS: number;
  workloadS: number;
  command: string;
  /** The naive writer's control run: did the checker flag its lost updates? */
  control?: { ops: number; lostUpdates: number; flagged: boolean } | null;
  healthyAfter: boolean;
}

export interface Summary {
  run: RunInfo;
  operations: { total: number; ok: number; fail: number; unknown: number; byKind: Record<string, { ok: number; fail: number; unknown: number }> };
  statuses: Record<string, number>;
  faults: { fault: string; target: string; detail?: string; startS: number; endS: number | null }[];
  faultKinds: string[];
  anomalies: { total: number; byKind: Record<string, number>; list: CheckResult["anomalies"] };
  checker: CheckResult["stats"];
}

export function summarize(history: History, result: CheckResult, run: RunInfo): Summary {
  const origin = originOf(history);
  const byKind: Summary["operations"]["byKind"] = {};
  const statuses: Record<string, number> = {};
  const totals = { ok: 0, fail: 0, unknown: 0 };
  for (const op of history.ops) {
    totals[op.outcome] += 1;
    const entry = (byKind[op.f] ??= { ok: 0, fail: 0, unknown: 0 });
    entry[op.outcome] += 1;
    const status = op.outcome === "unknown" ? "unknown" : String(op.status ?? "?");
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  const anomaliesByKind = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, result.anomalies.filter((a) => a.kind === kind).length]));
  return {
    run,
    operations: { total: history.ops.length, ...totals, byKind },
    statuses,
    faults: history.faults.map((fault) => ({
      fault: fault.fault,
      target: fault.target,
      detail: fault.detail,
      startS: round((fault.startMono - origin) / 1000),
      endS: fault.endMono === null ? null : round((fault.endMono - origin) / 1000),
    })),
    faultKinds: [...new Set(history.faults.map((fault) => fault.fault))].sort(),
    anomalies: { total: result.anomalies.length, byKind: anomaliesByKind, list: result.anomalies.slice(0, 500) },
    checker: result.stats,
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

function originOf(history: History): number {
  return history.meta?.mono ?? Math.min(...history.ops.map((op) => op.invokeMono));
}

export function renderMarkdown(summary: Summary): string {
  const { run, operations, anomalies } = summary;
  const lines = [
    `# verify: ${run.schedule} schedule, seed ${run.seed}`,
    "",
    `Started ${run.startedAt}, ${run.clients} clients through nginx, workload ${run.workloadS} s, whole run ${run.durationS} s. Replay: \`${run.command}\`.`,
    "",
    `**${anomalies.total === 0 ? "0 anomalies" : `${anomalies.total} anomalies`}** over ${operations.total} operations` +
      ` (${operations.ok} ok, ${operations.fail} fail, ${operations.unknown} unknown). Cluster healthy afterwards: ${run.healthyAfter ? "yes" : "NO"}.`,
    "",
  ];
  if (run.control) {
    lines.push(
      `Control: the naive read-modify-write writer made ${run.control.ops} adds straight against the database; the checker ${run.control.flagged ? `flagged ${run.control.lostUpdates} lost update(s)` : "did NOT flag it"}.`,
      "",
    );
  }
  lines.push("## Operations", "", "| kind | ok | fail | unknown |", "| --- | ---: | ---: | ---: |");
  for (const [kind, counts] of Object.entries(operations.byKind).sort()) lines.push(`| ${kind} | ${counts.ok} | ${counts.fail} | ${counts.unknown} |`);
  lines.push("", `Statuses: ${Object.entries(summary.statuses).sort().map(([status, count]) => `${status}: ${count}`).join(", ")}.`, "");
  lines.push("## Faults", "", "| fault | target | from (s) | to (s) | detail |", "| --- | --- | ---: | ---: | --- |");
  for (const fault of summary.faults) lines.push(`| ${fault.fault} | ${fault.target} | ${fault.startS} | ${fault.endS ?? "open"} | ${fault.detail ?? ""} |`);
  lines.push("", "## Anomalies", "", "| kind | count |", "| --- | ---: |");
  for (const [kind, count] of Object.entries(anomalies.byKind)) lines.push(`| ${kind} | ${count} |`);
  if (anomalies.list.length > 0) {
    lines.push("", "First anomalies (op ids refer to history.jsonl):", "");
    for (const anomaly of anomalies.list.slice(0, 40)) lines.push(`- **${anomaly.kind}** ${anomaly.client ?? ""} ops [${anomaly.ops.join(", ")}]: ${anomaly.message}`);
  }
  const c = summary.checker;
  lines.push(
    "",
    "## Checker",
    "",
    `${c.lineages} session lineages (${c.lineagesWithFinal} compared with a final cart, ${c.abandonedLineages} abandoned after a sign-in/out of unknown outcome), ` +
      `${c.logicalChanges} logical changes (${c.unknownChanges} of unknown outcome), ${c.observations} reads checked; ` +
      `${c.productsChecked} lineage×product searches, ${c.productsUnchecked} over the search budget (unchecked).`,
    "",
  );
  return `${lines.join("\n")}\n`;
}

const WIDTH = 900;
const HEIGHT = 380;
const M = { top: 56, right: 20, bottom: 48, left: 60 };
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\"";
const FAULT_COLORS: Record<string, string> = {
  "kill-web": "#fecaca", "kill-db": "#fca5a5", "pause-db": "#fde68a", "partition-db": "#c7d2fe",
  "skew-web": "#bbf7d0", "restart-web": "#e9d5ff", "restart-db": "#f5d0fe",
};

/** Operations per second (ok, fail, unknown) over the run, with fault windows shaded. */
export function renderTimeline(history: History, title: string): string {
  const origin = originOf(history);
  const seconds = Math.max(1, Math.ceil(Math.max(...history.ops.map((op) => (Number.isFinite(op.completeMono) ? op.completeMono : op.invokeMono) - origin), 1000) / 1000));
  const buckets = { ok: new Array<number>(seconds + 1).fill(0), fail: new Array<number>(seconds + 1).fill(0), unknown: new Array<number>(seconds + 1).fill(0) };
  for (const op of history.ops) {
    const at = Number.isFinite(op.completeMono) ? op.completeMono : op.invokeMono;
    const second = Math.min(seconds, Math.max(0, Math.floor((at - origin) / 1000)));
    buckets[op.outcome][second]! += 1;
  }
  const top = Math.max(1, ...buckets.ok, ...buckets.fail, ...buckets.unknown);
  const ticks = niceTicks(0, top * 1.1);
  const yMax = ticks[ticks.length - 1]!;
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const x = (s: number) => M.left + (s / seconds) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="600" fill="#0f172a" ${FONT}>${escape(title)}</text>`,
    `<text x="${M.left}" y="42" font-size="12" fill="#475569" ${FONT}>operations completed per second by outcome; shaded: fault windows</text>`,
  ];
  for (const fault of history.faults) {
    const from = (fault.startMono - origin) / 1000;
    const to = ((fault.endMono ?? fault.startMono) - origin) / 1000;
    const color = FAULT_COLORS[fault.fault] ?? "#e2e8f0";
    parts.push(`<rect x="${f(x(from))}" y="${M.top}" width="${f(Math.max(1, x(to) - x(from)))}" height="${plotH}" fill="${color}" opacity="0.7"><title>${escape(`${fault.fault} ${fault.target} ${f(from)}-${f(to)} s`)}</title></rect>`);
    parts.push(`<text x="${f(x(from) + 2)}" y="${M.top + 11}" font-size="9" fill="#334155" ${FONT} transform="rotate(90 ${f(x(from) + 2)} ${M.top + 11})">${escape(`${fault.fault} ${fault.target}`)}</text>`);
  }
  for (const tick of ticks) {
    parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${f(y(tick))}" y2="${f(y(tick))}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${M.left - 8}" y="${f(y(tick) + 4)}" font-size="11" text-anchor="end" fill="#475569" ${FONT}>${formatNumber(tick)}</text>`);
  }
  const xTicks = niceTicks(0, seconds);
  for (const tick of xTicks) {
    if (tick > seconds) continue;
    parts.push(`<text x="${f(x(tick))}" y="${M.top + plotH + 18}" font-size="11" text-anchor="middle" fill="#475569" ${FONT}>${formatNumber(tick)}</text>`);
  }
  parts.push(`<text x="${M.left + plotW / 2}" y="${HEIGHT - 8}" font-size="12" text-anchor="middle" fill="#334155" ${FONT}>seconds since the workload started</text>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#94a3b8"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#94a3b8"/>`);
  const series: [keyof typeof buckets, string][] = [["ok", "#16a34a"], ["fail", "#dc2626"], ["unknown", "#f97316"]];
  for (const [name, color] of series) {
    const points = buckets[name].map((value, second) => `${f(x(second))},${f(y(value))}`).join(" ");
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
  }
  series.forEach(([name, color], index) => {
    const lx = WIDTH - M.right - 260 + index * 88;
    parts.push(`<rect x="${lx}" y="14" width="12" height="12" fill="${color}"/>`, `<text x="${lx + 16}" y="24" font-size="12" fill="#334155" ${FONT}>${name}/s</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">\n${parts.join("\n")}\n</svg>\n`;
}

const f = (value: number) => (Math.round(value * 10) / 10).toString();

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
