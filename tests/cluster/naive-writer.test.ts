// The verify checker catches lost updates it did not make up: a naive
// read-modify-write writer (SELECT session_data, then a blind UPDATE) from
// connections on every Galera node, on php_session rows of its own, is
// flagged; the rows are removed afterwards.
import mariadb from "mariadb";
import { expect, inject, it } from "vitest";
import { runNaiveWriter } from "@/verify/naive-writer";

it("the checker flags the naive writer's blind read-modify-write for lost updates", async () => {
  const urls = inject("databaseUrls");
  const run = await runNaiveWriter({ urls, sessions: 2, connections: 6, addsPerConnection: 25 });
  expect(run.adds).toBe(150);
  expect(run.lostUpdates).toBeGreaterThan(0);
  expect(run.result.anomalies.every((anomaly) => anomaly.kind === "lost-update")).toBe(true);

  expect(run.events.filter((event) => event.type === "final")).toHaveLength(2);
  const parsed = new URL(urls[0]!);
  const conn = await mariadb.createConnection({
    host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password), database: parsed.pathname.slice(1),
  });
  try {
    const left = (await conn.query("SELECT COUNT(*) AS n FROM php_session WHERE session_id IN (?, ?)", run.sessionKeys)) as { n: bigint }[];
    expect(Number(left[0]!.n)).toBe(0);
  } finally {
    await conn.end();
  }
});
