// Part 5: does a big php_session table slow the hot path, and does collecting
// a million expired rows disturb live sessions?
//
// 1. Read latency of live sessions (store.load) with ~1 thousand rows in the
//    table, then with ~1 million; plus a raw primary-key read of random filler
//    rows, which (unlike the live sessions) are not all in the buffer pool.
// 2. collectGarbage over the million expired rows (batches of 1000) while
//    readers and a cart writer keep using live sessions on the same server:
//    its duration and the worst and p99 latency of those reads and writes.
//
// Filler rows are made on the server (INSERT … SELECT from MariaDB's sequence
// engine, 10,000 rows a statement: a modest Galera write-set), ~200 bytes of
// session data each, expired a day or more ago, marked last_node = 'bench-filler'.
// Their keys are spread evenly over the whole key space like SHA-256 keys,
// but generated in ascending order (8 bytes of seq × 2^64/N, then 24 bytes of
// SHA-256): appending to the clustered index builds a million rows in seconds,
// where random-order inserts into a 400 MB table with a 128 MB buffer pool
// took minutes. With --gc-order key (the default) expiry follows key order too,
// so GC deletes sequentially; --gc-order random gives expiry times unrelated
// to the keys, as in a real table, where each deleted row is a random page
// (slower: see bench/README.md).
// While this runs the web nodes' own GC is paused by holding its lease, so
// that nobody but the measured collection deletes the rows. Everything the
// phase creates is removed at the end, even after a failure.
import { createHash } from "node:crypto";
import { createConnection, type Connection } from "mariadb";
import { Database } from "@/lib/db/database";
import { acquireLease, collectGarbage, GC_LEASE } from "@shopcluster/session-store";
import { mariadbExecutor } from "@shopcluster/session-store/mariadb";
import type { SessionData } from "@/lib/session/data";
import { benchStore, createBenchSession } from "./lib/session-store";
import { progress, sleep } from "./lib/progress";
import { connectionConfigFromUrl } from "./lib/sql";
import { ratio, round, summarize, type LatencySummary } from "./lib/stats";
import { sampleSessionData } from "./store-vs-raw";

export interface GrowthOptions {
  /** The server measured (db-1). */
  url: string;
  /** Every endpoint, own first: the GC lease and the clean-up fail over if `url` dies meanwhile. */
  allUrls: string[];
  /** Rows in the table for the large case (1,000,000; fewer in --quick). */
  largeRows: number;
  smallRows: number;
  readOps: number;
  liveSessions: number;
  /** Whether expiry follows the key order (sequential GC) or is unrelated to it (random GC). */
  gcOrder: "key" | "random";
  /** Longest wait for the nodes to settle after a fill. */
  settleMaxS: number;
}

export interface ReadCase {
  tableRows: number;
  /** For the small table: measured before the fill and again after GC, pooled (cancels drift). */
  measuredAt?: string;
  /** store.load of a random live session, µs. */
  liveReadUs: LatencySummary;
  /** Raw SELECT by primary key of a random filler row, µs. */
  coldReadUs: LatencySummary;
  /**
   * The control: a product row by primary key over the live reads' own pool,
   * interleaved op by op with them. The products table is the same 16 rows at
   * every php_session size, so this moves only with the machine (runs before
   * 2026-12-03T17 lack it).
   */
  controlReadUs?: LatencySummary;
}

