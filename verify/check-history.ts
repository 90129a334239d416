// `npx tsx verify/check-history.ts <history.jsonl[.gz]>`: re-checks a recorded
// history (no cluster needed) and prints its anomalies; exit code 1 if any.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { checkHistory } from "./checker";
import { parseHistoryText } from "./history";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: npx tsx verify/check-history.ts <history.jsonl[.gz]>\n");
  process.exit(2);
}
const raw = readFileSync(file);
const history = parseHistoryText((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
const result = checkHistory(history);
const counts = new Map<string, number>();
for (const anomaly of result.anomalies) counts.set(anomaly.kind, (counts.get(anomaly.kind) ?? 0) + 1);
process.stdout.write(`${history.ops.length} operations, ${result.anomalies.length} anomalies ${JSON.stringify(Object.fromEntries(counts))}\n`);
for (const anomaly of result.anomalies.slice(0, Number(process.argv[3] ?? 30))) {
  process.stdout.write(`${anomaly.kind} ${anomaly.client ?? ""} ops [${anomaly.ops.join(",")}]: ${anomaly.message}\n`);
}
process.stdout.write(`${JSON.stringify(result.stats)}\n`);
process.exit(result.valid ? 0 : 1);
