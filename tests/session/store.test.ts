// The php_session store against the real cluster database: each test states
// one property the session layer promises, and would fail without it.
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Database } from "@/lib/db/database";
import { acquireLease, collectGarbage } from "@/lib/session/gc";
import { newSessionId, sessionKey } from "@/lib/session/ids";
import { SessionStore, SessionStoreUnavailableError } from "@/lib/session/store";
import { addOne, Clock, closeAll, config, databaseUrls, harness, writes } from "./helpers";

afterAll(closeAll);

type Row = Record<string, unknown>;
const rowOf = async (db: Database, id: string): Promise<Row | undefined> =>
  (await db.query<Row[]>("SELECT * FROM php_session WHERE session_id = ?", [sessionKey(id)]))[0];

describe("strict ids", () => {
  it("an unknown id is reported unknown and never creates a row under it", async () => {
    const { store, db } = harness();
    const forged = newSessionId();
    expect(await store.load(forged)).toEqual({ status: "unknown" });
    expect(await store.change(forged, addOne(1))).toEqual({ status: "unknown" });
    expect(await store.rotate(forged, { userId: 1, keepData: true })).toBeNull();
    expect(await rowOf(db, forged)).toBeUndefined();
  });

  it("malformed, oversized and tampered ids are treated as no session without a lookup", async () => {
    const { store, statements } = harness();
    const { id } = await store.create();
    statements.length = 0;
    for (const bad of ["", "abc", id + "x", id.slice(0, -1) + "*", "A".repeat(5000), "' OR 1=1 --"]) {
      expect(await store.load(bad)).toEqual({ status: "absent" });
    }
    expect(statements).toEqual([]);
  });

  it("a database outage is an error, not an unknown session", async () => {
    const db = new Database({ urls: ["mariadb://shop:x@127.0.0.1:1/shop"], poolSize: 1 });
    const store = new SessionStore({ db, config, nodeName: "test" });
    await expect(store.load(newSessionId())).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await db.end();
  });
});

describe("hashed at rest", () => {
  it("stores SHA-256 of the id and the id appears in no column", async () => {
    const { store, db } = harness();
    const { id } = await store.create({ userId: 4242 });
    await store.change(id, addOne(3));
    const row = await rowOf(db, id);
    expect(row).toBeDefined();
    expect(Buffer.compare(row!.session_id as Buffer, createHash("sha256").update(id).digest())).toBe(0);
    const everything = JSON.stringify(
      Object.values(row!).map((v) => (Buffer.isBuffer(v) ? [v.toString("hex"), v.toString("base64url"), v.toString("latin1")] : String(v))),
    );
    expect(everything).not.toContain(id);
    const raw = Buffer.from(id, "base64url");
    expect(everything).not.toContain(raw.toString("hex"));
  });
});

describe("rotation", () => {
  it("sign-in gives a new id that keeps the cart; the old id stops working on another node at once", async () => {
    const urls = databaseUrls();
    const a = harness({ url: urls[0] });
    const b = harness({ url: urls[urls.length - 1] });
    const { id } = await a.store.create();
    await a.store.change(id, addOne(7));
    const rotated = await a.store.rotate(id, { userId: 77, keepData: true });
    expect(rotated).not.toBeNull();
    expect(rotated!.id).not.toBe(id);
    expect(await b.store.load(id)).toEqual({ status: "unknown" });
    const seen = await b.store.load(rotated!.id);
    expect(seen.status).toBe("active");
    if (seen.status !== "active") return;
    expect(seen.session.userId).toBe(77);
    expect(seen.session.data.cart.lines).toEqual([{ productId: 7, quantity: 1 }]);
  });

  it("sign-out gives a fresh anonymous session with an empty cart", async () => {
    const { store } = harness();
    const { id } = await store.create({ userId: 78 });
    await store.change(id, addOne(2));
    const rotated = await store.rotate(id, { userId: null, keepData: false });
    const seen = await store.load(rotated!.id);
    expect(seen.status === "active" && seen.session.userId).toBeNull();
    expect(seen.status === "active" && seen.session.data.cart.lines).toEqual([]);
    expect(await store.load(id)).toEqual({ status: "unknown" });
  });
});

