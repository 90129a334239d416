// The failover phase's planned counterpart: `npm run cluster -- deploy`
// (build a new release, roll every web node onto it) while 100 req/s of mixed
// load (50% GET /api/cart, 50% POST /api/cart/items with an Idempotency-Key)
// go through nginx. The promise measured: 0 non-2xx, 0 connection errors.
// Run as its own phase: `npm run bench -- --only deploy`.
import { deployWeb, type Logger, type RollTiming } from "../cluster/index";
import { runWorker, type AutocannonResult, type LatencyMs, type PerSecond } from "./http";
import { lineChart } from "./lib/svg";
import { progress, sleep } from "./lib/progress";

export interface DeployEvent {
  node: string;
  action: "drain" | "back";
  atS: number;
}

export interface DeployUnderLoadResult {
  durationS: number;
  rate: number;
  connections: number;
  sessions: number;
  mix: string;
  release: string | null;
  previous: string | null;
  deployStartedAtS: number;
  deployFinishedAtS: number | null;
  buildS: number | null;
  nodes: RollTiming[];
  deployError: string | null;
  events: DeployEvent[];
  completed: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  latencyMs: LatencyMs;
  perSecond: PerSecond[];
}

export async function benchDeploy(options: {
  lbUrl: string;
  cookies: string[];
  productIds: number[];
  /** Long enough for a build plus the roll; the load keeps going until then. */
  durationS: number;
  rate: number;
  connections: number;
  deployAtS: number;
}): Promise<DeployUnderLoadResult> {
  progress(`deploy: ${options.rate} req/s (GET/POST mixed) through nginx for ${options.durationS} s; npm run cluster -- deploy at ${options.deployAtS} s`);
  let startedAt = 0;
  const events: DeployEvent[] = [];
  const at = () => Math.round(((Date.now() - startedAt) / 1000) * 10) / 10;
  const logger: Logger = {
    info: (message) => {
      progress(`cluster: ${message}`);
      const out = /^(web-\d+): draining \(.*\.\.\.$/.exec(message);
      const back = /^(web-\d+): back in nginx's rotation: ok/.exec(message);
      if (out) events.push({ node: out[1]!, action: "drain", atS: at() });
      if (back) events.push({ node: back[1]!, action: "back", atS: at() });
    },
    warn: (message) => progress(`cluster: warning: ${message}`),
  };
  let deploy: Promise<void> = Promise.resolve();
  let deployStartedAtS = options.deployAtS;
  let deployFinishedAtS: number | null = null;
  let outcome: Awaited<ReturnType<typeof deployWeb>> | null = null;
  let deployError: string | null = null;
  const load = runWorker<AutocannonResult>(
    {
      kind: "autocannon",
      url: options.lbUrl,
      connections: options.connections,
      overallRate: options.rate,
      durationS: options.durationS,
      mix: "mixed",
      cookies: options.cookies,
      productIds: options.productIds,
      progressEveryS: 15,
    },
    (began) => {
      startedAt = began;
      deploy = (async () => {
        await sleep(Math.max(0, began + options.deployAtS * 1000 - Date.now()));
        deployStartedAtS = at();
        try {
          outcome = await deployWeb({}, logger);
        } catch (error) {
          deployError = error instanceof Error ? error.message : String(error);
        }
        deployFinishedAtS = at();
      })();
    },
  );
  const result = await load;
  await deploy;
  if (deployFinishedAtS !== null && deployFinishedAtS > result.durationS) {
    progress(`deploy: WARNING: the deploy finished at ${deployFinishedAtS} s, after the load stopped (${result.durationS} s)`);
  }
  const done = outcome as Awaited<ReturnType<typeof deployWeb>> | null;
  progress(
    `deploy: ${result.completed} completed, ${result.non2xx} non-2xx, ${result.errors} errors; ` +
      (done ? done.nodes.map((n) => `${n.name} ${(n.totalMs / 1000).toFixed(1)} s`).join(", ") : `deploy failed: ${deployError}`),
  );
  return {
    durationS: result.durationS,
    rate: options.rate,
    connections: options.connections,
    sessions: options.cookies.length,
    mix: "50% GET /api/cart, 50% POST /api/cart/items (with Idempotency-Key)",
    release: done?.release ?? null,
    previous: done?.previous ?? null,
    deployStartedAtS,
    deployFinishedAtS,
    buildS: done ? Math.round(done.buildMs / 100) / 10 : null,
    nodes: done?.nodes ?? [],
    deployError,
    events,
    completed: result.completed,
    ok: result.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts: result.statusCounts,
    latencyMs: result.latencyMs,
    perSecond: result.perSecond,
  };
}

/** Throughput and errors per second, with a marker where each node left and rejoined the rotation. */
export function deployChart(d: DeployUnderLoadResult): string {
  const seconds = d.perSecond.filter((s) => s.second < Math.floor(d.durationS));
  return lineChart({
    title: "Rolling deploy under constant load",
    subtitle: `${d.rate} req/s through nginx, GET/POST mixed over ${d.sessions} sessions; build from ${d.deployStartedAtS} s, then each node rolled`,
    series: [
      { name: "2xx per second", points: seconds.map((s) => [s.second, s.ok]) },
      { name: "non-2xx + errors per second", points: seconds.map((s) => [s.second, s.non2xx + s.errors]), color: "#dc2626" },
      { name: "p99 ms / 10", points: seconds.map((s) => [s.second, (s.p99Ms ?? NaN) / 10]), color: "#f97316", dashed: true },
    ],
    markers: d.events.map((e) => ({ x: e.atS, label: `${e.node} ${e.action}` })),
    xLabel: "seconds since the load began",
    yLabel: "responses per second",
    xMax: Math.floor(d.durationS),
  });
}

/** The phase's section of the results markdown. */
export function deployMarkdown(d: DeployUnderLoadResult, chartPath: string): string {
  const rows = d.nodes.map(
    (n) =>
      `| ${n.name} | ${(n.drainMs / 1000).toFixed(1)} s | ${(n.startMs / 1000).toFixed(1)} s | ${((n.rejoinMs ?? 0) / 1000).toFixed(1)} s | ${(n.totalMs / 1000).toFixed(1)} s |`,
  );
  return [
    "",
    "## Deploy under load",
    "",
    `\`npm run cluster -- deploy\` at ${d.deployStartedAtS} s of ${d.durationS} s of ${d.rate} req/s (${d.mix}): ` +
      `**${d.completed} requests, ${d.non2xx} non-2xx, ${d.errors} connection errors, ${d.timeouts} timeouts**; ` +
      `2xx latency p50 ${d.latencyMs.p50} ms, p99 ${d.latencyMs.p99} ms, max ${d.latencyMs.max} ms.`,
    d.deployError ? `The deploy failed: ${d.deployError}` : `Release ${d.release} (was ${d.previous}), built in ${d.buildS} s while the old one served.`,
    "",
    "| node | drain (SIGTERM until exit) | start on the new release | until nginx uses it again | total |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    `![deploy under load](${chartPath})`,
    "",
  ].join("\n");
}
