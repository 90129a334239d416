// The session store against a real server (every node of a cluster when
// several URLs are given). Each test states one promise and would fail without it.
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { collectGarbage, acquireLease } from "../src/gc.ts";
import { SessionStoreUnavailableError, IdempotencyKeyReusedError } from "../src/errors.ts";
import { mariadbExecutor, runScript } from "../src/mariadb.ts";
import { SessionIds, sessionKey } from "../src/ids.ts";
import { SessionStore, UNCHANGED, type Mutation } from "../src/store.ts";
import * as mariadb from "mariadb";
import { ABSOLUTE, addOne, cartSchema, cleanUp, Clock, harness, IDLE, pool, raw, SECRET, testUrls, writes, type Cart } from "./harness.ts";

afterAll(cleanUp);

type Row = Record<string, unknown>;
const rowOf = async (id: string) => (await raw<Row[]>("SELECT * FROM php_session WHERE session_id = ?", [sessionKey(id)]))[0];
const lastNode = (n: number) => testUrls().length - 1 === 0 ? 0 : Math.min(n, testUrls().length - 1);
const cartOf = async (store: SessionStore<{ lines: { productId: number; quantity: number }[] }>, id: string) => {
  const loaded = await store.load(id);
  return loaded.status === "active" ? loaded.session.data.lines : null;
};
const lineage = async (id: string) => ((await rowOf(id))!.lineage as Buffer).toString("hex");

describe("ids", () => {
  it("ids this server did not issue are absent, never looked up, never adopted", async () => {
    const { store, sql } = await harness();
    const other = new SessionIds("another-secret-another-secret-another-secret!").issue(Date.now());
    const genuine = store.issueId();
    const tampered = genuine.slice(0, 10) + (genuine[10] === "A" ? "B" : "A") + genuine.slice(11);
    for (const bad of [undefined, "", "abc", other, tampered, genuine + "x", "A".repeat(5000), "' OR 1=1 --"]) {
      expect(await store.load(bad)).toEqual({ status: "absent" });
    }
    expect(sql.statements).toEqual([]);
    const changed = await store.change(other, (cart) => addOne(5)(cart));
    expect(changed.status === "changed" && changed.id).not.toBe(other);
    expect(await rowOf(other)).toBeUndefined();
  });

  it("stores SHA-256 of the id, and the id appears in no column", async () => {
    const { store } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(3));
    const row = await rowOf(id);
    expect(Buffer.compare(row!.session_id as Buffer, createHash("sha256").update(id).digest())).toBe(0);
    const everything = JSON.stringify(Object.values(row!).map((v) => (Buffer.isBuffer(v) ? [v.toString("hex"), v.toString("base64url"), v.toString("latin1")] : String(v))));
    expect(everything).not.toContain(id);
  });

  it("a database outage is an error, never an absent or new session", async () => {
    const dead = mariadb.createPool({ host: "127.0.0.1", port: 1, user: "x", password: "x", connectTimeout: 200, acquireTimeout: 400 });
    const store = new SessionStore({
      sql: mariadbExecutor(dead), secret: SECRET, schema: cartSchema, emptyData: () => ({ lines: [] }),
      idleTimeoutMs: IDLE, absoluteTimeoutMs: ABSOLUTE, nodeName: "pkg-test",
    });
    const id = store.issueId();
    await expect(store.load(id)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await expect(store.change(id, addOne(1))).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    await dead.end();
  });
});

describe("lazy rows", () => {
  it("an issued id that only reads writes no row; its first change inserts it", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    for (let i = 0; i < 20; i++) expect((await store.load(id)).status).toBe("active");
    expect(writes(sql.statements)).toEqual([]);
    expect(await rowOf(id)).toBeUndefined();
    const first = await store.change(id, addOne(4));
    expect(first.status).toBe("changed");
    expect(first.status === "changed" && first.id).toBeUndefined();
    expect(await cartOf(store, id)).toEqual([{ productId: 4, quantity: 1 }]);
  });

  it("one visitor's concurrent first changes on different nodes end in one session holding all of them", async () => {
    const stores = await Promise.all(testUrls().map((_, node) => harness({ node })));
    const id = stores[0].store.issueId();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % stores.length].store.change(id, addOne(9))));
    expect(results.every((r) => r.status === "changed" && r.id === undefined)).toBe(true);
    expect(await cartOf(stores[0].store, id)).toEqual([{ productId: 9, quantity: 12 }]);
  });

  it("an unwritten id older than the idle timeout has ended: a change gets a new id", async () => {
    const clock = new Clock();
    const { store } = await harness({ clock });
    const id = store.issueId();
    clock.advance(IDLE + 1000);
    expect(await store.load(id)).toEqual({ status: "ended", reason: "unknown" });
    const changed = await store.change(id, addOne(1));
    expect(changed.status === "changed" && changed.id).toMatch(/^[\w-]{70}$/);
    expect(await rowOf(id)).toBeUndefined();
  });
});

