// The verify checker on small hand-made histories: one per anomaly kind that
// it must reject, and valid ones (unknown outcomes that did or did not apply,
// retries, rotations refused with 409) that it must accept.
import { describe, expect, it } from "vitest";
import { checkHistory, type AnomalyKind } from "@/verify/checker";
import { foldHistory, type HistoryEvent, type InvokeEvent, type Line, type Outcome } from "@/verify/history";

class Builder {
  events: HistoryEvent[] = [];
  private next = 1;
  private clock = 0;

  /** One request from `at` to `at + 10` (ms), or never completing when outcome is unknown. */
  op(at: number, fields: Omit<InvokeEvent, "type" | "op" | "wall" | "mono">, outcome: Outcome, done: { status?: number; code?: string; servedBy?: string; setSid?: string | null; cart?: Line[]; orderId?: number; duration?: number } = {}): number {
    const op = this.next++;
    const { duration = 10, ...rest } = done;
    this.events.push({ type: "invoke", op, ...fields, wall: at, mono: at });
    this.events.push({ type: outcome, op, status: outcome === "unknown" ? undefined : (rest.status ?? (outcome === "ok" ? 200 : 422)), ...rest, wall: at + duration, mono: at + duration });
    this.clock = Math.max(this.clock, at + duration);
    return op;
  }

  visitor(client: string, sid: string, at = 0) {
    return this.op(at, { client, f: "page" }, "ok", { setSid: sid });
  }

  add(at: number, client: string, sid: string, key: string, productId: number, quantity: number, outcome: Outcome = "ok", done = {}) {
    return this.op(at, { client, f: "add", sid, key, productId, quantity }, outcome, done);
  }

  read(at: number, client: string, sid: string, cart: Line[], servedBy = "web-1") {
    return this.op(at, { client, f: "read", sid }, "ok", { cart, servedBy });
  }

  final(client: string, sid: string, cart: Line[], at = this.clock + 100) {
    this.events.push({ type: "final", client, sid, cart, wall: at, mono: at });
  }

  check() {
    return checkHistory(foldHistory(this.events));
  }

  kinds(): AnomalyKind[] {
    return [...new Set(this.check().anomalies.map((anomaly) => anomaly.kind))].sort();
  }
}

const line = (productId: number, quantity: number): Line => ({ productId, quantity });

