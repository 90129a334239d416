// The JSON API contract, through the load balancer: every status code the
// shop promises, and what a retried or hostile request gets.
import { describe, expect, inject, it } from "vitest";
import { Visitor, productIds, sessionCookie } from "../support/http-client";

const baseUrl = () => inject("baseUrl");

describe("health and catalog", () => {
  it("GET /api/health answers 200 with the node name and db ok", async () => {
    const { status, body, response } = await new Visitor(baseUrl()).json("/api/health");
    expect(status).toBe(200);
    expect(body).toEqual({ node: response.headers.get("x-served-by"), db: "ok" });
  });

  it("every response names the node that served it, pages and assets too", async () => {
    const visitor = new Visitor(baseUrl());
    for (const path of ["/api/products", "/", "/cart", "/no-such-page", "/products/ethiopia-yirgacheffe.svg"]) {
      const response = await visitor.request(path);
      await response.arrayBuffer();
      expect(response.headers.get("x-served-by"), path).toMatch(/\S+/);
    }
  });

  it("GET /api/products lists at least 12 products with prices in cents", async () => {
    const { status, body } = await new Visitor(baseUrl()).json<any[]>("/api/products");
    expect(status).toBe(200);
    expect(body.length).toBeGreaterThanOrEqual(12);
    for (const product of body) {
      expect(product).toMatchObject({ id: expect.any(Number), name: expect.any(String), priceCents: expect.any(Number) });
      expect(Number.isInteger(product.priceCents) && product.priceCents > 0).toBe(true);
    }
  });
});