describe("rotation", () => {
  it("sign-in: a new id keeps the cart; the old id is refused as rotated on another node, and never acts in the new session", async () => {
    const a = await harness({ node: 0 });
    const b = await harness({ node: lastNode(2) });
    const id = a.store.issueId();
    await a.store.change(id, addOne(7));
    const rotated = await a.store.rotate(id, { userId: 77, keepData: true });
    expect(rotated.id).not.toBe(id);
    expect(await b.store.load(id)).toEqual({ status: "rotated" });
    expect(await b.store.change(id, addOne(7))).toEqual({ status: "rotated" });
    const seen = await b.store.load(rotated.id);
    expect(seen.status === "active" && seen.session.userId).toBe(77);
    expect(await cartOf(b.store, rotated.id)).toEqual([{ productId: 7, quantity: 1 }]);
  });

  it("an id rotated away longer ago than the grace period has ended: a change gets a new id, not the signed-in session", async () => {
    const clock = new Clock();
    const { store } = await harness({ clock, rotatedGraceMs: 1000 });
    const id = store.issueId();
    await store.change(id, addOne(1));
    const rotated = await store.rotate(id, { userId: 5, keepData: true });
    clock.advance(2000);
    expect(await store.load(id)).toEqual({ status: "ended", reason: "destroyed" });
    const late = await store.change(id, addOne(2));
    expect(late.status === "changed" && late.id).toBeTruthy();
    expect(late.status === "changed" && late.id).not.toBe(rotated.id);
    expect(await cartOf(store, rotated.id)).toEqual([{ productId: 1, quantity: 1 }]);
  });

  it("an issued id that never got a row is tombstoned at sign-in (a planted id does not follow the sign-in)", async () => {
    const { store } = await harness();
    const planted = store.issueId();
    await store.rotate(planted, { userId: 9, keepData: true });
    expect(await store.load(planted)).toEqual({ status: "rotated" });
    expect(await store.change(planted, addOne(1))).toEqual({ status: "rotated" });
  });

  it("sign-out gives a fresh anonymous session with an empty cart and a new lineage", async () => {
    const { store } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(2));
    const before = await lineage(id);
    const out = await store.rotate(id, { userId: null, keepData: false });
    expect(await cartOf(store, out.id)).toEqual([]);
    expect(await lineage(out.id)).not.toBe(before);
  });
});

