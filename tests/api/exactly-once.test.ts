// The four holes issue 11 found with curl, as tests through nginx: replayed
// keys, replayed checkouts, requests in flight across a sign-in, and rows
// written for visitors who change nothing.
import { afterAll, describe, expect, inject, it } from "vitest";
import { Database } from "@/lib/db/database";
import { Visitor, productIds, sessionCookie } from "../support/http-client";

const baseUrl = () => inject("baseUrl");
const db = new Database({ urls: inject("databaseUrls"), poolSize: 2 });
afterAll(() => db.end());

const rowCount = async () => Number((await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM php_session"))[0].n);
const quantityOf = async (visitor: Visitor, productId: number) =>
  ((await visitor.json("/api/cart")).body.items as { productId: number; quantity: number }[]).find((i) => i.productId === productId)?.quantity ?? 0;
const key = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

describe("exactly once", () => {
  it("an Idempotency-Key replayed after 40 other adds does not apply again", async () => {
    const [a, b] = await productIds(baseUrl());
    const visitor = new Visitor(baseUrl());
    const k = key("replay");
    expect((await visitor.add(a, 1, k)).status).toBe(200);
    for (let i = 0; i < 40; i++) expect((await visitor.add(b, 1, key(`other-${i}`))).status).toBe(200);
    expect((await visitor.add(a, 1, k)).status).toBe(200);
    expect(await quantityOf(visitor, a)).toBe(1);
    expect(await quantityOf(visitor, b)).toBe(40);
  });

  it("a key applied before sign-in is still applied once after it", async () => {
    const [a] = await productIds(baseUrl());
    const visitor = new Visitor(baseUrl());
    const k = key("before-sign-in");
    await visitor.add(a, 1, k);
    expect((await visitor.signIn("bob@example.com", "demo-password")).status).toBe(200);
    await visitor.add(a, 1, k);
    expect(await quantityOf(visitor, a)).toBe(1);
  });

  it("the same Idempotency-Key with a different body is 422 and changes nothing", async () => {
    const [a, b] = await productIds(baseUrl());
    const visitor = new Visitor(baseUrl());
    const k = key("bound");
    await visitor.add(a, 1, k);
    const reused = await visitor.add(b, 1, k);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    expect(await quantityOf(visitor, b)).toBe(0);
  });

  it("a checkout replayed after other changes returns its order and leaves the current cart alone", async () => {
    const ids = await productIds(baseUrl());
    const alice = new Visitor(baseUrl());
    await alice.signIn("alice@example.com", "demo-password");
    for (const item of (await alice.json("/api/cart")).body.items) await alice.json(`/api/cart/items/${item.productId}`, { method: "DELETE" });
    await alice.add(ids[2], 1);
    const k = key("checkout");
    const first = await alice.json("/api/orders", { method: "POST", headers: { "idempotency-key": k } });
    expect(first.status).toBe(201);
    for (let i = 0; i < 35; i++) await alice.add(ids[3], 1, key(`after-${i}`));
    const replay = await alice.json("/api/orders", { method: "POST", headers: { "idempotency-key": k } });
    expect(replay.status).toBe(200);
    expect(replay.body.orderId).toBe(first.body.orderId);
    expect(await quantityOf(alice, ids[3])).toBe(35);
    const orders = await db.query<{ n: number }[]>("SELECT COUNT(*) AS n FROM orders WHERE checkout_key = ?", [k]);
    expect(Number(orders[0].n)).toBe(1);
  });
});

describe("requests in flight across a sign-in", () => {
  it("adds racing a sign-in land in the signed-in cart or are refused as rotated; none mints a session; retried, each lands once", async () => {
    const [a] = await productIds(baseUrl());
    const visitor = new Visitor(baseUrl());
    await visitor.json("/api/cart");
    const before = sessionCookie(visitor)!;
    const keys = Array.from({ length: 12 }, (_, i) => key(`race-${i}`));
    const racer = new Visitor(baseUrl());
    racer.cookies.set("sid", before);
    const [signIn, ...adds] = await Promise.all([
      visitor.signIn("bob@example.com", "demo-password"),
      ...keys.map((k) => racer.json("/api/cart/items", { method: "POST", json: { productId: a, quantity: 1 }, headers: { "cookie": `sid=${before}`, "idempotency-key": k } })),
    ]);
    expect(signIn.status).toBe(200);
    for (const add of adds) {
      expect([200, 409]).toContain(add.status);
      expect(add.response.headers.getSetCookie().filter((c) => c.startsWith("sid="))).toEqual([]);
    }
    // The shop's client retries a refused request with its new cookie and the same key.
    for (const [i, add] of adds.entries()) if (add.status === 409) expect((await visitor.add(a, 1, keys[i])).status).toBe(200);
    // A late duplicate of every add changes nothing.
    for (const k of keys) await visitor.add(a, 1, k);
    expect(await quantityOf(visitor, a)).toBe(12);
  });

  it("adds sent with the pre-sign-in id after the sign-in answered are all 409 session_rotated and mint no session", async () => {
    const [a] = await productIds(baseUrl());
    const visitor = new Visitor(baseUrl());
    await visitor.add(a, 1);
    const before = sessionCookie(visitor)!;
    await visitor.signIn("alice@example.com", "demo-password");
    const rowsBefore = await rowCount();
    const stale = await Promise.all(
      Array.from({ length: 36 }, () =>
        fetch(new URL("/api/cart/items", baseUrl()), {
          method: "POST",
          headers: { cookie: `sid=${before}`, "content-type": "application/json", "idempotency-key": key("stale") },
          body: JSON.stringify({ productId: a, quantity: 1 }),
        }),
      ),
    );
    expect(stale.map((r) => r.status)).toEqual(Array(36).fill(409));
    for (const r of stale) {
      expect((await r.json()).error.code).toBe("session_rotated");
      expect(r.headers.getSetCookie()).toEqual([]);
    }
    expect(await rowCount()).toBeLessThanOrEqual(rowsBefore);
  });
});

describe("no row for visitors who change nothing", () => {
  it("1,000 cookieless page views and API GETs add 0 php_session rows, yet each gets an id", async () => {
    const before = await rowCount();
    const requests: { path: string; init: RequestInit }[] = [
      ...Array.from({ length: 400 }, () => ({ path: "/", init: { headers: { accept: "text/html" } } })),
      ...Array.from({ length: 100 }, () => ({ path: "/", init: { method: "HEAD", headers: { accept: "text/html" } } })),
      ...Array.from({ length: 400 }, () => ({ path: "/api/cart", init: {} })),
      ...Array.from({ length: 100 }, () => ({ path: "/cart", init: { headers: { accept: "text/html" } } })),
    ];
    let withCookie = 0;
    for (let i = 0; i < requests.length; i += 25) {
      const batch = await Promise.all(requests.slice(i, i + 25).map((r) => fetch(new URL(r.path, baseUrl()), r.init)));
      for (const response of batch) {
        expect(response.status).toBe(200);
        if (response.headers.getSetCookie().some((c) => /^sid=[\w-]{70};/.test(c))) withCookie++;
        await response.arrayBuffer();
      }
    }
    // Every GET gets an id (HEAD does not need one).
    expect(withCookie).toBe(requests.filter((r) => r.init.method !== "HEAD").length);
    expect(await rowCount()).toBeLessThanOrEqual(before);
  });
});