describe("cart", () => {
  it("GET /api/cart starts a session: HttpOnly, SameSite=Lax, Path=/ cookie and an empty cart", async () => {
    const visitor = new Visitor(baseUrl());
    const { status, body, response } = await visitor.json("/api/cart");
    expect(status).toBe(200);
    expect(body).toEqual({ items: [], totalQuantity: 0, subtotalCents: 0 });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("sid="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(sessionCookie(visitor)).toMatch(/^[A-Za-z0-9_-]{70}$/);
  });

  it("over HTTPS (X-Forwarded-Proto from the trusted proxy) the cookie is Secure and named __Host-sid", async () => {
    const webNode = inject("webUrls")[0] ?? baseUrl();
    const response = await fetch(new URL("/api/cart", webNode), { headers: { "x-forwarded-proto": "https" } });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-sid="));
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it("adds, changes and removes lines across nodes, with totals", async () => {
    const visitor = new Visitor(baseUrl());
    const { body: products } = await visitor.json<any[]>("/api/products");
    const [a, b] = products;
    expect((await visitor.add(a.id, 2)).status).toBe(200);
    const added = await visitor.add(b.id, 1);
    expect(added.body.totalQuantity).toBe(3);
    expect(added.body.subtotalCents).toBe(2 * a.priceCents + b.priceCents);
    expect(added.body.items).toEqual([
      { productId: a.id, name: a.name, quantity: 2, unitPriceCents: a.priceCents },
      { productId: b.id, name: b.name, quantity: 1, unitPriceCents: b.priceCents },
    ]);
    const patched = await visitor.json(`/api/cart/items/${a.id}`, { method: "PATCH", json: { quantity: 5 } });
    expect(patched.status).toBe(200);
    expect(patched.body.totalQuantity).toBe(6);
    const zero = await visitor.json(`/api/cart/items/${b.id}`, { method: "PATCH", json: { quantity: 0 } });
    expect(zero.body.items.map((i: any) => i.productId)).toEqual([a.id]);
    const deleted = await visitor.json(`/api/cart/items/${a.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ items: [], totalQuantity: 0, subtotalCents: 0 });
  });

  it("an Idempotency-Key makes a retried add apply once per session", async () => {
    const visitor = new Visitor(baseUrl());
    await visitor.json("/api/cart");
    const key = `retry-${Date.now()}`;
    const [id] = await productIds(baseUrl());
    const results = await Promise.all([visitor.add(id, 1, key), visitor.add(id, 1, key), visitor.add(id, 1, key)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const again = await visitor.add(id, 1, key);
    expect(again.body.totalQuantity).toBe(1);
    const other = new Visitor(baseUrl());
    await other.json("/api/cart");
    expect((await other.add(id, 1, key)).body.totalQuantity).toBe(1);
  });

  it("16 concurrent adds to one session spread over the nodes all land", async () => {
    const visitor = new Visitor(baseUrl());
    await visitor.json("/api/cart");
    const id = (await productIds(baseUrl()))[2];
    const results = await Promise.all(Array.from({ length: 16 }, () => visitor.add(id, 1)));
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(200));
    const { body } = await visitor.json("/api/cart");
    expect(body.items).toEqual([expect.objectContaining({ productId: id, quantity: 16 })]);
  });
});

describe("client mistakes get a 4xx with a message, never a 500", () => {
  const cases: [string, RequestInit & { json?: unknown; path?: string }, number][] = [
    ["malformed JSON", { method: "POST", body: '{"productId": 1,', headers: { "content-type": "application/json" } }, 400],
    ["missing quantity", { method: "POST", json: { productId: 1 } }, 400],
    ["quantity 0", { method: "POST", json: { productId: 1, quantity: 0 } }, 400],
    ["quantity 100", { method: "POST", json: { productId: 1, quantity: 100 } }, 400],
    ["quantity as text", { method: "POST", json: { productId: 1, quantity: "2" } }, 400],
    ["an array body", { method: "POST", json: [1, 2] }, 400],
    ["a negative product id", { method: "POST", json: { productId: -1, quantity: 1 } }, 400],
    ["an unknown product", { method: "POST", json: { productId: 999_999, quantity: 1 } }, 404],
    ["a body that is not JSON", { method: "POST", body: "productId=1", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415],
    ["a body over 16 KiB", { method: "POST", json: { productId: 1, quantity: 1, pad: "x".repeat(20_000) } }, 413],
    ["a bad Idempotency-Key", { method: "POST", json: { productId: 1, quantity: 1 }, headers: { "idempotency-key": "x" } }, 400],
    ["a cross-site Origin", { method: "POST", json: { productId: 1, quantity: 1 }, headers: { origin: "https://evil.example" } }, 403],
    ["PATCH with a bad product id", { method: "PATCH", json: { quantity: 1 }, path: "/api/cart/items/abc" }, 400],
    ["PATCH above the line limit", { method: "PATCH", json: { quantity: 100 }, path: "/api/cart/items/1" }, 400],
    ["DELETE from another site", { method: "DELETE", path: "/api/cart/items/1", headers: { origin: "http://evil.example" } }, 403],
  ];
  it.each(cases)("%s", async (_label, init, expected) => {
    const visitor = new Visitor(baseUrl());
    const { status, body } = await visitor.json(init.path ?? "/api/cart/items", init);
    expect(status).toBe(expected);
    expect(body.error.message).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("beyond 99 of one product is 422 and the cart is unchanged", async () => {
    const visitor = new Visitor(baseUrl());
    const id = (await productIds(baseUrl()))[1];
    await visitor.add(id, 60);
    const { status, body } = await visitor.add(id, 40);
    expect(status).toBe(422);
    expect(body.error.code).toBe("limit");
    expect((await visitor.json("/api/cart")).body.totalQuantity).toBe(60);
  });

  it("a tampered or unknown session cookie gets a fresh empty session, not an error", async () => {
    const victim = new Visitor(baseUrl());
    await victim.add((await productIds(baseUrl()))[3], 3);
    const original = sessionCookie(victim)!;
    const tampered = original.slice(0, -2) + (original.endsWith("AA") ? "BB" : "AA");
    for (const value of [tampered, "not-a-session", "x".repeat(4096), "'; DROP TABLE php_session; --"]) {
      const stranger = new Visitor(baseUrl());
      stranger.cookies.set("sid", value);
      const { status, body } = await stranger.json("/api/cart");
      expect(status).toBe(200);
      expect(body.totalQuantity).toBe(0);
      expect(sessionCookie(stranger)).not.toBe(value);
    }
    expect((await victim.json("/api/cart")).body.totalQuantity).toBe(3);
  });
});
