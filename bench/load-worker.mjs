// The load generator, run as a separate process so that the load never shares
// an event loop with the benchmark's own bookkeeping. Plain ESM (no build).
// It reads one JSON job from stdin, writes JSON lines to stdout
// ({"event":"started","at":…} then {"event":"result",…}) and progress to stderr.
//
// Jobs:
//   autocannon  fixed concurrency or constant rate (overallRate) against one
//               URL; each request takes the next of N session cookies, so the
//               load spreads over N distinct sessions; per-second series.
//   burst       same-session contention: per round, a fresh session, then
//               `concurrency` simultaneous adds spread round robin over the
//               given node URLs, then the final cart read back.
import autocannon from "autocannon";

const job = JSON.parse(await readStdin());
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const log = (message) => process.stderr.write(`[load] ${message}\n`);

if (job.kind === "autocannon") emit({ event: "result", ...(await runAutocannon(job)) });
else if (job.kind === "burst") emit({ event: "result", ...(await runBurst(job)) });
else throw new Error(`unknown job kind ${job.kind}`);

async function runAutocannon(job) {
  const { cookies, productIds } = job;
  let counter = 0;
  const setupRequest = (request) => {
    const n = counter++;
    const cookie = cookies[n % cookies.length];
    const post = job.mix === "post" || (job.mix === "mixed" && n % 2 === 1);
    if (!post) return { ...request, method: "GET", path: "/api/cart", headers: { ...request.headers, cookie }, body: undefined };
    const productId = productIds[Math.floor(n / cookies.length) % productIds.length];
    return {
      ...request,
      method: "POST",
      path: "/api/cart/items",
      headers: {
        ...request.headers,
        cookie,
        "content-type": "application/json",
        // As the shop's own forms do: a key per add makes a retry (by nginx on failover) safe.
        "idempotency-key": `bench-${process.pid}-${n}`,
      },
      body: JSON.stringify({ productId, quantity: 1 }),
    };
  };

  const seconds = [];
  const bucket = (s) => (seconds[s] ??= { completed: 0, ok: 0, non2xx: 0, errors: 0, latencies: [] });
  const statusCounts = {};
  const okLatencies = [];
  let start = 0;
  let lastCompletion = 0;
  let longestGapMs = 0;
  let longestGapEndsAtS = 0;
  const complete = (now) => {
    const gap = now - lastCompletion;
    if (gap > longestGapMs) {
      longestGapMs = gap;
      longestGapEndsAtS = (now - start) / 1000;
    }
    lastCompletion = now;
  };

  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    overallRate: job.overallRate || undefined,
    timeout: job.timeoutS ?? 10,
    requests: [{ setupRequest }],
  });
  start = performance.now();
  lastCompletion = start;
  emit({ event: "started", at: Date.now() });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    const now = performance.now();
    const b = bucket(Math.floor((now - start) / 1000));
    b.completed++;
    b.latencies.push(responseTime);
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) {
      b.ok++;
      okLatencies.push(responseTime);
    } else b.non2xx++;
    complete(now);
  });
  instance.on("reqError", () => {
    const now = performance.now();
    bucket(Math.floor((now - start) / 1000)).errors++;
  });
  const ticker = setInterval(() => {
    const s = Math.floor((performance.now() - start) / 1000);
    const last = seconds[s - 1];
    log(`${s}/${job.durationS} s  ${last ? `${last.completed} req/s, ${last.non2xx + last.errors} errors` : ""}`);
  }, job.progressEveryS ? job.progressEveryS * 1000 : 5000);
  const result = await instance;
  clearInterval(ticker);
  const end = performance.now();
  if (end - lastCompletion > longestGapMs) {
    longestGapMs = end - lastCompletion;
    longestGapEndsAtS = (end - start) / 1000;
  }

  const all = seconds.flatMap((b) => b?.latencies ?? []);
  return {
    url: job.url,
    durationS: round((end - start) / 1000, 2),
    requests: result.requests.total,
    completed: all.length,
    ok: okLatencies.length,
    reqPerSec: round(all.length / ((end - start) / 1000), 1),
    okPerSec: round(okLatencies.length / ((end - start) / 1000), 1),
    latencyMs: summary(okLatencies),
    latencyAllMs: summary(all),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    ...(job.returnSamples ? { okLatencySamples: okLatencies.map((v) => round(v, 2)) } : {}),
    longestGapMs: round(longestGapMs, 1),
    longestGapEndsAtS: round(longestGapEndsAtS, 1),
    // Array.from, not map: a second without a single completion is a hole in `seconds`.
    perSecond: Array.from({ length: Math.ceil((end - start) / 1000) }, (_, s) => {
      const b = seconds[s];
      const stats = summary(b?.latencies ?? []);
      return { second: s, completed: b?.completed ?? 0, ok: b?.ok ?? 0, non2xx: b?.non2xx ?? 0, errors: b?.errors ?? 0, p50Ms: stats.p50, p99Ms: stats.p99, maxMs: stats.max };
    }),
  };
}