describe("timeouts", () => {
  it("a session idle longer than the idle timeout is expired and removed", async () => {
    const clock = new Clock();
    const { store, db } = harness({ clock });
    const { id } = await store.create();
    clock.advance(config.idleTimeoutMs - 1000);
    expect((await store.load(id)).status).toBe("active");
    clock.advance(config.idleTimeoutMs + 1000);
    expect(await store.load(id)).toEqual({ status: "expired" });
    expect(await rowOf(db, id)).toBeUndefined();
    expect(await store.load(id)).toEqual({ status: "unknown" });
  });

  it("an active session still ends at the absolute timeout", async () => {
    const clock = new Clock();
    const { store } = harness({ clock });
    const { id } = await store.create();
    const step = config.idleTimeoutMs / 2;
    for (let elapsed = 0; elapsed + step < config.absoluteTimeoutMs; elapsed += step) {
      clock.advance(step);
      expect((await store.load(id)).status).toBe("active");
    }
    clock.advance(step);
    expect(await store.load(id)).toEqual({ status: "expired" });
  });
});

describe("lazy writes", () => {
  it("reads within the touch interval write nothing; after it, exactly one touch", async () => {
    const clock = new Clock();
    const h = harness({ clock });
    const { id } = await h.store.create();
    h.statements.length = 0;
    for (let i = 0; i < 5; i++) {
      clock.advance(config.touchIntervalMs / 10);
      await h.store.load(id);
    }
    expect(writes(h.statements)).toEqual([]);
    clock.advance(config.touchIntervalMs);
    await h.store.load(id);
    await h.store.load(id);
    expect(writes(h.statements)).toHaveLength(1);
    expect(writes(h.statements)[0]).toMatch(/^UPDATE php_session SET last_updated/);
  });

  it("with an idle timeout shorter than the touch interval, reading still keeps the session alive", async () => {
    const clock = new Clock();
    const db = harness().db;
    const store = new SessionStore({
      db, nodeName: "test", now: clock.now,
      config: { idleTimeoutMs: 10_000, absoluteTimeoutMs: 3_600_000, touchIntervalMs: 60_000 },
    });
    const { id } = await store.create();
    for (let i = 0; i < 6; i++) {
      clock.advance(6_000);
      expect((await store.load(id)).status).toBe("active");
    }
  });

  it("a change that changes nothing issues no UPDATE", async () => {
    const h = harness();
    const { id } = await h.store.create();
    h.statements.length = 0;
    const result = await h.store.change(id, (data) => ({ data, result: "same" }));
    expect(result.status).toBe("unchanged");
    expect(writes(h.statements)).toEqual([]);
  });
});

describe("atomic changes", () => {
  it("50 concurrent increments through separate connections on every node leave exactly 50", async () => {
    const urls = databaseUrls();
    const { id } = await harness().store.create();
    const stores = Array.from({ length: 50 }, (_, i) => harness({ url: urls[i % urls.length], poolSize: 1 }).store);
    const results = await Promise.all(stores.map((store) => store.change(id, addOne(1))));
    expect(results.every((r) => r.status === "changed")).toBe(true);
    const final = await harness({ url: urls[urls.length - 1] }).store.load(id);
    expect(final.status === "active" && final.session.data.cart.lines).toEqual([{ productId: 1, quantity: 50 }]);
    expect(final.status === "active" && final.session.version).toBe(50);
  });

  it("a change with a known op id applies once, however often it is retried", async () => {
    const { store } = harness();
    const { id } = await store.create();
    for (let i = 0; i < 3; i++) await store.change(id, addOne(5), { opId: "add-5-once" });
    const seen = await store.load(id);
    expect(seen.status === "active" && seen.session.data.cart.lines).toEqual([{ productId: 5, quantity: 1 }]);
  });

  it("retries on an injected 1213 (Galera certification conflict) and lands once", async () => {
    const h = harness();
    const { id } = await h.store.create();
    let injected = 0;
    h.db.onStatement = (sql) => {
      if (sql.startsWith("UPDATE php_session SET session_data") && injected++ === 0) {
        throw Object.assign(new Error("Deadlock found when trying to get lock; try restarting transaction"), { errno: 1213, code: "ER_LOCK_DEADLOCK" });
      }
    };
    const result = await h.store.change(id, addOne(9));
    expect(result.status).toBe("changed");
    expect(injected).toBe(2);
    const seen = await h.store.load(id);
    expect(seen.status === "active" && seen.session.data.cart.lines).toEqual([{ productId: 9, quantity: 1 }]);
  });

  it("does not retry a permanent error", async () => {
    const h = harness();
    const { id } = await h.store.create();
    let attempts = 0;
    h.db.onStatement = (sql) => {
      if (sql.startsWith("UPDATE php_session SET session_data")) {
        attempts++;
        throw Object.assign(new Error("Table 'shop.php_session' doesn't exist"), { errno: 1146, code: "ER_NO_SUCH_TABLE" });
      }
    };
    await expect(h.store.change(id, addOne(9))).rejects.toMatchObject({ errno: 1146 });
    expect(attempts).toBe(1);
  });
});