describe("exactly once", () => {
  it("a key replayed after 40 other keyed changes (pushed out of the row into php_session_op) is still a duplicate, and its reuse refused", async () => {
    const { store } = await harness();
    const id = store.issueId();
    expect((await store.change(id, addOne(1), { opKey: "add:K1", fingerprint: "a" })).status).toBe("changed");
    for (let i = 0; i < 40; i++) await store.change(id, addOne(2), { opKey: `add:other-${i}`, fingerprint: "b" });
    const spilled = await raw<{ n: number }[]>("SELECT COUNT(*) AS n FROM php_session_op WHERE lineage = ?", [(await rowOf(id))!.lineage]);
    expect(Number(spilled[0]!.n)).toBeGreaterThan(0);
    expect((await store.change(id, addOne(1), { opKey: "add:K1", fingerprint: "a" })).status).toBe("duplicate");
    await expect(store.change(id, addOne(3), { opKey: "add:K1", fingerprint: "c" })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect((await store.change(id, addOne(2), { opKey: "add:other-39", fingerprint: "b" })).status).toBe("duplicate");
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 1 }, { productId: 2, quantity: 40 }]);
  });

  it("a keyed change is one read and one write, with no transaction", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1), { opKey: "add:first", fingerprint: "a" });
    const before = sql.statements.length;
    expect((await store.change(id, addOne(1), { opKey: "add:second", fingerprint: "a" })).status).toBe("changed");
    expect(sql.statements.slice(before).map((s) => s.split(" ").slice(0, 3).join(" "))).toEqual([
      "SELECT s.user_id, s.date_created,",
      "UPDATE php_session SET",
    ]);
    expect(sql.transactions).toBe(0);
  });

  it("a keyed change that moves older keys out of the row still reads once: the move goes with its UPDATE's batch", async () => {
    for (const multipleStatements of [false, true]) {
      const { store, sql } = await harness({ maxRowKeys: 16, multipleStatements });
      const id = store.issueId();
      for (let i = 0; i < 16; i++) await store.change(id, addOne(1), { opKey: `add:m${i}`, fingerprint: "m" });
      const before = { statements: sql.statements.length, transactions: sql.transactions, scripts: sql.scripts };
      expect((await store.change(id, addOne(1), { opKey: "add:m16", fingerprint: "m" })).status).toBe("changed");
      const sent = sql.statements.slice(before.statements).map((statement) => statement.split(" ").slice(0, 3).join(" "));
      expect(sent).toEqual(["SELECT s.user_id, s.date_created,", "INSERT INTO php_session_op", "UPDATE php_session SET"]);
      expect(sql.transactions - before.transactions + sql.scripts - before.scripts).toBe(1);
      const moved = await raw<{ n: number }[]>("SELECT COUNT(*) AS n FROM php_session_op WHERE lineage = ?", [(await rowOf(id))!.lineage]);
      expect(Number(moved[0]!.n)).toBe(16);
      for (let i = 0; i <= 16; i++) expect((await store.change(id, addOne(1), { opKey: `add:m${i}`, fingerprint: "m" })).status).toBe("duplicate");
      expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 17 }]);
    }
  });

  it("keyed changes racing from two nodes across the move out of the row each land exactly once", async () => {
    const a = await harness({ maxRowKeys: 16, multipleStatements: true, node: 0 });
    const b = await harness({ maxRowKeys: 16, node: 1 });
    const id = a.store.issueId();
    for (let i = 0; i < 14; i++) await a.store.change(id, addOne(2), { opKey: `add:r${i}`, fingerprint: "r" });
    // 12 more at once, half on each node: the 17th key moves 16 out while the others race for the row.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? b : a).store.change(id, addOne(2), { opKey: `add:r${14 + i}`, fingerprint: "r" })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill("changed"));
    expect(await cartOf(a.store, id)).toEqual([{ productId: 2, quantity: 26 }]);
    for (let i = 0; i < 26; i++) {
      expect((await (i % 2 ? a : b).store.change(id, addOne(2), { opKey: `add:r${i}`, fingerprint: "r" })).status).toBe("duplicate");
    }
    expect(await cartOf(b.store, id)).toEqual([{ productId: 2, quantity: 26 }]);
  });

  it("with maxRowKeys 0 (a rolling upgrade from 0.1) every key is in php_session_op and still applies once", async () => {
    const { store } = await harness({ maxRowKeys: 0 });
    const id = store.issueId();
    expect((await store.change(id, addOne(1), { opKey: "add:Z1", fingerprint: "a" })).status).toBe("changed");
    expect((await store.change(id, addOne(1), { opKey: "add:Z2", fingerprint: "a" })).status).toBe("changed");
    const rows = await raw<{ n: number }[]>("SELECT COUNT(*) AS n FROM php_session_op WHERE lineage = ?", [(await rowOf(id))!.lineage]);
    expect(Number(rows[0]!.n)).toBe(2);
    expect(JSON.parse(((await rowOf(id))!.session_data as Buffer).toString()).keys).toEqual([]);
    expect((await store.change(id, addOne(1), { opKey: "add:Z1", fingerprint: "a" })).status).toBe("duplicate");
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 2 }]);
  });

  it("a key recorded in php_session_op by an earlier version (a row without a keys list) is still a duplicate", async () => {
    const { store } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1));
    const row = (await rowOf(id))!;
    // What the previous version wrote: the envelope without "keys", the key itself in php_session_op.
    await raw("UPDATE php_session SET session_data = ? WHERE session_id = ?", [JSON.stringify({ data: { lines: [{ productId: 1, quantity: 1 }] }, ops: [] }), sessionKey(id)]);
    await raw("INSERT INTO php_session_op (lineage, op_key, fingerprint, created_at, expires_at) VALUES (?, 'add:OLD', ?, NOW(3), NOW(3) + INTERVAL 1 DAY)", [
      row.lineage, createHash("sha256").update("a").digest(),
    ]);
    expect((await store.change(id, addOne(1), { opKey: "add:OLD", fingerprint: "a" })).status).toBe("duplicate");
    await expect(store.change(id, addOne(1), { opKey: "add:OLD", fingerprint: "b" })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 1 }]);
  });

  it("a key applied before sign-in is a duplicate after it", async () => {
    const { store } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(3), { opKey: "add:K2", fingerprint: "a" });
    const rotated = await store.rotate(id, { userId: 3, keepData: true });
    expect((await store.change(rotated.id, addOne(3), { opKey: "add:K2", fingerprint: "a" })).status).toBe("duplicate");
    expect(await cartOf(store, rotated.id)).toEqual([{ productId: 3, quantity: 1 }]);
  });

  it("the same key with a different request is refused", async () => {
    const { store } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(3), { opKey: "add:K3", fingerprint: "product 3" });
    await expect(store.change(id, addOne(4), { opKey: "add:K3", fingerprint: "product 4" })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it("a commit whose answer was lost applies once when retried (keyed and unkeyed)", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1));
    const lost = Object.assign(new Error("Connection lost"), { code: "ECONNRESET" });
    sql.failNext(/^UPDATE php_session SET session_data/, lost, "after");
    await store.change(id, addOne(1));
    sql.failNext(/^UPDATE php_session SET session_data/, lost, "after");
    // The store's own retry finds its key in the row: applied once, answered as a duplicate.
    expect((await store.change(id, addOne(1), { opKey: "add:K4", fingerprint: "x" })).status).toBe("duplicate");
    expect((await store.change(id, addOne(1), { opKey: "add:K4", fingerprint: "x" })).status).toBe("duplicate");
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 3 }]);
  });

  it("a Galera certification conflict (1213) at commit is retried and lands once", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1));
    sql.failNext(/^UPDATE php_session SET session_data/, Object.assign(new Error("Deadlock found"), { errno: 1213 }));
    await store.change(id, addOne(1));
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 2 }]);
  });

  it("a permanent error is not retried", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1));
    sql.failNext(/^UPDATE php_session SET session_data/, Object.assign(new Error("syntax"), { errno: 1064 }));
    const before = sql.statements.length;
    await expect(store.change(id, addOne(1))).rejects.toThrow("syntax");
    expect(sql.statements.slice(before).filter((s) => s.startsWith("UPDATE")).length).toBe(1);
  });
});

