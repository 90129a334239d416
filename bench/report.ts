// Turns a results object into the files a reader looks at: SVG charts and a
// markdown summary (tables of figures with their ratios, the machine, the
// charts). Pure: results in, file contents out; bench/run.ts writes them.
import type { BenchResults } from "./run";
import { barChart, lineChart } from "./lib/svg";

export interface Report {
  charts: Record<string, string>;
  markdown(chartDir: string): string;
}

const us = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : `${Math.round(v).toLocaleString("en")} µs`);
const ms = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : `${v.toFixed(d)} ms`);
const x = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "n/a" : `${v.toFixed(2)}×`);
const n = (v: number) => v.toLocaleString("en");

export function buildReport(results: BenchResults): Report {
  const charts: Record<string, string> = {};
  const { store, http, contention, failover, growth } = results.phases;

  if (store.ok) {
    const r = store.value;
    const ops = ["read", "touch", "change"] as const;
    // p50 and p99 on separate charts: on a shared machine p99 is often ten times p50.
    for (const pct of ["p50", "p99"] as const) {
      charts[`store-vs-raw-${pct}`] = barChart({
        title: `Session store vs raw mariadb driver vs Prisma 7 (${pct})`,
        subtitle: `${pct} of ${n(r.opsPerCase)} interleaved operations per case, one connection each, same server`,
        categories: ["read", "read + touch", "atomic change"],
        series: (["store", "raw", "prisma"] as const).map((impl) => ({
          name: impl === "store" ? "session store" : impl === "raw" ? "raw driver" : "Prisma 7",
          values: ops.map((op) => r.latencyUs[op][impl][pct]),
        })),
        yLabel: `µs per operation (${pct})`,
        format: (v) => `${Math.round(v)}`,
      });
    }
  }
  if (http.ok) {
    const cases = http.value.cases;
    const get = (request: string, target: string) => cases.find((c) => c.request === request && c.target === target)!;
    const requests = ["GET /api/cart", "POST /api/cart/items"];
    const targets = ["nginx (3 nodes)", "web-1 direct"];
    charts["http-throughput"] = barChart({
      title: "HTTP throughput: nginx over 3 web nodes vs one node direct",
      subtitle: `${http.value.connections} connections, ${http.value.sessions} sessions, ${http.value.durationS} s per case in alternating segments (autocannon)`,
      categories: requests,
      series: targets.map((target) => ({ name: target, values: requests.map((req) => get(req, target).reqPerSec) })),
      yLabel: "requests per second",
      format: (v) => `${Math.round(v)}`,
    });
    charts["http-latency"] = barChart({
      title: "HTTP latency: nginx over 3 web nodes vs one node direct",
      subtitle: `${http.value.connections} connections; 2xx responses`,
      categories: requests.flatMap((req) => [`${req.split(" ")[0]} p50`, `${req.split(" ")[0]} p99`]),
      series: targets.map((target) => ({
        name: target,
        values: requests.flatMap((req) => [get(req, target).latencyMs.p50, get(req, target).latencyMs.p99]),
      })),
      yLabel: "ms per request",
      format: (v) => `${Math.round(v)}`,
    });
  }
  if (failover.ok) {
    const f = failover.value;
    const markers = f.events.filter((e) => e.action === "kill").map((e) => ({ x: e.atS, label: `kill ${e.node}` }));
    // Whole seconds only: the last, partial one would read as a drop in throughput.
    const seconds = f.perSecond.filter((s) => s.second < Math.floor(f.durationS));
    charts["failover-throughput"] = lineChart({
      title: "Failover under constant load: throughput",
      subtitle: `${f.rate} req/s offered through nginx, GET/POST mixed over ${f.sessions} sessions; completions per second`,
      series: [
        { name: "2xx per second", points: seconds.map((s) => [s.second, s.ok]) },
        { name: "errors per second", points: seconds.map((s) => [s.second, s.non2xx + s.errors]), color: "#dc2626" },
      ],
      markers,
      xLabel: "seconds since the load began",
      yLabel: "responses per second",
      xMax: Math.floor(f.durationS),
    });
    charts["failover-latency"] = lineChart({
      title: "Failover under constant load: latency",
      subtitle: "p99 and maximum of the requests completed in each second",
      series: [
        { name: "p99", points: seconds.map((s) => [s.second, s.p99Ms ?? NaN]) },
        { name: "max", points: seconds.map((s) => [s.second, s.maxMs ?? NaN]), color: "#f97316", dashed: true },
      ],
      markers,
      xLabel: "seconds since the load began",
      yLabel: "ms",
      xMax: Math.floor(f.durationS),
    });
  }
  if (growth.ok) {
    const g = growth.value;
    charts["growth"] = barChart({
      title: "Live session reads as php_session grows, and during GC",
      subtitle: `store.load of ${g.liveSessions} live sessions at random; GC deleting ${n(g.gc.deleted)} expired rows in batches of ${g.gc.batchSize}`,
      categories: [`${n(g.small.tableRows)} rows`, `${n(g.large.tableRows)} rows`, "same, during GC"],
      series: (["p50", "p99"] as const).map((pct) => ({
        name: pct,
        values: [g.small.liveReadUs[pct], g.large.liveReadUs[pct], g.gc.readsDuringUs[pct]],
      })),
      yLabel: "µs per read",
      format: (v) => `${Math.round(v)}`,
    });
    charts["gc-timeline"] = lineChart({
      title: `Reads and cart writes while GC deletes ${n(g.gc.deleted)} rows`,
      subtitle: `collectGarbage took ${g.gc.seconds} s (${n(g.gc.rowsPerSecond)} rows/s); per second of the collection`,
      series: [
        { name: "read p99", points: g.gc.timeline.map((t) => [t.second, t.readP99Ms]) },
        { name: "read max", points: g.gc.timeline.map((t) => [t.second, t.readMaxMs]), color: "#f97316", dashed: true },
        { name: "cart write max", points: g.gc.timeline.map((t) => [t.second, t.changeMaxMs]), color: "#16a34a" },
      ],
      xLabel: "seconds since GC began",
      yLabel: "ms",
    });
  }

  const markdown = (chartDir: string) => {
    const img = (name: string, alt: string) => (charts[name] ? `![${alt}](${chartDir}/${name}.svg)\n` : "");
    const m = results.machine;
    const lines: string[] = [
      `# Benchmark results (${results.mode} run, ${results.startedAt.slice(0, 16).replace("T", " ")} UTC)`,
      "",
      `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; MariaDB ${m.mariadb}${m.galera ? `, Galera ${m.galera}` : ""}; load average at start ${m.loadAverageAtStart.join(" / ")}.`,
      `Cluster: ${results.cluster ? `${results.cluster.web} web nodes behind nginx, ${results.cluster.db} Galera nodes, all on this machine` : "none (database phases only)"}. Whole run: ${Math.round(results.durationS)} s.`,
      "",
      "Absolute times drift on a shared 2-core machine that also runs the whole cluster and the load generator; the ratios, measured side by side in one run, are the figures to compare.",
      "",
    ];
    const failed = (name: string, phase: { error?: string; skipped?: true }) =>
      phase.skipped ? [`_${name}: skipped in this run._`, ""] : [`_${name}: failed: ${phase.error}_`, ""];

    lines.push("## 1. Session store vs raw driver vs Prisma", "");
    if (store.ok) {
      const r = store.value;
      lines.push(
        `Same server (${results.database.replace(/^mariadb:\/\/[^@]*@/, "")}), one connection each, ${n(r.warmupPerCase)} warm-up and ${n(r.opsPerCase)} measured operations per case, interleaved op by op. Target: store within ${r.targetStoreVsRaw}× of raw at p50 (${r.meetsTarget ? "met" : "**not met**"}).`,
        "",
        "| operation | store p50 / p99 | raw p50 / p99 | Prisma p50 / p99 | store/raw p50 (p99) | Prisma/raw p50 (p99) |",
        "|---|---|---|---|---|---|",
      );
      for (const op of ["read", "touch", "change"] as const) {
        const l = r.latencyUs[op];
        const q = r.ratios[op];
        const label = op === "read" ? "read" : op === "touch" ? "read + touch" : "atomic change";
        lines.push(
          `| ${label} | ${us(l.store.p50)} / ${us(l.store.p99)} | ${us(l.raw.p50)} / ${us(l.raw.p99)} | ${us(l.prisma.p50)} / ${us(l.prisma.p99)} | **${x(q.storeVsRawP50)}** (${x(q.storeVsRawP99)}) | ${x(q.prismaVsRawP50)} (${x(q.prismaVsRawP99)}) |`,
        );
      }
      const c = r.cpuUs;
      lines.push(
        "",
        `Where the store's extra time goes (CPU per call, p50, timed in the same loop): SHA-256 of the cookie id ${c.sha256OfId} µs, zod validation of the session data ${c.zodParse} µs (plain JSON.parse ${c.jsonParse} µs), zod-checked serialisation ${c.zodSerialize} µs (plain JSON.stringify ${c.jsonStringify} µs).`,
      );
      lines.push("", img("store-vs-raw-p50", "store vs raw vs Prisma, p50"), img("store-vs-raw-p99", "store vs raw vs Prisma, p99"));
    } else lines.push(...failed("store", store));

    lines.push("## 2. HTTP through the cluster", "");
    if (http.ok) {
      const h = http.value;
      lines.push(
        `autocannon in a child process, ${h.connections} connections, ${h.durationS} s per case in ${h.segments} segments (nginx and direct alternating, A B B A A B), each request carrying the next of ${h.sessions} session cookies. Latency of 2xx responses.`,
        "",
        "| request | target | req/s | p50 | p99 | non-2xx | errors |",
        "|---|---|---|---|---|---|---|",
        ...h.cases.map((c) => `| ${c.request} | ${c.target} | ${n(Math.round(c.reqPerSec))} | ${ms(c.latencyMs.p50)} | ${ms(c.latencyMs.p99)} | ${c.non2xx} | ${c.errors} |`),
        "",
        `nginx over 3 nodes / one node direct: GET ${x(h.ratios.getReqPerSec)} the throughput (p99 ${x(h.ratios.getP99)}), POST ${x(h.ratios.postReqPerSec)} the throughput (p99 ${x(h.ratios.postP99)}).`,
        "",
        img("http-throughput", "HTTP throughput"),
        img("http-latency", "HTTP latency"),
      );
    } else lines.push(...failed("http", http));

    lines.push("## 3. Same-session contention", "");
    if (contention.ok) {
      const c = contention.value;
      lines.push(
        `${c.rounds} rounds of ${c.concurrency} concurrent \`POST /api/cart/items\` (quantity 1) to one fresh session, sent round robin straight to ${c.targets.join(", ")}:`,
        "",
        `- ${n(c.ok)} of ${n(c.requests)} succeeded, ${c.errors} errors; ${c.okPerSec} successful adds/s; latency p50 ${ms(c.latencyMs.p50)}, p99 ${ms(c.latencyMs.p99)}.`,
        `- Final quantity equal to the number of successful responses in ${c.consistentRounds} of ${c.rounds} rounds${c.allConsistent ? " (no lost and no phantom adds)" : " — **mismatch**"}.`,
        "",
      );
    } else lines.push(...failed("contention", contention));

    lines.push("## 4. Failover under load", "");
    if (failover.ok) {
      const f = failover.value;
      const kills = f.events.filter((e) => e.action === "kill").map((e) => `${e.node} killed (SIGKILL) at ${e.atS} s`).join(", ");
      const starts = f.events.filter((e) => e.action === "start").map((e) => `${e.node} back in ${e.tookS} s`).join(", ");
      lines.push(
        `${f.rate} req/s offered through nginx for ${f.durationS} s (${f.mix}, ${f.sessions} sessions). ${kills}; after the window: ${starts}.`,
        "",
        ...(f.restartedByOthers.length > 0
          ? [`- **Disturbed:** ${f.restartedByOthers.join(", ")} was started again by another user of the cluster during the window.`]
          : []),
        `- ${n(f.ok)} of ${n(f.completed)} responses 2xx; **${f.non2xx} non-2xx, ${f.errors} connection errors/timeouts** (${Object.entries(f.statusCounts).map(([s, c]) => `${s}: ${c}`).join(", ")}).`,
        `- Latency p50 ${ms(f.latencyMs.p50)}, p99 ${ms(f.latencyMs.p99)}, max ${ms(f.maxLatencyMs)}; longest gap without a completed request ${ms(f.longestGapMs, 0)} (ending at ${f.longestGapEndsAtS} s).`,
        "",
        img("failover-throughput", "failover throughput per second"),
        img("failover-latency", "failover latency per second"),
      );
    } else lines.push(...failed("failover", failover));

    lines.push("## 5. Growth and garbage collection", "");
    if (growth.ok) {
      const g = growth.value;
      lines.push(
        `${n(g.fill.rows)} more expired rows (${n(g.large.tableRows)} in all) of ~${g.fillerBytesPerRow} bytes of session data inserted in ${g.fill.seconds} s (${n(g.fill.rowsPerSecond)} rows/s), ${g.liveSessions} live sessions read at random.`,
        "",
        "| table rows | live read p50 / p99 (store.load) | random row by key p50 / p99 (raw) |",
        "|---|---|---|",
        `| ${n(g.small.tableRows)} | ${us(g.small.liveReadUs.p50)} / ${us(g.small.liveReadUs.p99)} | ${us(g.small.coldReadUs.p50)} / ${us(g.small.coldReadUs.p99)} |`,
        `| ${n(g.large.tableRows)} | ${us(g.large.liveReadUs.p50)} / ${us(g.large.liveReadUs.p99)} | ${us(g.large.coldReadUs.p50)} / ${us(g.large.coldReadUs.p99)} |`,
        `| ratio | ${x(g.ratios.liveP50)} / ${x(g.ratios.liveP99)} | ${x(g.ratios.coldP50)} / ${x(g.ratios.coldP99)} |`,
        "",
        `GC (\`collectGarbage\`, batches of ${g.gc.batchSize}; expiry ${g.gcOrder === "key" ? "in key order, so deletes walk the table sequentially: a best case" : "unrelated to key order, as in a real table: each delete a random page"}) deleted ${n(g.gc.deleted)} rows in **${g.gc.seconds} s** (${n(g.gc.rowsPerSecond)} rows/s, ${n(g.gc.batches)} batches). Meanwhile, on the same server: live reads p50 ${us(g.gc.readsDuringUs.p50)}, p99 ${us(g.gc.readsDuringUs.p99)} (${x(g.gc.readP99VsIdle)} the p99 at rest), worst ${us(g.gc.readsDuringUs.max)}; cart changes p50 ${us(g.gc.changesDuringUs.p50)}, p99 ${us(g.gc.changesDuringUs.p99)}, worst ${us(g.gc.changesDuringUs.max)}. The web nodes' own GC was ${g.nodeGcPaused ? "paused (its lease held by the bench)" : "**not** paused"} meanwhile; bench rows left afterwards: ${g.leftoverBenchRows}.`,
        "",
        img("growth", "read latency by table size"),
        img("gc-timeline", "latency during GC"),
      );
    } else lines.push(...failed("growth", growth));

    lines.push(`Raw figures: \`${results.jsonFile}\`. Reproduce: \`npm run bench\` (full, < 10 min) or \`npm run bench -- --quick\`.`, "");
    return lines.join("\n");
  };
  return { charts, markdown };
}
