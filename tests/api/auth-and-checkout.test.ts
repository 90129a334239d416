// Sign-in and sign-out through next-auth's standard endpoints, with php_session
// authoritative; checkout into orders, once per checkout key.
import { afterAll, describe, expect, inject, it } from "vitest";
import { Database } from "@/lib/db/database";
import { Visitor, productIds, sessionCookie } from "../support/http-client";

const baseUrl = () => inject("baseUrl");
const db = new Database({ urls: inject("databaseUrls"), poolSize: 2 });
afterAll(() => db.end());

const userIdOf = async (email: string) =>
  (await db.query<{ id: number }[]>("SELECT id FROM users WHERE email = ?", [email]))[0].id;

describe("sign-in", () => {
  it("signs in with the demo password, rotates the session id and keeps the cart", async () => {
    const visitor = new Visitor(baseUrl());
    await visitor.add((await productIds(baseUrl()))[0], 2);
    const before = sessionCookie(visitor);
    const response = await visitor.signIn("alice@example.com", "demo-password");
    expect(response.status).toBe(200);
    expect(sessionCookie(visitor)).not.toBe(before);
    const { body } = await visitor.json("/api/auth/session");
    expect(body.user).toMatchObject({ email: "alice@example.com", name: expect.any(String) });
    expect((await visitor.json("/api/cart")).body.totalQuantity).toBe(2);

    // The pre-sign-in id is refused as just rotated: never the signed-in cart, never a fresh session of its own.
    const replay = new Visitor(baseUrl());
    replay.cookies.set("sid", before!);
    const refused = await replay.json("/api/cart");
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("session_rotated");
    expect(refused.response.headers.getSetCookie()).toEqual([]);
  });

  it("a wrong password does not sign in, and does not echo the password", async () => {
    const visitor = new Visitor(baseUrl());
    const response = await visitor.signIn("alice@example.com", "wrong-password-123");
    const text = await response.text();
    expect(text).not.toContain("wrong-password-123");
    expect(text).toMatch(/CredentialsSignin|error/);
    expect((await visitor.json("/api/auth/session")).body).toEqual({});
  });

  it("sign-out ends the session on every node; replaying the old cookies is refused or anonymous, never signed in", async () => {
    const visitor = new Visitor(baseUrl());
    await visitor.signIn("bob@example.com", "demo-password");
    const oldCookies = new Map(visitor.cookies);
    expect((await visitor.signOut()).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await visitor.json("/api/auth/session")).body).toEqual({});
    const replay = new Visitor(baseUrl());
    for (const [k, v] of oldCookies) replay.cookies.set(k, v);
    for (let i = 0; i < 6; i++) {
      expect((await replay.json("/api/auth/session")).body).toEqual({});
      const cart = await replay.json("/api/cart");
      expect(cart.status).toBe(409);
      expect(cart.body.error.code).toBe("session_rotated");
      for (const [k, v] of oldCookies) replay.cookies.set(k, v);
    }
  });

  it("ending the user's php_session rows signs them out whatever next-auth's cookie says", async () => {
    const visitor = new Visitor(baseUrl());
    await visitor.signIn("bob@example.com", "demo-password");
    expect((await visitor.json("/api/auth/session")).body.user.email).toBe("bob@example.com");
    await db.query("DELETE FROM php_session WHERE user_id = ?", [await userIdOf("bob@example.com")]);
    expect((await visitor.json("/api/auth/session")).body).toEqual({});
  });
});

describe("checkout", () => {
  it("needs a signed-in visitor (401) and a non-empty cart (422)", async () => {
    const anonymous = new Visitor(baseUrl());
    await anonymous.add((await productIds(baseUrl()))[0], 1);
    const denied = await anonymous.json("/api/orders", { method: "POST", headers: { "idempotency-key": `k-${Date.now()}-a` } });
    expect(denied.status).toBe(401);
    const alice = new Visitor(baseUrl());
    await alice.signIn("alice@example.com", "demo-password");
    await alice.json("/api/cart");
    for (const item of (await alice.json("/api/cart")).body.items) {
      await alice.json(`/api/cart/items/${item.productId}`, { method: "DELETE" });
    }
    const empty = await alice.json("/api/orders", { method: "POST", headers: { "idempotency-key": `k-${Date.now()}-b` } });
    expect(empty.status).toBe(422);
    const init = { method: "POST", headers: { "idempotency-key": `k-${Date.now()}-c` } };
    const concurrent = await Promise.all([alice.json("/api/orders", init), alice.json("/api/orders", init), alice.json("/api/orders", init)]);
    expect(concurrent.map((r) => r.status)).toEqual([422, 422, 422]);
  });

  it("turns the cart into one order with its lines and empties the cart, even when retried", async () => {
    const alice = new Visitor(baseUrl());
    await alice.signIn("alice@example.com", "demo-password");
    for (const item of (await alice.json("/api/cart")).body.items) {
      await alice.json(`/api/cart/items/${item.productId}`, { method: "DELETE" });
    }
    const ids = await productIds(baseUrl());
    await alice.add(ids[4], 2);
    await alice.add(ids[5], 1);
    const { body: cart } = await alice.json("/api/cart");
    const key = `checkout-${Date.now()}`;
    const init = { method: "POST", headers: { "idempotency-key": key } };
    const attempts = await Promise.all([alice.json("/api/orders", init), alice.json("/api/orders", init), alice.json("/api/orders", init)]);
    const orderIds = new Set(attempts.map((a) => a.body.orderId));
    expect(orderIds.size).toBe(1);
    expect(attempts.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    const retried = await alice.json("/api/orders", init);
    expect(retried.status).toBe(200);
    expect(retried.body.orderId).toBe([...orderIds][0]);

    const [orderId] = orderIds;
    const lines = await db.query<any[]>("SELECT product_id, quantity, unit_price_cents FROM order_lines WHERE order_id = ? ORDER BY product_id", [orderId]);
    expect(lines.map((l) => [l.product_id, l.quantity])).toEqual([[ids[4], 2], [ids[5], 1]]);
    const orders = await db.query<any[]>("SELECT total_cents FROM orders WHERE checkout_key = ?", [key]);
    expect(orders).toHaveLength(1);
    expect(orders[0].total_cents).toBe(cart.subtotalCents);
    expect((await alice.json("/api/cart")).body.totalQuantity).toBe(0);

    const { body: listed } = await alice.json<any[]>("/api/orders");
    expect(listed[0]).toMatchObject({ id: orderId, totalQuantity: 3, totalCents: cart.subtotalCents });
  });
});