describe("no lost updates", () => {
  it("50 concurrent increments through every node leave exactly 50", async () => {
    const stores = await Promise.all(testUrls().map((_, node) => harness({ node })));
    const id = stores[0].store.issueId();
    await stores[0].store.change(id, addOne(1, 0 + 1));
    await Promise.all(Array.from({ length: 49 }, (_, i) => stores[i % stores.length].store.change(id, addOne(1))));
    expect(await cartOf(stores[0].store, id)).toEqual([{ productId: 1, quantity: 50 }]);
  });

  it("a mutation that returns UNCHANGED writes nothing", async () => {
    const { store, sql } = await harness();
    const id = store.issueId();
    await store.change(id, addOne(1));
    const before = writes(sql.statements).length;
    const result = await store.change(id, () => ({ data: UNCHANGED, result: 42 }));
    expect(result.status === "unchanged" && result.result).toBe(42);
    expect(writes(sql.statements).length).toBe(before);
  });
});

describe("group commit", () => {
  const updates = (statements: string[]) => statements.filter((s) => s.startsWith("UPDATE php_session SET session_data"));

  it("UPDATEs queued behind one in flight go together in one transaction, and each change lands once", async () => {
    const { store, sql } = await harness();
    const ids = Array.from({ length: 8 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(1));
    const before = sql.transactions;
    const results = await Promise.all(ids.map((id, i) => store.change(id, addOne(1, i + 1), { opKey: `add:g${i}`, fingerprint: "g" })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("changed"));
    // The first UPDATE goes alone; the seven that reached their write meanwhile share at least one transaction.
    expect(sql.transactions - before).toBeGreaterThanOrEqual(1);
    expect(sql.transactions - before).toBeLessThan(7);
    for (const [i, id] of ids.entries()) expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 1 + i + 1 }]);
  });

  it("writeBatchSize 1 sends every UPDATE on its own", async () => {
    const { store, sql } = await harness({ writeBatchSize: 1 });
    const ids = Array.from({ length: 6 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(2));
    const before = { transactions: sql.transactions, statements: sql.statements.length };
    await Promise.all(ids.map((id) => store.change(id, addOne(2))));
    expect(sql.transactions).toBe(before.transactions);
    expect(updates(sql.statements.slice(before.statements))).toHaveLength(6);
  });

  it("a batch that fails (a lost answer, a certification conflict) is retried: every change in it lands exactly once", async () => {
    const { store, sql } = await harness();
    const ids = Array.from({ length: 6 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(3));
    for (const fault of [
      Object.assign(new Error("Connection lost"), { code: "ECONNRESET" }),
      Object.assign(new Error("Deadlock found"), { errno: 1213 }),
    ]) {
      // The fault hits the third UPDATE sent, after the server ran it: inside a batch, whose transaction then fails.
      let seen = 0;
      const originalTransaction = sql.transaction;
      sql.transaction = (work) =>
        originalTransaction((tx) =>
          work({
            query: async <T>(statement: string, values?: readonly unknown[]): Promise<T> => {
              const result = await tx.query<T>(statement, values);
              if (statement.startsWith("UPDATE php_session SET session_data") && ++seen === 2) throw fault;
              return result;
            },
          }),
        );
      const results = await Promise.all(ids.map((id, i) => store.change(id, addOne(3), { opKey: `add:f${fault.message}${i}`, fingerprint: "f" })));
      sql.transaction = originalTransaction;
      expect(seen, "the fault was injected inside a batch").toBeGreaterThanOrEqual(2);
      expect(results.every((r) => r.status === "changed" || r.status === "duplicate")).toBe(true);
    }
    for (const id of ids) expect(await cartOf(store, id)).toEqual([{ productId: 3, quantity: 3 }]);
  });
});

describe("group commit in one round trip (the executor's script)", () => {
  it("UPDATEs queued behind one in flight go as one script, not a transaction, and each change lands once", async () => {
    const { store, sql } = await harness({ multipleStatements: true });
    const ids = Array.from({ length: 8 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(4));
    const before = { transactions: sql.transactions, scripts: sql.scripts };
    const results = await Promise.all(ids.map((id, i) => store.change(id, addOne(4, i + 1), { opKey: `add:s${i}`, fingerprint: "s" })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("changed"));
    expect(sql.scripts - before.scripts).toBeGreaterThanOrEqual(1);
    expect(sql.scripts - before.scripts).toBeLessThan(7);
    expect(sql.transactions).toBe(before.transactions);
    for (const [i, id] of ids.entries()) expect(await cartOf(store, id)).toEqual([{ productId: 4, quantity: 1 + i + 1 }]);
  });

  it("a script that fails before it is sent, or whose answer is lost after it committed, is retried: every change lands exactly once", async () => {
    const { store, sql } = await harness({ multipleStatements: true });
    const ids = Array.from({ length: 6 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(5));
    const faults = [
      { error: Object.assign(new Error("Connection lost"), { code: "ECONNRESET" }), when: "after" as const },
      { error: Object.assign(new Error("Deadlock found"), { errno: 1213 }), when: "after" as const },
      { error: Object.assign(new Error("Deadlock found"), { errno: 1213 }), when: "before" as const },
    ];
    for (const [f, fault] of faults.entries()) {
      const scriptsBefore = sql.scripts;
      // The first UPDATE goes alone; the fault hits the script of the ones queued behind it.
      let armed = false;
      const inner = sql.script!;
      sql.script = (list, options) => {
        if (!armed) {
          armed = true;
          sql.failNext(/^UPDATE php_session SET session_data/, fault.error, fault.when);
        }
        return inner(list, options);
      };
      const results = await Promise.all(ids.map((id, i) => store.change(id, addOne(5), { opKey: `add:sf${f}-${i}`, fingerprint: "sf" })));
      sql.script = inner;
      expect(sql.scripts - scriptsBefore, "the fault was injected into a script").toBeGreaterThanOrEqual(1);
      expect(results.every((r) => r.status === "changed" || r.status === "duplicate")).toBe(true);
    }
    for (const id of ids) expect(await cartOf(store, id)).toEqual([{ productId: 5, quantity: 1 + faults.length }]);
  });

  it("runScript: a statement that fails rolls the whole script back and leaves no transaction open on the connection", async () => {
    const { store } = await harness();
    const [a, b] = [store.issueId(), store.issueId()];
    await store.change(a, addOne(6));
    await store.change(b, addOne(6));
    const [keyA, keyB] = [sessionKey(a), sessionKey(b)];
    const conn = await pool(testUrls()[0]!, true).getConnection();
    try {
      const touch = (key: Buffer) => ({ sql: "UPDATE php_session SET last_node = ? WHERE session_id = ?", values: ["pkg-test-script", key] });
      // A duplicate key ends only its statement, not the transaction: without the ROLLBACK the first UPDATE would stay pending.
      const duplicate = { sql: "INSERT INTO php_session (session_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data) SELECT session_id, date_created, last_updated, expires_at, 0, lineage, last_node, session_data FROM php_session WHERE session_id = ?", values: [keyB] };
      await expect(runScript(conn, [touch(keyA), duplicate, touch(keyB)])).rejects.toMatchObject({ errno: 1062 });
      expect((await conn.query<{ open: number }[]>("SELECT @@in_transaction AS open"))[0]!.open).toBe(0);
      expect((await rowOf(a))!.last_node).toBe("pkg-test");
      expect((await rowOf(b))!.last_node).toBe("pkg-test");
      // And one that succeeds returns each statement's own affected rows (0 for a row that is not there).
      const results = await runScript(conn, [touch(keyA), touch(Buffer.alloc(32)), touch(keyB)]);
      expect(results.map((r) => r.affectedRows)).toEqual([1, 0, 1]);
      expect((await rowOf(a))!.last_node).toBe("pkg-test-script");
    } finally {
      await conn.query("UPDATE php_session SET last_node = 'pkg-test' WHERE last_node = 'pkg-test-script'");
      await conn.release();
    }
  });
});

describe("batched reads", () => {
  const batched = (statements: string[]) => statements.filter((s) => s.includes("WHERE s.session_id IN ("));
  const single = (statements: string[]) => statements.filter((s) => s.endsWith("WHERE s.session_id = ?"));

  it("reads asked together share one SELECT, and each gets its own session (with a row, without one, ended)", async () => {
    const { store, sql } = await harness();
    const [a, b, destroyed] = [store.issueId(), store.issueId(), store.issueId()];
    await store.change(a, addOne(1));
    await store.change(b, addOne(2));
    await store.change(b, addOne(2));
    await store.change(destroyed, addOne(3));
    await store.destroy(destroyed);
    const unwritten = store.issueId();
    const before = sql.statements.length;
    const results = await Promise.all([a, b, unwritten, destroyed, a, "forged"].map((id) => store.load(id)));
    const sent = sql.statements.slice(before);
    expect(batched(sent)).toHaveLength(1);
    expect(single(sent)).toHaveLength(0);
    const lines = results.map((r) => (r.status === "active" ? r.session.data.lines : r.status));
    expect(lines).toEqual([
      [{ productId: 1, quantity: 1 }],
      [{ productId: 2, quantity: 2 }],
      [],
      "ended",
      [{ productId: 1, quantity: 1 }],
      "absent",
    ]);
  });

  it("a batch holds at most readBatchSize keys; 1 turns batching off", async () => {
    const { store, sql } = await harness({ readBatchSize: 2 });
    const ids = [store.issueId(), store.issueId(), store.issueId()];
    for (const id of ids) await store.change(id, addOne(4));
    let before = sql.statements.length;
    await Promise.all(ids.map((id) => store.load(id)));
    // Three keys in batches of two: one IN list of two, one single read.
    expect(batched(sql.statements.slice(before))).toHaveLength(1);
    expect(single(sql.statements.slice(before))).toHaveLength(1);
    const off = await harness({ readBatchSize: 1 });
    before = off.sql.statements.length;
    await Promise.all(ids.map((id) => off.store.load(id)));
    expect(batched(off.sql.statements.slice(before))).toHaveLength(0);
    expect(single(off.sql.statements.slice(before))).toHaveLength(3);
  });

  it("a batch whose connection is lost is retried for every read in it; a permanent error fails every read", async () => {
    const { store, sql } = await harness();
    const [a, b] = [store.issueId(), store.issueId()];
    await store.change(a, addOne(5));
    await store.change(b, addOne(6));
    sql.failNext(/WHERE s\.session_id IN \(/, Object.assign(new Error("Connection lost"), { code: "ECONNRESET" }));
    const loaded = await Promise.all([a, b].map((id) => store.load(id)));
    expect(loaded.map((r) => (r.status === "active" ? r.session.data.lines[0]!.productId : r.status))).toEqual([5, 6]);
    sql.failNext(/WHERE s\.session_id IN \(/, Object.assign(new Error("Table doesn't exist"), { errno: 1146 }));
    const failed = await Promise.allSettled([a, b].map((id) => store.load(id)));
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("a read asked after a change was acknowledged sees it, also when batched with other reads", async () => {
    const writer = await harness({ node: 1 });
    const reader = await harness({ node: 2 });
    const ids = Array.from({ length: 8 }, () => writer.store.issueId());
    for (const id of ids) await writer.store.change(id, addOne(7));
    for (let round = 0; round < 5; round++) {
      const target = ids[round]!;
      await writer.store.change(target, addOne(7));
      const results = await Promise.all(ids.map((id) => reader.store.load(id)));
      const quantity = (r: (typeof results)[number]) => (r.status === "active" ? r.session.data.lines[0]!.quantity : 0);
      expect(quantity(results[round]!)).toBe(2);
    }
  });
});

describe("skipRedundantCausalWaits (MariaDB Galera)", () => {
  const RELAXED = "SET STATEMENT wsrep_sync_wait=0 FOR ";
  const causalReads = async () => Number((await raw<{ Value: string }[]>("SHOW GLOBAL STATUS LIKE 'wsrep_causal_reads'"))[0]?.Value ?? NaN);
  const galera = async () => Number.isFinite(await causalReads()) && (await raw<{ wsrep: number }[]>("SELECT @@wsrep_on AS wsrep"))[0]!.wsrep === 1;

  it("the statement form the store sends skips the causality wait on this server; the plain one waits", async (context) => {
    if (!(await galera())) return context.skip();
    const key = sessionKey("no such session");
    const count = async (sql: string) => {
      const before = await causalReads();
      for (let i = 0; i < 100; i++) await raw(sql, [key]);
      return (await causalReads()) - before;
    };
    const select = "SELECT version FROM php_session WHERE session_id = ?";
    // Other tests on this node may add a few causal reads of their own.
    expect(await count(select)).toBeGreaterThanOrEqual(100);
    expect(await count(RELAXED + select)).toBeLessThan(50);
  });

  it("a change's first read and a write batch's BEGIN go without the wait; loads keep it", async () => {
    const { store, sql } = await harness({ skipRedundantCausalWaits: true });
    const ids = Array.from({ length: 6 }, () => store.issueId());
    for (const id of ids) await store.change(id, addOne(1));
    const before = { statements: sql.statements.length, begins: sql.begins.length };
    await Promise.all(ids.map((id, i) => store.change(id, addOne(1), { opKey: `add:r${i}`, fingerprint: "r" })));
    await Promise.all(ids.map((id) => store.load(id)));
    const sent = sql.statements.slice(before.statements);
    const reads = sent.filter((s) => s.includes("FROM php_session s"));
    // Each change's read goes relaxed; the six loads share one batched read that waits.
    expect(reads.filter((s) => s.startsWith(RELAXED) && s.includes("LEFT JOIN php_session_op"))).toHaveLength(6);
    expect(reads.filter((s) => !s.startsWith(RELAXED))).toEqual([expect.stringContaining("WHERE s.session_id IN (")]);
    expect(sql.begins.length - before.begins, "the UPDATEs were batched").toBeGreaterThan(0);
    expect(sql.begins.slice(before.begins).every((b) => b === `${RELAXED}START TRANSACTION`)).toBe(true);
    for (const id of ids) expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 2 }]);
    const off = await harness();
    await off.store.change(ids[0], addOne(1));
    expect(off.sql.statements.some((s) => s.startsWith(RELAXED))).toBe(false);
  });

  it("a stale first read loses nothing: the version check fails and the retry reads causally", async () => {
    const writer = await harness({ node: 1 });
    const { store, sql } = await harness({ skipRedundantCausalWaits: true });
    const id = store.issueId();
    await store.change(id, addOne(1));
    await sql.freeze(sessionKey(id));
    await writer.store.change(id, addOne(2));
    const before = sql.statements.length;
    const result = await store.change(id, addOne(3), { opKey: "add:stale", fingerprint: "s" });
    sql.thaw();
    const reads = sql.statements.slice(before).filter((s) => s.includes("FROM php_session s"));
    expect(reads.map((s) => s.startsWith(RELAXED)), "a relaxed read, then a causal one").toEqual([true, false]);
    expect(result.status).toBe("changed");
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 1 }, { productId: 2, quantity: 1 }, { productId: 3, quantity: 1 }]);
  });

  it("a stale read that leaves nothing to write (or no row, or a duplicate) is read again before it is answered", async () => {
    const writer = await harness({ node: 1 });
    const { store, sql } = await harness({ skipRedundantCausalWaits: true });
    const removeLine = (productId: number) => (cart: Cart): Mutation<Cart, null> => {
      const lines = cart.lines.filter((line) => line.productId !== productId);
      return { data: lines.length === cart.lines.length ? UNCHANGED : { lines }, result: null };
    };
    // Unchanged: the stale row lacks the line another node just added, so removing it looks like a no-op.
    const id = store.issueId();
    await store.change(id, addOne(1));
    await sql.freeze(sessionKey(id));
    await writer.store.change(id, addOne(2));
    expect((await store.change(id, removeLine(2))).status).toBe("changed");
    expect(await cartOf(store, id)).toEqual([{ productId: 1, quantity: 1 }]);
    sql.thaw();
    // No row: the stale node has not seen the first change made elsewhere.
    const fresh = store.issueId();
    await sql.freeze(sessionKey(fresh));
    await writer.store.change(fresh, addOne(4));
    expect((await store.change(fresh, removeLine(4))).status).toBe("changed");
    expect(await cartOf(store, fresh)).toEqual([]);
    sql.thaw();
    // Duplicate: the key is in the stale row, and the answer carries the cart as it is now.
    await store.change(id, addOne(5), { opKey: "add:dup", fingerprint: "d" });
    await sql.freeze(sessionKey(id));
    await writer.store.change(id, addOne(6));
    const again = await store.change(id, addOne(5), { opKey: "add:dup", fingerprint: "d" });
    sql.thaw();
    expect(again.status).toBe("duplicate");
    expect(again.status === "duplicate" && again.session.data.lines.map((l) => l.productId)).toEqual([1, 5, 6]);
  });
});

describe("timeouts and touches", () => {
  it("idle and absolute timeouts end a session; reads within the touch interval write nothing", async () => {
    const clock = new Clock();
    const { store, sql } = await harness({ clock, touchIntervalMs: 60_000 });
    const id = store.issueId();
    await store.change(id, addOne(1));
    const before = writes(sql.statements).length;
    clock.advance(30_000);
    await store.load(id);
    expect(writes(sql.statements).length).toBe(before);
    clock.advance(31_000);
    await store.load(id);
    expect(writes(sql.statements).length).toBe(before + 1);
    clock.advance(IDLE + 1);
    expect(await store.load(id)).toEqual({ status: "ended", reason: "expired" });
    expect(await rowOf(id)).toBeUndefined();
    expect(await store.load(id)).toEqual({ status: "ended", reason: "unknown" });
  });
});

describe("destroy", () => {
  it("a destroyed id never comes back, on any node, even though its MAC is valid", async () => {
    const a = await harness({ node: 0 });
    const b = await harness({ node: lastNode(1) });
    const id = a.store.issueId();
    await a.store.change(id, addOne(1));
    await a.store.destroy(id);
    expect(await b.store.load(id)).toEqual({ status: "ended", reason: "destroyed" });
    const after = await b.store.change(id, addOne(1));
    expect(after.status === "changed" && after.id).toBeTruthy();
    expect(((await rowOf(id))!.ended_at)).not.toBeNull();
  });

  it("sign-out everywhere ends every session of that user and no other", async () => {
    const { store } = await harness();
    const mine = await store.rotate(store.issueId(), { userId: 424242, keepData: false });
    const mine2 = await store.rotate(store.issueId(), { userId: 424242, keepData: false });
    const theirs = await store.rotate(store.issueId(), { userId: 424243, keepData: false });
    expect(await store.destroyByUserId(424242)).toBe(2);
    expect((await store.load(mine.id)).status).toBe("ended");
    expect((await store.load(mine2.id)).status).toBe("ended");
    expect((await store.load(theirs.id)).status).toBe("active");
  });
});

describe("garbage collection", () => {
  it("deletes rows expired before the cutoff, in batches, and keeps the rest", async () => {
    const clock = new Clock();
    const { store, sql } = await harness({ clock });
    const id = store.issueId();
    await store.change(id, addOne(1));
    const keep = store.issueId();
    clock.advance(IDLE + 10 * 60_000);
    await store.change(keep, addOne(1)).catch(() => undefined);
    const result = await collectGarbage(sql, { holder: "pkg-test", leaseName: "pkg-test-gc", cutoff: store.gcCutoff(), batchSize: 2, now: clock.now });
    expect(result.ran).toBe(true);
    expect(await rowOf(id)).toBeUndefined();
  });

  it("a second run while one holds the lease does not run", async () => {
    const { sql } = await harness();
    const token = await acquireLease(sql, "pkg-test-lease", "a", 60_000);
    expect(token).not.toBeNull();
    expect(await acquireLease(sql, "pkg-test-lease", "b", 60_000)).toBeNull();
    await raw("DELETE FROM job_leases WHERE name = 'pkg-test-lease'");
  });
});