describe("verify checker: histories it must reject", () => {
  it("lost update: an acknowledged add missing from the final cart", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    const lost = h.add(200, "c1", "s1", "k-2", 7, 1);
    h.final("c1", "s1", [line(7, 1)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["lost-update"]);
    expect(result.anomalies[0]!.ops).toContain(lost);
  });

  it("lost update: an acknowledged quantity change overwritten by nothing any client sent after it", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 2);
    h.op(200, { client: "c1", f: "set", sid: "s1", productId: 7, quantity: 5 }, "ok");
    h.final("c1", "s1", [line(7, 2)]);
    expect(h.kinds()).toEqual(["lost-update"]);
  });

  it("duplicate: an Idempotency-Key replayed after other adds applies twice", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    const first = h.add(100, "c1", "s1", "k-1", 7, 1);
    for (let i = 0; i < 40; i++) h.add(200 + i * 20, "c1", "s1", `k-other-${i}`, 8, 1);
    const replay = h.op(2000, { client: "c1", f: "add", sid: "s1", key: "k-1", productId: 7, quantity: 1, replay: true }, "ok");
    h.final("c1", "s1", [line(7, 2), line(8, 40)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["duplicate"]);
    expect(result.anomalies[0]!.ops).toEqual(expect.arrayContaining([first, replay]));
  });

  it("duplicate: a retry after a timeout applies a second time", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1, "unknown");
    h.add(5000, "c1", "s1", "k-1", 7, 1, "ok");
    h.final("c1", "s1", [line(7, 2)]);
    expect(h.kinds()).toEqual(["duplicate"]);
  });

  it("phantom: a product no client of the lineage ever added", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    h.final("c1", "s1", [line(7, 1), line(9, 3)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["phantom"]);
    expect(result.anomalies[0]!.productId).toBe(9);
  });

  it("phantom: an order that no checkout of the run made", () => {
    const h = new Builder();
    h.events.push({ type: "orders", phase: "baseline", user: "alice@example.com", orders: [{ id: 1, lines: [line(7, 1)] }], wall: 0, mono: 0 });
    h.events.push({ type: "orders", phase: "final", user: "alice@example.com", orders: [{ id: 1, lines: [line(7, 1)] }, { id: 5, lines: [line(7, 1)] }], wall: 9, mono: 9 });
    expect(h.kinds()).toEqual(["phantom"]);
  });

  it("resurrection: a change accepted with an id after its sign-in rotation was acknowledged", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    const signIn = h.op(200, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "ok", { setSid: "s2" });
    const stale = h.add(300, "c1", "s1", "k-2", 7, 1, "ok", { servedBy: "web-2" });
    h.final("c1", "s2", [line(7, 2)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["resurrection"]);
    expect(result.anomalies[0]!.ops).toEqual([signIn, stale]);
  });

  it("resurrection: a read accepted with an id after sign-out", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(100, { client: "c1", f: "signout", sid: "s1" }, "ok", { setSid: "s2" });
    h.read(200, "c1", "s1", []);
    expect(h.kinds()).toEqual(["resurrection"]);
  });

  it("resurrection: a change accepted with an id whose sign-out only deleted the cookie", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(100, { client: "c1", f: "signout", sid: "s1" }, "ok", { setSid: null });
    h.add(200, "c1", "s1", "k-1", 7, 1);
    expect(h.kinds()).toEqual(["resurrection"]);
  });

  it("stale read: a read on another node that misses an acknowledged add", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(100, { client: "c1", f: "add", sid: "s1", key: "k-1", productId: 7, quantity: 1 }, "ok", { servedBy: "web-1" });
    const read = h.read(200, "c1", "s1", [], "web-2");
    h.read(300, "c1", "s1", [line(7, 1)], "web-3");
    h.final("c1", "s1", [line(7, 1)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["stale-read"]);
    expect(result.anomalies[0]!.ops).toContain(read);
    expect(result.anomalies[0]!.message).toContain("web-1");
  });

  it("forked session: concurrent first changes after the first page view end in two sessions", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1, "ok");
    const forked = h.add(101, "c1", "s1", "k-2", 7, 1, "ok", { setSid: "s-other" });
    h.final("c1", "s1", [line(7, 1)]);
    const result = h.check();
    expect(result.anomalies.map((a) => a.kind)).toEqual(["forked-session"]);
    expect(result.anomalies[0]!.ops).toEqual([forked]);
  });

  it("lost update: a checkout replay that empties the cart made after the checkout", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(50, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "ok", { setSid: "s2" });
    h.add(100, "c1", "s2", "k-1", 7, 1);
    h.op(200, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com" }, "ok", { status: 201, orderId: 11 });
    h.add(300, "c1", "s2", "k-2", 8, 1);
    h.op(400, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com", replay: true }, "ok", { orderId: 11 });
    h.events.push({ type: "orders", phase: "final", user: "alice@example.com", orders: [{ id: 11, lines: [line(7, 1)] }], wall: 900, mono: 900 });
    h.final("c1", "s2", []);
    expect(h.kinds()).toEqual(["lost-update"]);
  });

  it("lost update: an order whose lines differ from the cart at checkout", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(50, { client: "c1", f: "signin", sid: "s1", user: "bob@example.com" }, "ok", { setSid: "s2" });
    h.add(100, "c1", "s2", "k-1", 7, 2);
    h.op(200, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "bob@example.com" }, "ok", { status: 201, orderId: 12 });
    h.events.push({ type: "orders", phase: "final", user: "bob@example.com", orders: [{ id: 12, lines: [line(7, 1)] }], wall: 900, mono: 900 });
    h.final("c1", "s2", []);
    expect(h.kinds()).toEqual(["lost-update"]);
  });
});