describe("garbage collection", () => {
  const past = new Date("2001-01-01T00:00:00Z").getTime();
  const seedExpired = async (db: Database, count: number) => {
    const values: unknown[] = [];
    for (let i = 0; i < count; i++) {
      const at = new Date(past - 60_000 - i);
      values.push(sessionKey(newSessionId()), at, at, at, "gc-test", '{"cart":{"lines":[]},"ops":[]}');
    }
    for (let i = 0; i < values.length; i += 6 * 500) {
      const chunk = values.slice(i, i + 6 * 500);
      await db.query(
        `INSERT INTO php_session (session_id, date_created, last_updated, expires_at, last_node, session_data) VALUES ${Array.from({ length: chunk.length / 6 }, () => "(?, ?, ?, ?, ?, ?)").join(",")}`,
        chunk,
      );
    }
  };

  it("deletes expired rows in batches and leaves live ones", async () => {
    const { db, store } = harness();
    await db.query("DELETE FROM php_session WHERE expires_at < ?", [new Date(past)]);
    await seedExpired(db, 1234);
    const { id } = await store.create();
    const result = await collectGarbage(db, { holder: "test-a", leaseName: "gc-test-batches", batchSize: 500, now: () => past });
    expect(result).toEqual({ ran: true, deleted: 1234, batches: 3 });
    expect((await store.load(id)).status).toBe("active");
  });

  it("a second GC run while one holds the lease does not run", async () => {
    const { db } = harness();
    const other = harness({ url: databaseUrls()[databaseUrls().length - 1] }).db;
    await seedExpired(db, 300);
    const first = collectGarbage(db, { holder: "node-a", leaseName: "gc-test-lease", batchSize: 20, pauseMs: 30, now: () => past });
    await new Promise((r) => setTimeout(r, 100));
    const second = await collectGarbage(other, { holder: "node-b", leaseName: "gc-test-lease", batchSize: 20, now: () => past });
    expect(second.ran).toBe(false);
    const done = await first;
    expect(done.ran).toBe(true);
    expect(done.deleted).toBe(300);
  });

  it("two nodes racing for the lease: exactly one wins", async () => {
    const urls = databaseUrls();
    const name = `gc-race-${Date.now()}`;
    const tokens = await Promise.all(
      Array.from({ length: 6 }, (_, i) => acquireLease(harness({ url: urls[i % urls.length] }).db, name, `node-${i}`, 60_000)),
    );
    expect(tokens.filter((t) => t !== null)).toHaveLength(1);
  });
});

describe("ending a user's sessions", () => {
  it("sign-out everywhere removes every session of that user and no other", async () => {
    const { store } = harness();
    const userId = 900_000 + Math.floor(Math.random() * 99_999);
    const mine = await Promise.all([1, 2, 3].map(() => store.create({ userId })));
    const someoneElse = await store.create({ userId: userId + 1 });
    expect(await store.destroyByUserId(userId)).toBe(3);
    for (const { id } of mine) expect(await store.load(id)).toEqual({ status: "unknown" });
    expect((await store.load(someoneElse.id)).status).toBe("active");
  });
});

describe("malformed session data", () => {
  it.each([
    ["truncated JSON", '{"cart":{"lines":[{"productId":1,"quan'],
    ["hand-edited wrong shape", '{"cart":{"lines":[{"productId":"one","quantity":-4}]},"ops":[]}'],
    ["not an object", '"hello"'],
  ])("%s resets to empty, is logged, and the visitor keeps the session", async (_label, text) => {
    const h = harness();
    const { id } = await h.store.create({ userId: 31 });
    await h.db.query("UPDATE php_session SET session_data = ? WHERE session_id = ?", [text, sessionKey(id)]);
    const seen = await h.store.load(id);
    expect(seen.status).toBe("active");
    if (seen.status !== "active") return;
    expect(seen.session.userId).toBe(31);
    expect(seen.session.data.cart.lines).toEqual([]);
    expect(h.warnings).toContain("malformed session data reset to empty");
    const row = await rowOf(h.db, id);
    expect(JSON.parse(row!.session_data as string).cart).toEqual({ lines: [] });
    const next = await h.store.change(id, addOne(4));
    expect(next.status).toBe("changed");
  });
});
