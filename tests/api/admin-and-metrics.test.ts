// The operators' view: admin-only access, ending a user's sessions signs them
// out on every node, and the Prometheus metrics parse and move.
import { describe, expect, inject, it } from "vitest";
import { Visitor, productIds } from "../support/http-client";

const baseUrl = () => inject("baseUrl");

async function signedIn(email: string) {
  const visitor = new Visitor(baseUrl());
  await visitor.json("/api/cart");
  const response = await visitor.signIn(email, "demo-password");
  expect(response.status).toBe(200);
  return visitor;
}

describe("admin page", () => {
  it("is 403 with a plain page for a signed-in customer, on the page and its API", async () => {
    const alice = await signedIn("alice@example.com");
    const page = await alice.request("/admin");
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("operators");
    expect((await alice.json("/api/admin/cluster")).status).toBe(403);
  });

  it("sends an anonymous visitor to sign in", async () => {
    const response = await new Visitor(baseUrl()).request("/admin");
    expect([303, 307]).toContain(response.status);
    expect(response.headers.get("location")).toContain("/sign-in");
    expect((await new Visitor(baseUrl()).json("/api/admin/cluster")).status).toBe(401);
  });

  it("shows an admin the sessions and the cluster", async () => {
    const admin = await signedIn("admin@example.com");
    const page = await admin.request("/admin");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Active sessions");
    expect(html).toContain("admin@example.com");
    const { status, body } = await admin.json("/api/admin/cluster");
    expect(status).toBe(200);
    expect(body.db.length).toBeGreaterThanOrEqual(1);
    expect(body.db.every((node: any) => node.up)).toBe(true);
  });

  it("never shows a raw session id, only labels of the stored hash", async () => {
    const bob = await signedIn("bob@example.com");
    const admin = await signedIn("admin@example.com");
    const html = await (await admin.request("/admin")).text();
    expect(html).toContain("bob@example.com");
    expect(html).not.toContain(bob.cookies.get("sid")!);
  });
});

describe("sign out everywhere", () => {
  it("an operator ending a user's sessions signs that user out on every node", async () => {
    const devices = [await signedIn("bob@example.com"), await signedIn("bob@example.com")];
    const bystander = await signedIn("alice@example.com");
    for (const device of devices) expect((await device.json("/api/auth/session")).body.user.email).toBe("bob@example.com");
    const admin = await signedIn("admin@example.com");
    const html = await (await admin.request("/admin")).text();
    expect((html.match(/End session [0-9a-f]{12} of bob@example\.com/g) ?? []).length).toBeGreaterThanOrEqual(2);
    const bobId = Number(html.slice(html.indexOf("bob@example.com")).match(/name="userId" value="(\d+)"/)![1]);

    expect((await bystander.json(`/api/admin/users/${bobId}/sessions`, { method: "DELETE" })).status).toBe(403);
    const { status, body } = await admin.json(`/api/admin/users/${bobId}/sessions`, { method: "DELETE" });
    expect(status).toBe(200);
    expect(body.ended).toBeGreaterThanOrEqual(2);
    for (const device of devices) {
      for (let i = 0; i < 3; i++) expect((await device.json("/api/auth/session")).body).toEqual({});
    }
    expect((await bystander.json("/api/auth/session")).body.user.email).toBe("alice@example.com");
  });

  it("an operator can end one session by its key", async () => {
    const bob = await signedIn("bob@example.com");
    const admin = await signedIn("admin@example.com");
    const html = await (await admin.request("/admin")).text();
    const keys = [...html.matchAll(/name="key" value="([0-9a-f]{64})"/g)].map((m) => m[1]);
    const { createHash } = await import("node:crypto");
    const bobKey = createHash("sha256").update(bob.cookies.get("sid")!).digest("hex");
    expect(keys).toContain(bobKey);
    expect((await admin.json(`/api/admin/sessions/${bobKey}`, { method: "DELETE" })).body).toEqual({ ended: true });
    expect((await bob.json("/api/auth/session")).body).toEqual({});
  });
});

describe("metrics", () => {
  const parse = (text: string) => {
    const samples = new Map<string, number>();
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
      const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.eE+-]+|NaN|[+-]Inf)$/);
      if (!match) throw new Error(`not Prometheus text: ${line}`);
      samples.set(match[1], Number(match[2]));
    }
    return samples;
  };

  it("parse as Prometheus text and move when requests are made", async () => {
    const webNode = inject("webUrls")[0] ?? baseUrl();
    // Metrics are for operators: scrape as the admin (or with METRICS_TOKEN, see tests/hostile).
    const admin = await signedIn("admin@example.com");
    const scrape = async () => {
      const response = await fetch(new URL("/api/metrics", webNode), { headers: { cookie: admin.cookieHeader() } });
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return parse(await response.text());
    };
    const before = await scrape();
    const visitor = new Visitor(webNode);
    const [id] = await productIds(baseUrl());
    for (let i = 0; i < 5; i++) await visitor.add(id, 1);
    const after = await scrape();
    const key = 'shop_http_requests_total{route="/api/cart/items",method="POST",status="200"}';
    expect((after.get(key) ?? 0) - (before.get(key) ?? 0)).toBe(5);
    const changes = 'shop_session_store_duration_seconds_count{op="change",outcome="ok"}';
    expect((after.get(changes) ?? 0) - (before.get(changes) ?? 0)).toBeGreaterThanOrEqual(4);
    // The session gauges are counted at most every 5 s (SESSION_GAUGE_TTL_MS): scrape again after that.
    await new Promise((resolve) => setTimeout(resolve, 5100));
    expect((await scrape()).get('shop_sessions_active{kind="anonymous"}')).toBeGreaterThanOrEqual(1);
    expect([...after.keys()].some((k) => k.startsWith("shop_session_conflict_retries_total"))).toBe(true);
    expect([...after.keys()].some((k) => k.startsWith("shop_session_gc_deleted_total"))).toBe(true);
  });
});