export interface GrowthResult {
  liveSessions: number;
  gcOrder: "key" | "random";
  fillerBytesPerRow: number;
  fill: { rows: number; seconds: number; rowsPerSecond: number };
  /** Wait before measuring, until replication and page flushing had caught up (bounded by maxS). */
  settle: { large: { seconds: number; settled: boolean }; small: { seconds: number; settled: boolean }; maxS: number };
  bufferPoolMiB: number;
  small: ReadCase;
  large: ReadCase;
  /**
   * large/small, p50 and p99, for live reads and cold reads; with the control,
   * its own large/small p50 (the machine's drift between the two measurements)
   * and the live p50 ratio divided by it (the table's share of the growth).
   */
  ratios: { liveP50: number; liveP99: number; coldP50: number; coldP99: number; controlP50?: number; liveP50NetOfDrift?: number };
  gc: {
    deleted: number;
    batches: number;
    batchSize: number;
    seconds: number;
    rowsPerSecond: number;
    /** Live-session reads (store.load) while GC ran, µs. */
    readsDuringUs: LatencySummary;
    /** Cart changes (store.change) on live sessions while GC ran, µs. */
    changesDuringUs: LatencySummary;
    /** p99 and max of reads during GC over the same reads at rest with 1M rows. */
    readP99VsIdle: number;
    /** Per second of the collection: reads done, their p99 and max (ms). */
    timeline: { second: number; reads: number; readP99Ms: number; readMaxMs: number; changeMaxMs: number }[];
  };
  nodeGcPaused: boolean;
  leftoverBenchRows: number;
}

const FILLER_NODE = "bench-filler";
const CHUNK = 10_000;
const WARMUP_READS = 200;
const MIN_FILLER = 200;
const LEASE_MS = 3 * 60_000;

/** ~200 bytes of valid session data: a small cart and a few remembered op ids. */
const FILLER_DATA = JSON.stringify({
  data: { cart: { lines: [{ productId: 3, quantity: 2 }, { productId: 5, quantity: 1 }] } },
  ops: ["Zb3m1Qh8WJr0fT2x", "pL9cV4nK2sD7yE1u", "aQ5wR8tY3uI6oP0l", "mN2bV5cX8zL1kJ4h", "gF7dS0aP3oI6uY9t", "rE2wQ5tY8uI1oP4a"],
});
/** Executors on an endpoint's pool (the store's GC and lease speak SqlExecutor). */
const sqlOf = (db: Database) => mariadbExecutor(db.endpoints[0].pool);

/**
 * large ÷ small for each kind of read. With the control read in both cases,
 * also its p50 ratio (how far everything but php_session's size moved between
 * the two measurements) and the live p50 ratio divided by it.
 */
export function growthRatios(small: ReadCase, large: ReadCase): GrowthResult["ratios"] {
  const ratios: GrowthResult["ratios"] = {
    liveP50: ratio(large.liveReadUs.p50, small.liveReadUs.p50),
    liveP99: ratio(large.liveReadUs.p99, small.liveReadUs.p99),
    coldP50: ratio(large.coldReadUs.p50, small.coldReadUs.p50),
    coldP99: ratio(large.coldReadUs.p99, small.coldReadUs.p99),
  };
  if (!small.controlReadUs || !large.controlReadUs) return ratios;
  return {
    ...ratios,
    controlP50: ratio(large.controlReadUs.p50, small.controlReadUs.p50),
    liveP50NetOfDrift: ratio(large.liveReadUs.p50 * small.controlReadUs.p50, small.liveReadUs.p50 * large.controlReadUs.p50),
  };
}