async function runBurst(job) {
  const rounds = [];
  const latencies = [];
  const cookies = [];
  for (let r = 0; r < job.rounds; r++) {
    const created = await fetchAny(job.urls, r, "/api/cart");
    const cookie = sidCookie(created);
    await created.arrayBuffer();
    if (!cookie) throw new Error("GET /api/cart set no sid cookie");
    cookies.push(cookie);
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: job.concurrency }, async (_, i) => {
        const t = performance.now();
        try {
          const response = await fetch(`${job.urls[i % job.urls.length]}/api/cart/items`, {
            method: "POST",
            headers: { cookie, "content-type": "application/json", "idempotency-key": `bench-burst-${process.pid}-${r}-${i}` },
            body: JSON.stringify({ productId: job.productId, quantity: 1 }),
          });
          await response.arrayBuffer();
          return { status: response.status, servedBy: response.headers.get("x-served-by"), ms: performance.now() - t };
        } catch (error) {
          return { status: 0, servedBy: null, ms: performance.now() - t, error: String(error) };
        }
      }),
    );
    const wallMs = performance.now() - started;
    for (const response of responses) latencies.push(response.ms);
    const check = await fetchAny(job.urls, r + 1, "/api/cart", { headers: { cookie } });
    const cart = await check.json();
    const finalQuantity = cart.items.find((item) => item.productId === job.productId)?.quantity ?? 0;
    const ok = responses.filter((response) => response.status === 200).length;
    const servedBy = {};
    for (const response of responses) servedBy[response.servedBy ?? "none"] = (servedBy[response.servedBy ?? "none"] ?? 0) + 1;
    rounds.push({ ok, errors: responses.length - ok, statuses: responses.map((x) => x.status), wallMs: round(wallMs, 1), finalQuantity, consistent: finalQuantity === ok, servedBy });
    log(`round ${r + 1}/${job.rounds}: ${ok}/${job.concurrency} ok, final quantity ${finalQuantity}, ${Math.round(wallMs)} ms`);
  }
  return { rounds, latencyMs: summary(latencies), cookies };
}

/** GET from the first node that answers, starting at urls[start]: a node another test killed must not end the run. */
async function fetchAny(urls, start, path, init) {
  let lastError;
  for (let i = 0; i < urls.length; i++) {
    try {
      const response = await fetch(`${urls[(start + i) % urls.length]}${path}`, init);
      if (response.status === 200) return response;
      await response.arrayBuffer();
      lastError = new Error(`GET ${path}: ${response.status}`);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function sidCookie(response) {
  for (const line of response.headers.getSetCookie()) {
    const match = /^((?:__Host-)?sid=[^;]+)/.exec(line);
    if (match) return match[1];
  }
  return null;
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);
  return { n: sorted.length, p50: round(at(50), 2), p90: round(at(90), 2), p99: round(at(99), 2), max: round(sorted.length ? sorted[sorted.length - 1] : null, 2) };
}

function round(value, digits) {
  if (value === null || !Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
