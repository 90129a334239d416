// The connection layer's endpoint failover, against a real server and a dead port.
import { describe, expect, it } from "vitest";
import { Database } from "@/lib/db/database";
import { databaseUrls } from "./helpers";

const deadUrl = () => {
  const url = new URL(databaseUrls()[0]);
  url.port = "1";
  return url.toString();
};

describe("endpoint failover", () => {
  it("work goes to the next endpoint when the first refuses connections", async () => {
    const db = new Database({ urls: [deadUrl(), databaseUrls()[0]], poolSize: 2 });
    try {
      const rows = await db.query<{ one: number }[]>("SELECT 1 AS one");
      expect(rows[0].one).toBe(1);
      expect(db.currentEndpoint().url).toBe(databaseUrls()[0]);
    } finally {
      await db.end();
    }
  });

  it("after its down time, a dead endpoint is probed by one request, not by every request in flight", async () => {
    const db = new Database({ urls: [deadUrl(), databaseUrls()[0]], poolSize: 4, downForMs: 300 });
    try {
      await db.query("SELECT 1");
      await new Promise((resolve) => setTimeout(resolve, 400));
      const timings = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const started = performance.now();
          await db.query("SELECT 1");
          return performance.now() - started;
        }),
      );
      expect(timings.filter((ms) => ms > 1000).length).toBeLessThanOrEqual(1);
    } finally {
      await db.end();
    }
  });
});