export async function benchGrowth(options: GrowthOptions): Promise<GrowthResult> {
  const prefix = `bench-${process.pid}-${Date.now()}-`;
  // Keys ascend with seq and spread over the key space: 8 bytes of seq × step, 24 of SHA-256.
  const step = (1n << 64n) / BigInt(options.largeRows + 1);
  const fillerKey = (seq: number) =>
    Buffer.from(
      (BigInt(seq) * step).toString(16).padStart(16, "0") + createHash("sha256").update(`${prefix}${seq}`).digest("hex").slice(0, 48),
      "hex",
    );
  const expiryOffset = options.gcOrder === "key" ? "seq" : "(seq * 7919) % 1000003";
  const admin = await createConnection(connectionConfigFromUrl(options.url));
  const db = new Database({ urls: [options.url], poolSize: 2 });
  const leaseDb = new Database({ urls: options.allUrls, poolSize: 1 });
  const store = benchStore(db);
  const liveIds: string[] = [];
  let lease: number | null = null;
  let renewal: NodeJS.Timeout | undefined;
  let fillerCount = 0;
  const count = async () => Number((await admin.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM php_session"))[0].n);

  try {
    await deleteBenchRows(admin);
    lease = await pauseNodeGc(leaseDb);
    // A short lease, renewed while we work: if the bench dies, the nodes' GC resumes within minutes.
    const token = lease;
    if (token !== null) {
      renewal = setInterval(() => {
        leaseDb
          .query("UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?", [new Date(Date.now() + LEASE_MS), GC_LEASE, token])
          .catch(() => undefined);
      }, LEASE_MS / 3);
    }
    progress(`growth: ${lease === null ? "could not pause" : "paused"} the web nodes' GC (lease ${GC_LEASE})`);

    // Collect what has already expired (other people's test sessions), so that
    // "1 thousand rows" means about that.
    const before = await collectGarbage(sqlOf(db), { holder: `bench:${process.pid}`, leaseName: "bench-gc", batchSize: 1000, cutoff: new Date() });
    if (before.deleted > 0) progress(`growth: collected ${before.deleted} expired rows left by others first`);

    for (let i = 0; i < options.liveSessions; i++) liveIds.push(await createBenchSession(store, sampleSessionData()));

    const fill = async (upTo: number) => {
      const started = performance.now();
      // At least a few hundred filler rows, even if other sessions already fill the table.
      const want = Math.max(upTo - (await count()), MIN_FILLER);
      const from = fillerCount;
      let lastReport = performance.now();
      while (fillerCount < from + want) {
        const n = Math.min(CHUNK, from + want - fillerCount);
        const a = fillerCount + 1;
        const b = fillerCount + n;
        await admin.query(
          `INSERT INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data)
           SELECT UNHEX(CONCAT(LPAD(HEX(seq * CAST(? AS UNSIGNED)), 16, '0'), LEFT(SHA2(CONCAT(?, seq), 256), 48))),
                  NULL, UTC_TIMESTAMP(3) - INTERVAL 2 DAY, UTC_TIMESTAMP(3) - INTERVAL 1 DAY,
                  UTC_TIMESTAMP(3) - INTERVAL 1 DAY - INTERVAL ${expiryOffset} SECOND, 0, LEFT(UNHEX(SHA2(seq, 256)), 16), ?, ?
           FROM seq_${a}_to_${b}`,
          [step.toString(), prefix, FILLER_NODE, FILLER_DATA],
        );
        fillerCount = b;
        if (performance.now() - lastReport > 5000) {
          lastReport = performance.now();
          const done = fillerCount - from;
          progress(`growth: inserted ${done.toLocaleString("en")}/${want.toLocaleString("en")} filler rows (${Math.round(done / ((performance.now() - started) / 1000))} rows/s)`);
        }
      }
      return { rows: Math.max(0, want), seconds: (performance.now() - started) / 1000 };
    };

    const productIds = (await admin.query<{ id: number }[]>("SELECT id FROM products ORDER BY id")).map((row) => row.id);
    if (productIds.length === 0) throw new Error("growth: the products table is empty (the control read needs the seed)");
    const pool = db.endpoints[0].pool;
    const measureReads = async () => {
      const tableRows = await count();
      await admin.query("ANALYZE TABLE php_session");
      const live: number[] = [];
      const cold: number[] = [];
      const control: number[] = [];
      for (let i = 0; i < options.readOps + WARMUP_READS; i++) {
        const id = liveIds[Math.floor(Math.random() * liveIds.length)];
        let started = performance.now();
        const loaded = await store.load(id);
        if (loaded.status !== "active") throw new Error(`live session read: ${loaded.status}`);
        if (i >= WARMUP_READS) live.push((performance.now() - started) * 1000);
        const key = fillerKey(1 + Math.floor(Math.random() * fillerCount));
        started = performance.now();
        const rows = await admin.execute<unknown[]>("SELECT session_id, session_data FROM php_session WHERE session_id = ?", [key]);
        if (rows.length !== 1) throw new Error("filler row missing");
        if (i >= WARMUP_READS) cold.push((performance.now() - started) * 1000);
        const productId = productIds[Math.floor(Math.random() * productIds.length)];
        started = performance.now();
        const products = await pool.execute<unknown[]>("SELECT id, slug, name, price_cents FROM products WHERE id = ?", [productId]);
        if (products.length !== 1) throw new Error("control: product row missing");
        if (i >= WARMUP_READS) control.push((performance.now() - started) * 1000);
      }
      return { tableRows, live, cold, control };
    };

    progress(`growth: filling php_session to ~${options.smallRows.toLocaleString("en")} rows`);
    await fill(options.smallRows);
    const smallBefore = await measureReads();
    progress(`growth: ${smallBefore.tableRows} rows: live read p50 ${summarize(smallBefore.live, 0).p50} µs`);

    progress(`growth: filling php_session to ~${options.largeRows.toLocaleString("en")} rows`);
    const filled = await fill(options.largeRows);
    const settledLarge = await settleNodes(options.allUrls, options.settleMaxS);
    progress(`growth: waited ${settledLarge.seconds} s for every node to apply the fill and flush (${settledLarge.settled ? "settled" : "not settled"})`);
    const measured = await measureReads();
    const large: ReadCase = {
      tableRows: measured.tableRows,
      liveReadUs: summarize(measured.live, 0),
      coldReadUs: summarize(measured.cold, 0),
      controlReadUs: summarize(measured.control, 0),
    };
    progress(`growth: ${large.tableRows} rows: live read p50 ${large.liveReadUs.p50} µs, p99 ${large.liveReadUs.p99} µs`);

    progress(`growth: collecting garbage (${fillerCount.toLocaleString("en")} expired rows, batches of 1000) under live reads`);
    const gc = await collectUnderLoad(options.url, liveIds);
    progress(`growth: GC deleted ${gc.deleted} rows in ${gc.seconds.toFixed(1)} s; reads during it p99 ${gc.readsDuringUs.p99} µs, max ${gc.readsDuringUs.max} µs`);

    // The small table again (the same filler rows put back): its reads are pooled
    // with the first measurement, so drift between the two table sizes averages out.
    fillerCount = 0;
    await fill(options.smallRows);
    const settledSmall = await settleNodes(options.allUrls, options.settleMaxS);
    const smallAfter = await measureReads();
    const small: ReadCase = {
      tableRows: Math.round((smallBefore.tableRows + smallAfter.tableRows) / 2),
      measuredAt: "before the fill and after GC, pooled",
      liveReadUs: summarize([...smallBefore.live, ...smallAfter.live], 0),
      coldReadUs: summarize([...smallBefore.cold, ...smallAfter.cold], 0),
      controlReadUs: summarize([...smallBefore.control, ...smallAfter.control], 0),
    };
    const ratios = growthRatios(small, large);
    progress(`growth: control read p50 ${small.controlReadUs!.p50} µs (small) and ${large.controlReadUs!.p50} µs (large): ${ratios.controlP50}× apart`);
    progress(`growth: ${smallAfter.tableRows} rows again: live read p50 ${summarize(smallAfter.live, 0).p50} µs; pooled p50 ${small.liveReadUs.p50} µs, p99 ${small.liveReadUs.p99} µs`);

    return {
      liveSessions: options.liveSessions,
      gcOrder: options.gcOrder,
      fillerBytesPerRow: FILLER_DATA.length,
      fill: { rows: filled.rows, seconds: round(filled.seconds, 1), rowsPerSecond: Math.round(filled.rows / filled.seconds) },
      settle: { large: settledLarge, small: settledSmall, maxS: options.settleMaxS },
      bufferPoolMiB: await bufferPoolMiB(options.url),
      small,
      large,
      ratios,
      gc: { ...gc, readP99VsIdle: ratio(gc.readsDuringUs.p99, large.liveReadUs.p99) },
      nodeGcPaused: lease !== null,
      leftoverBenchRows: 0,
    };
  } finally {
    clearInterval(renewal);
    await admin.end().catch(() => undefined);
    await db.end();
    // A fresh connection to any live node: the one measured may be what just failed.
    await withAnyConnection(options.allUrls, async (conn) => {
      await deleteBenchRows(conn);
      await conn.query("DELETE FROM job_leases WHERE name = 'bench-gc'");
    }).catch((error) => progress(`growth: clean-up failed (rerun the bench to finish it): ${String(error)}`));
    if (lease !== null) {
      await leaseDb
        .query("UPDATE job_leases SET expires_at = ? WHERE name = ? AND token = ?", [new Date(0), GC_LEASE, lease])
        .catch(() => undefined);
    }
    await leaseDb.end();
  }
}

/**
 * Waits (bounded) until the fill has settled on every node: Galera's appliers
 * have caught up (empty receive queue, the same last committed seqno) and
 * InnoDB has written back most dirty pages. Measured right after a burst of a
 * million inserts, reads compete with db-2/db-3 applying them and with page
 * flushing on the same two cores: that, not the table's size, was most of the
 * 2.65x of issue 14. A table that grew to a million rows over hours has no
 * such backlog. Returns the seconds waited.
 */
export async function settleNodes(urls: string[], maxS: number): Promise<{ seconds: number; settled: boolean }> {
  const started = performance.now();
  const conns = await Promise.all(urls.map((url) => createConnection(connectionConfigFromUrl(url))));
  try {
    for (;;) {
      const statuses = await Promise.all(
        conns.map(async (conn) => {
          const rows = await conn.query<{ Variable_name: string; Value: string }[]>(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_recv_queue','wsrep_last_committed','Innodb_buffer_pool_pages_dirty','Innodb_buffer_pool_pages_total')",
          );
          return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]));
        }),
      );
      const committed = statuses.map((s) => s.get("wsrep_last_committed") ?? 0);
      const caughtUp = statuses.every((s) => (s.get("wsrep_local_recv_queue") ?? 0) === 0) && new Set(committed).size <= 1;
      const clean = statuses.every((s) => (s.get("innodb_buffer_pool_pages_dirty") ?? 0) <= 0.02 * (s.get("innodb_buffer_pool_pages_total") ?? 1));
      const seconds = (performance.now() - started) / 1000;
      if ((caughtUp && clean) || seconds >= maxS) return { seconds: round(seconds, 1), settled: caughtUp && clean };
      await sleep(1000);
    }
  } finally {
    await Promise.all(conns.map((conn) => conn.end().catch(() => undefined)));
  }
}