describe("verify checker: histories it must accept", () => {
  it("adds, quantity changes, reads and a final cart that agree", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    h.add(200, "c1", "s1", "k-2", 7, 2);
    h.read(300, "c1", "s1", [line(7, 3)], "web-2");
    h.op(400, { client: "c1", f: "set", sid: "s1", productId: 7, quantity: 1 }, "ok");
    h.add(500, "c1", "s1", "k-3", 8, 1);
    h.add(600, "c1", "s1", "k-1", 7, 1, "ok"); // a replay of an applied key: no effect
    h.final("c1", "s1", [line(7, 1), line(8, 1)]);
    const result = h.check();
    expect(result.anomalies).toEqual([]);
    expect(result.stats.productsChecked).toBe(2);
  });

  it("an unknown add that did apply, and one that did not", () => {
    for (const applied of [true, false]) {
      const h = new Builder();
      h.visitor("c1", "s1");
      h.add(100, "c1", "s1", "k-1", 7, 1, "unknown");
      h.add(200, "c1", "s1", "k-2", 7, 1);
      h.final("c1", "s1", [line(7, applied ? 2 : 1)]);
      expect(h.check().anomalies).toEqual([]);
    }
  });

  it("an unknown add that applied late, after a later quantity change (relative after absolute)", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 2);
    h.add(200, "c1", "s1", "k-2", 7, 1, "unknown");
    h.op(300, { client: "c1", f: "set", sid: "s1", productId: 7, quantity: 5 }, "ok");
    h.read(400, "c1", "s1", [line(7, 5)]);
    h.final("c1", "s1", [line(7, 6)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("a timed-out add retried with the same key applies once", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1, "unknown");
    h.add(4100, "c1", "s1", "k-1", 7, 1, "fail", { status: 503 });
    h.add(6100, "c1", "s1", "k-1", 7, 1, "ok");
    h.final("c1", "s1", [line(7, 1)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("sign-in keeps the cart; a stale add is refused with 409 and retried with the new id", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    h.op(200, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "ok", { setSid: "s2" });
    h.op(300, { client: "c1", f: "add", sid: "s1", key: "k-2", productId: 7, quantity: 1, stale: true }, "fail", { status: 409, code: "session_rotated" });
    h.add(320, "c1", "s2", "k-2", 7, 1);
    h.final("c1", "s2", [line(7, 2)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("sign-out starts an empty cart; the old lineage is not compared with the new one", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 3);
    h.op(200, { client: "c1", f: "signout", sid: "s1" }, "ok", { setSid: "s2" });
    h.read(300, "c1", "s2", []);
    h.add(400, "c1", "s2", "k-2", 8, 1);
    h.final("c1", "s2", [line(8, 1)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("adds in flight across a sign-in land once in the signed-in cart", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(100, { client: "c1", f: "signin", sid: "s1", user: "bob@example.com" }, "ok", { setSid: "s2", duration: 50 });
    h.add(110, "c1", "s1", "k-1", 7, 1); // applied before the rotation
    h.op(120, { client: "c1", f: "add", sid: "s1", key: "k-2", productId: 7, quantity: 1 }, "fail", { status: 409, code: "session_rotated" });
    h.add(200, "c1", "s2", "k-2", 7, 1);
    h.final("c1", "s2", [line(7, 2)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("a checkout, its replay returning the same order, and a cart left alone", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(50, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "ok", { setSid: "s2" });
    h.add(100, "c1", "s2", "k-1", 7, 2);
    h.op(200, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com" }, "unknown");
    h.op(4200, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com" }, "ok", { orderId: 11 });
    h.add(4300, "c1", "s2", "k-2", 8, 1);
    h.op(4400, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com", replay: true }, "ok", { orderId: 11 });
    h.events.push({ type: "orders", phase: "baseline", user: "alice@example.com", orders: [], wall: 0, mono: 0 });
    h.events.push({ type: "orders", phase: "final", user: "alice@example.com", orders: [{ id: 11, lines: [line(7, 2)] }], wall: 9000, mono: 9000 });
    h.final("c1", "s2", [line(8, 1)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("an unknown checkout may have made an order", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.op(50, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "ok", { setSid: "s2" });
    h.add(100, "c1", "s2", "k-1", 7, 2);
    h.op(200, { client: "c1", f: "checkout", sid: "s2", key: "co-1", user: "alice@example.com" }, "unknown");
    h.events.push({ type: "orders", phase: "baseline", user: "alice@example.com", orders: [], wall: 0, mono: 0 });
    h.events.push({ type: "orders", phase: "final", user: "alice@example.com", orders: [{ id: 11, lines: [line(7, 2)] }], wall: 9000, mono: 9000 });
    h.final("c1", "s2", []);
    expect(h.check().anomalies).toEqual([]);
  });

  it("concurrent adds from one visitor commute", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    for (let i = 0; i < 6; i++) h.op(100 + i, { client: "c1", f: "add", sid: "s1", key: `k-${i}`, productId: 7, quantity: 1 }, "ok", { duration: 80 - i * 10 });
    h.read(105, "c1", "s1", [line(7, 2)]); // concurrent with the adds: any prefix is fine
    h.final("c1", "s1", [line(7, 6)]);
    expect(h.check().anomalies).toEqual([]);
  });

  it("an abandoned lineage (sign-in with unknown outcome) is not compared at the end", () => {
    const h = new Builder();
    h.visitor("c1", "s1");
    h.add(100, "c1", "s1", "k-1", 7, 1);
    h.op(200, { client: "c1", f: "signin", sid: "s1", user: "alice@example.com" }, "unknown");
    h.final("c1", "s1", []);
    const result = h.check();
    expect(result.anomalies).toEqual([]);
    expect(result.stats.abandonedLineages).toBe(1);
  });
});
