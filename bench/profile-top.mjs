// Top self-time entries of a V8 CPU profile (node --cpu-prof), by function
// and by package, as the report in docs/benchmarks.md quotes them.
//   node bench/profile-top.mjs <file.cpuprofile> [top N]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const top = Number(topArg ?? 25);
const self = new Map();
const dt = new Map();
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
let total = 0;
const byPackage = new Map();
const packageOf = (url, name) => {
  if (!url) return name.startsWith("(") ? name : "(native/builtin)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith("node:")) return "node core";
  if (/\.next\/server\/chunks/.test(url)) return "app chunks (.next/server/chunks)";
  if (/\.next\/server/.test(url)) return "app (.next/server)";
  return url.replace(/^.*\//, "");
};
for (const [id, us] of dt) {
  const n = nodes.get(id);
  const { functionName, url, lineNumber } = n.callFrame;
  const name = functionName || "(anonymous)";
  const key = `${name}  ${url ? url.replace(/^.*node_modules\//, "").replace(/^.*\.next\//, ".next/") : ""}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  const pkg = packageOf(url, name);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  total += us;
}
const pct = (v) => `${((v / total) * 100).toFixed(1)}%`.padStart(6);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled`);
console.log("\nby package:");
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(v)}  ${k}`);
console.log("\nby function (self time):");
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