/** Runs `work` on the first endpoint that accepts a connection, trying for up to a minute. */
async function withAnyConnection<T>(urls: string[], work: (conn: Connection) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    for (const url of urls) {
      let conn: Connection;
      try {
        conn = await createConnection(connectionConfigFromUrl(url));
      } catch (error) {
        lastError = error;
        continue;
      }
      try {
        return await work(conn);
      } catch (error) {
        lastError = error;
      } finally {
        await conn.end().catch(() => undefined);
      }
    }
    await sleep(2000);
  }
  throw lastError;
}

/** Take the web nodes' GC lease (waiting out a running collection) so that only ours deletes. */
async function pauseNodeGc(db: Database): Promise<number | null> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const token = await acquireLease(sqlOf(db), GC_LEASE, `bench:${process.pid}`, LEASE_MS);
    if (token !== null) return token;
    await sleep(2000);
  }
  return null;
}

/** Remove rows this benchmark made (filler by its expiry index, then the live sessions and strays). */
async function deleteBenchRows(admin: Connection): Promise<void> {
  for (;;) {
    const result = await admin.query<{ affectedRows: number }>(
      "DELETE FROM php_session WHERE expires_at < UTC_TIMESTAMP(3) AND last_node = ? ORDER BY expires_at LIMIT 10000",
      [FILLER_NODE],
    );
    if (result.affectedRows < 10000) break;
  }
  await admin.query("DELETE FROM php_session WHERE last_node IN ('bench', ?)", [FILLER_NODE]);
}

async function bufferPoolMiB(url: string): Promise<number> {
  const conn = await createConnection(connectionConfigFromUrl(url));
  try {
    const rows = await conn.query<{ v: number }[]>("SELECT @@innodb_buffer_pool_size AS v");
    return Math.round(Number(rows[0].v) / 2 ** 20);
  } finally {
    await conn.end();
  }
}

export async function countBenchRows(url: string): Promise<number> {
  const admin = await createConnection(connectionConfigFromUrl(url));
  try {
    const rows = await admin.query<{ n: number }[]>(
      "SELECT COUNT(*) AS n FROM php_session WHERE last_node IN ('bench', ?)",
      [FILLER_NODE],
    );
    return Number(rows[0].n);
  } finally {
    await admin.end();
  }
}

async function collectUnderLoad(url: string, liveIds: string[]) {
  const gcDb = new Database({ urls: [url], poolSize: 2 });
  const readDb = new Database({ urls: [url], poolSize: 1 });
  const writeDb = new Database({ urls: [url], poolSize: 1 });
  const reader = benchStore(readDb);
  const writer = benchStore(writeDb);
  const reads: { at: number; us: number }[] = [];
  const changes: { at: number; us: number }[] = [];
  let running = true;
  const started = performance.now();
  const loop = async (samples: { at: number; us: number }[], work: (id: string) => Promise<unknown>) => {
    while (running) {
      const id = liveIds[Math.floor(Math.random() * liveIds.length)];
      const t = performance.now();
      await work(id);
      samples.push({ at: t - started, us: (performance.now() - t) * 1000 });
    }
  };
  const readLoop = loop(reads, async (id) => {
    const loaded = await reader.load(id);
    if (loaded.status !== "active") throw new Error(`read during GC: ${loaded.status}`);
  });
  const writeLoop = loop(changes, async (id) => {
    await writer.change(id, (data: SessionData) => {
      const [first, ...rest] = data.cart.lines;
      return { data: { ...data, cart: { lines: [{ ...first, quantity: (first.quantity % 99) + 1 }, ...rest] } }, result: null };
    });
    await sleep(5); // a cart write every few ms, not a write storm
  });
  const ticker = setInterval(() => {
    progress(`growth: GC running ${((performance.now() - started) / 1000).toFixed(0)} s, ${reads.length} reads so far`);
  }, 15_000);
  let result;
  try {
    result = await collectGarbage(sqlOf(gcDb), { holder: `bench:${process.pid}`, leaseName: "bench-gc", batchSize: 1000, now: Date.now, cutoff: new Date() });
  } finally {
    running = false;
    clearInterval(ticker);
    await Promise.allSettled([readLoop, writeLoop]);
    await Promise.all([gcDb.end(), readDb.end(), writeDb.end()]);
  }
  await Promise.all([readLoop, writeLoop]);
  const seconds = (performance.now() - started) / 1000;
  const timeline: GrowthResult["gc"]["timeline"] = [];
  for (let s = 0; s < Math.ceil(seconds); s++) {
    const inSecond = reads.filter((r) => r.at >= s * 1000 && r.at < (s + 1) * 1000).map((r) => r.us / 1000);
    const changeMax = Math.max(0, ...changes.filter((c) => c.at >= s * 1000 && c.at < (s + 1) * 1000).map((c) => c.us / 1000));
    const stats = summarize(inSecond, 2);
    timeline.push({ second: s, reads: inSecond.length, readP99Ms: stats.p99, readMaxMs: stats.max, changeMaxMs: round(changeMax, 2) });
  }
  if (!result.ran) throw new Error("GC did not run: its lease was held by someone else");
  return {
    deleted: result.deleted,
    batches: result.batches,
    batchSize: 1000,
    seconds: round(seconds, 1),
    rowsPerSecond: Math.round(result.deleted / seconds),
    readsDuringUs: summarize(reads.map((r) => r.us), 0),
    changesDuringUs: summarize(changes.map((c) => c.us), 0),
    timeline,
  };
}
