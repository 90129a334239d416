// The hostile-input suite: what an outsider can send, through nginx, to every
// route, page, server action and auth endpoint. Table-driven: each case names
// the status it must get; none may be a 5xx; some also check what must not
// happen (a forged cookie adopted, a cart changed, a session ended, a foreign
// redirect). The suite prints how many cases ran and how many were unexpected.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Visitor, sessionCookie } from "../support/http-client";
import { Tally, readAddToCartForm, type ActionForm } from "./support";

const baseUrl = () => inject("baseUrl");
const origin = () => new URL(baseUrl()).origin;
const tally = new Tally();

interface Context {
  anon: Visitor;
  alice: Visitor;
  admin: Visitor;
  form: ActionForm;
  metricsToken: string | null;
}

interface Case {
  name: string;
  expect: number | number[];
  send: (ctx: Context) => Promise<Response>;
  /** Further checks on the response and the state it left. */
  check?: (response: Response, ctx: Context) => Promise<void> | void;
}

const fresh = async () => {
  const visitor = new Visitor(baseUrl());
  await visitor.json("/api/cart");
  return visitor;
};

async function signedIn(email: string): Promise<Visitor> {
  const visitor = await fresh();
  const response = await visitor.signIn(email, "demo-password");
  if (response.status !== 200) throw new Error(`sign-in as ${email}: ${response.status}`);
  return visitor;
}

/** The cluster's generated metrics token, when the suite runs against the local cluster. */
function localMetricsToken(): string | null {
  try {
    const state = JSON.parse(readFileSync(join(process.cwd(), ".cluster", "state.json"), "utf8"));
    return state.secrets?.metricsToken ?? null;
  } catch {
    return null;
  }
}

const cartQuantity = async (visitor: Visitor) => (await visitor.json("/api/cart")).body.totalQuantity as number;
const email = async (visitor: Visitor) => (await visitor.json("/api/auth/session")).body?.user?.email as string | undefined;

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
};

/** A no-JS post of the add-to-cart form (what the page renders for browsers without JS). */
const noJsAdd = (ctx: Context, fields: Record<string, string>, headers: Record<string, string> = { origin: origin() }) =>
  fresh().then((visitor) =>
    visitor.request(ctx.form.pagePath, {
      method: "POST",
      headers: { accept: "text/html", ...headers },
      body: form([...ctx.form.hidden, ...Object.entries(fields)]),
    }).then((response) => Object.assign(response, { visitor })),
  );

/** A JS (fetch) call of the add-to-cart action: useActionState(prevState, formData). */
const fetchAdd = (ctx: Context, visitor: Visitor, fields: Record<string, string>, headers: Record<string, string> = { origin: origin() }) =>
  visitor.request(ctx.form.pagePath, {
    method: "POST",
    headers: { accept: "text/x-component", "next-action": ctx.form.actionId, ...headers },
    // As React's encodeReply writes it: the form's fields first, then the root part that refers to them.
    body: form([...Object.entries(fields).map(([k, v]) => [`_1_${k}`, v] as [string, string]), ["0", '[null,"$K1"]']]),
  });

const rawAction = (ctx: Context, contentType: string, body: string, headers: Record<string, string> = {}) =>
  ctx.anon.request(ctx.form.pagePath, {
    method: "POST",
    headers: { origin: origin(), accept: "text/x-component", "next-action": ctx.form.actionId, "content-type": contentType, ...headers },
    body,
  });

const postJson = (visitor: Visitor, path: string, body: unknown, headers: Record<string, string> = {}, method = "POST") =>
  visitor.request(path, { method, headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

const signInWithCallback = (target: string): Case => ({
  name: `signed-in /sign-in?callbackUrl=${target.slice(0, 40)} redirects home, not away`,
  expect: 307,
  send: (ctx) => ctx.alice.request(`/sign-in?callbackUrl=${target}`, { headers: { accept: "text/html" } }),
  check: (response) => expect(response.headers.get("location")).toBe("/"),
});

const cookieCase = (name: string, value: string, expectStatus: number | number[] = 200): Case => ({
  name: `GET /api/cart with ${name} session cookie: never adopted`,
  expect: expectStatus,
  send: () => fetch(new URL("/api/cart", baseUrl()), { headers: { cookie: `sid=${value}` }, redirect: "manual" }),
  check: async (response) => {
    if (response.status !== 200) return;
    const set = response.headers.getSetCookie().find((c) => c.startsWith("sid="));
    if (set) expect(set.slice(4, set.indexOf(";"))).not.toBe(value);
    expect((await response.json()).totalQuantity).toBe(0);
  },
});

const forged43 = createHash("sha256").update("forged").digest("base64url");
const forgedLong = Buffer.from("v1." + "x".repeat(90)).toString("base64url");

const cases: Case[] = [
  // --- Finding 1/2: redirect targets after sign-in --------------------------------
  signInWithCallback("/%09/evil.example"),
  signInWithCallback("/%0a"),
  signInWithCallback("/%0d%0aSet-Cookie:%20x=1"),
  signInWithCallback("/%E3%80%82evil.example"),
  signInWithCallback("//evil.example"),
  signInWithCallback("/%5Cevil.example"),
  signInWithCallback("https://evil.example/"),
  signInWithCallback("javascript:alert(1)"),
  signInWithCallback("/" + "a".repeat(5000)),
  {
    name: "signed-in /sign-in?callbackUrl=/account still goes to /account",
    expect: 307,
    send: (ctx) => ctx.alice.request("/sign-in?callbackUrl=/account", { headers: { accept: "text/html" } }),
    check: (response) => expect(response.headers.get("location")).toBe("/account"),
  },
  { name: "anonymous /sign-in?callbackUrl=/%0a renders the form", expect: 200, send: (ctx) => ctx.anon.request("/sign-in?callbackUrl=/%0a") },
  { name: "anonymous /sign-in?callbackUrl repeated", expect: 200, send: (ctx) => ctx.anon.request("/sign-in?callbackUrl=/a&callbackUrl=//evil") },

  // --- Finding 2: server actions: cross-site and malformed -------------------------
  { name: "fetch action with a foreign Origin", expect: 403, send: (ctx) => fetchAdd(ctx, ctx.anon, { productId: String(ctx.form.productId) }, { origin: "http://evil.example" }) },
  { name: "fetch action with Origin: null", expect: 403, send: (ctx) => fetchAdd(ctx, ctx.anon, { productId: String(ctx.form.productId) }, { origin: "null" }) },
  { name: "fetch action with Sec-Fetch-Site: cross-site", expect: 403, send: (ctx) => fetchAdd(ctx, ctx.anon, { productId: String(ctx.form.productId) }, { "sec-fetch-site": "cross-site" }) },
  {
    name: "no-JS form post with a foreign Origin changes nothing",
    expect: 403,
    send: (ctx) => noJsAdd(ctx, { productId: String(ctx.form.productId), quantity: "1" }, { origin: "https://evil.example" }),
    check: async (response) => expect(await cartQuantity((response as Response & { visitor: Visitor }).visitor)).toBe(0),
  },
  { name: "cross-site urlencoded form post to /", expect: 403, send: (ctx) => ctx.anon.request("/", { method: "POST", headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "a=1" }) },
  { name: "fetch action, text/plain body that is not JSON", expect: 400, send: (ctx) => rawAction(ctx, "text/plain;charset=UTF-8", "{{{not json") },
  { name: "fetch action, JSON body that is not an argument list", expect: 400, send: (ctx) => rawAction(ctx, "text/plain;charset=UTF-8", '{"a":1}') },
  { name: "fetch action, reference to a part that is not there", expect: 400, send: (ctx) => rawAction(ctx, "text/plain;charset=UTF-8", '["$Q5"]') },
  { name: "fetch action, multipart body that is not multipart", expect: 400, send: (ctx) => rawAction(ctx, "multipart/form-data; boundary=xyz", "garbage") },
  { name: "fetch action, multipart without its root part", expect: 400, send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin(), "next-action": ctx.form.actionId }, body: form([["_1_productId", "1"]]) }) },
  { name: "fetch action, multipart root part not JSON", expect: 400, send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin(), "next-action": ctx.form.actionId }, body: form([["0", "[nul"]]) }) },
  { name: "fetch action, multipart reference to a missing form", expect: 400, send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin(), "next-action": ctx.form.actionId }, body: form([["0", '[null,"$K9"]']]) }) },
  { name: "fetch action, JSON content type", expect: 415, send: (ctx) => rawAction(ctx, "application/json", "[]") },
  // 409: Next's answer to an action id this build does not know (the client reloads the page).
  { name: "fetch action with an unknown action id", expect: [400, 404, 409], send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin(), "next-action": "00" + "ab".repeat(20), "content-type": "text/plain;charset=UTF-8" }, body: "[]" }) },
  { name: "fetch action with a garbage action id", expect: [400, 404], send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin(), "next-action": "../../etc/passwd", "content-type": "text/plain;charset=UTF-8" }, body: "[]" }) },
  { name: "no-JS form with a bound-args field that is not JSON", expect: 400, send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin() }, body: form([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{oops"], ["$ACTION_1:1", "[null]"]]) }) },
  { name: "no-JS form with an action ref but no bound action", expect: 400, send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin() }, body: form([["$ACTION_REF_1", ""]]) }) },
  { name: "no-JS form naming an action that does not exist", expect: [400, 404, 409], send: (ctx) => ctx.anon.request(ctx.form.pagePath, { method: "POST", headers: { origin: origin() }, body: form([["$ACTION_ID_" + "cd".repeat(21), ""]]) }) },
  { name: "page POST with a body over nginx's limit", expect: 413, send: (ctx) => rawAction(ctx, "text/plain", JSON.stringify(["x".repeat(100 * 1024)])) },

  // --- Finding 7: strict integer ids in server actions -----------------------------
  {
    name: "fetch action with a valid product id adds it (control)",
    expect: 200,
    send: async (ctx) => fetchAdd(ctx, ctx.anon, { productId: String(ctx.form.productId), quantity: "1" }),
    check: async (_response, ctx) => expect(await cartQuantity(ctx.anon)).toBeGreaterThanOrEqual(1),
  },
  ...["0x%s", " %se0 ", "%s.0", "+%s"].map((pattern): Case => ({
    name: `fetch action with product id "${pattern}" changes nothing`,
    expect: 200,
    send: async (ctx) => {
      const visitor = await fresh();
      return Object.assign(await fetchAdd(ctx, visitor, { productId: pattern.replace("%s", ctx.form.productId.toString(16)), quantity: "1" }), { visitor });
    },
    check: async (response) => expect(await cartQuantity((response as Response & { visitor: Visitor }).visitor)).toBe(0),
  })),
  {
    name: "no-JS form with product id 0x… changes nothing",
    expect: 200,
    send: (ctx) => noJsAdd(ctx, { productId: `0x${ctx.form.productId.toString(16)}`, quantity: "1" }),
    check: async (response) => expect(await cartQuantity((response as Response & { visitor: Visitor }).visitor)).toBe(0),
  },
  { name: "no-JS form with quantity 1e1", expect: 200, send: (ctx) => noJsAdd(ctx, { productId: String(ctx.form.productId), quantity: "1e1" }), check: async (r) => expect(await cartQuantity((r as Response & { visitor: Visitor }).visitor)).toBe(0) },
  { name: "server action without Origin (non-browser client) is allowed", expect: 200, send: (ctx) => fetchAdd(ctx, ctx.anon, { productId: String(ctx.form.productId), quantity: "1" }, {}) },

  // --- Pages and paths -------------------------------------------------------------
  { name: "GET /products/<NUL>", expect: [400, 404], send: (ctx) => ctx.anon.request("/products/%00") },
  { name: "GET /products/ with path traversal", expect: [400, 404], send: (ctx) => ctx.anon.request("/products/..%2f..%2fetc%2fpasswd") },
  { name: "GET /products/<ideographic full stop>", expect: 404, send: (ctx) => ctx.anon.request("/products/%E3%80%82") },
  { name: "GET /products/<invalid UTF-8>", expect: 400, send: (ctx) => ctx.anon.request("/products/%ff%fe") },
  { name: "GET /cart/<invalid UTF-8>", expect: 400, send: (ctx) => ctx.anon.request("/cart/%c0%af") },
  { name: "DELETE /api/cart/items/<invalid UTF-8>", expect: 400, send: (ctx) => ctx.anon.request("/api/cart/items/%ff", { method: "DELETE" }) },
  { name: "GET /api/auth/<invalid UTF-8>", expect: 400, send: (ctx) => ctx.anon.request("/api/auth/%ff") },
  { name: "GET a 3000-character product slug", expect: 404, send: (ctx) => ctx.anon.request("/products/" + "a".repeat(3000)) },
  { name: "GET a 20 kB URL", expect: 414, send: (ctx) => ctx.anon.request("/?q=" + "a".repeat(20000)) },
  { name: "PUT / (a page)", expect: [200, 405], send: (ctx) => ctx.anon.request("/", { method: "PUT", headers: { origin: origin() }, body: "x" }) },
  { name: "DELETE /cart (a page)", expect: [200, 405], send: (ctx) => ctx.anon.request("/cart", { method: "DELETE", headers: { origin: origin() } }) },
  { name: "GET /account anonymously redirects to sign-in", expect: 307, send: (ctx) => ctx.anon.request("/account") },
  { name: "GET /admin as a customer is forbidden", expect: 403, send: (ctx) => ctx.alice.request("/admin") },
  { name: "GET / with a foreign Host header", expect: 200, send: () => fetch(new URL("/", baseUrl()), { headers: { host: "evil.example" }, redirect: "manual" }) },

  // --- Finding 8: security headers ------------------------------------------------
  {
    name: "GET / carries a nonce CSP without unsafe-inline scripts, and the other security headers",
    expect: 200,
    send: (ctx) => ctx.anon.request("/", { headers: { accept: "text/html" } }),
    check: async (response) => {
      const csp = response.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
      expect(scriptSrc).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("strict-transport-security")).toBeNull();
      const html = await response.text();
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
    },
  },
  {
    name: "GET /account (signed in) carries the security headers",
    expect: 200,
    send: (ctx) => ctx.alice.request("/account", { headers: { accept: "text/html" } }),
    check: (response) => {
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    },
  },
  {
    name: "a client's own X-Forwarded-Proto: https through nginx does not switch on HSTS",
    expect: 200,
    send: (ctx) => ctx.anon.request("/", { headers: { "x-forwarded-proto": "https" } }),
    check: (response) => expect(response.headers.get("strict-transport-security")).toBeNull(),
  },
  { name: "API responses are nosniff too", expect: 200, send: (ctx) => ctx.anon.request("/api/products"), check: (r) => expect(r.headers.get("x-content-type-options")).toBe("nosniff") },

  // --- Cookies ---------------------------------------------------------------------
  cookieCase("a garbage", "garbage"),
  cookieCase("an empty", ""),
  cookieCase("a wrong-charset", "%FF%FE%00ab"),
  cookieCase("a latin-1", "\u00ff\u00fe\u00e9"),
  cookieCase("a forged 43-character", forged43),
  cookieCase("a forged long", forgedLong),
  cookieCase("a 4000-character", "a".repeat(4000)),
  { name: "a 16 kB Cookie header is refused by nginx", expect: [400, 494], send: () => fetch(new URL("/api/cart", baseUrl()), { headers: { cookie: `sid=${"a".repeat(16 * 1024)}` } }) },
  { name: "a garbage next-auth session cookie is nobody", expect: 200, send: () => fetch(new URL("/api/auth/session", baseUrl()), { headers: { cookie: "next-auth.session-token=eyJhbGciOi.garbage.x" } }), check: async (r) => expect(await r.json()).toEqual({}) },
  { name: "two sid cookies at once", expect: 200, send: (ctx) => fetch(new URL("/api/cart", baseUrl()), { headers: { cookie: `sid=${forged43}; sid=${sessionCookie(ctx.anon)}` } }) },

  // --- JSON API --------------------------------------------------------------------
  { name: "POST /api/cart/items as text/plain", expect: 415, send: (ctx) => ctx.anon.request("/api/cart/items", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }) },
  { name: "POST /api/cart/items without a content type", expect: 415, send: (ctx) => ctx.anon.request("/api/cart/items", { method: "POST", body: "{}" }) },
  { name: "POST /api/cart/items malformed JSON", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items", '{"productId":') },
  { name: "POST /api/cart/items productId \"0x4\"", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: "0x4", quantity: 1 }) },
  { name: "POST /api/cart/items productId 1e400", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items", '{"productId":1e400,"quantity":1}') },
  { name: "POST /api/cart/items with a prototype-pollution body", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items", '{"__proto__":{"admin":true},"constructor":{}}') },
  { name: "POST /api/cart/items 20 kB body", expect: 413, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: 1, pad: "x".repeat(20 * 1024) }) },
  { name: "POST /api/cart/items unknown product", expect: 404, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: 999999999, quantity: 1 }) },
  { name: "POST /api/cart/items with a foreign Origin", expect: 403, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: ctx.form.productId, quantity: 1 }, { origin: "http://evil.example" }) },
  { name: "POST /api/cart/items with Origin: null", expect: 403, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: ctx.form.productId, quantity: 1 }, { origin: "null" }) },
  { name: "POST /api/cart/items with Sec-Fetch-Site: cross-site", expect: 403, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: ctx.form.productId, quantity: 1 }, { "sec-fetch-site": "cross-site" }) },
  { name: "POST /api/cart/items without Origin (non-browser client) is allowed", expect: 200, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: ctx.form.productId, quantity: 1 }) },
  { name: "POST /api/cart/items with a malformed Idempotency-Key", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items", { productId: ctx.form.productId, quantity: 1 }, { "idempotency-key": "bad key!" + "x".repeat(100) }) },
  {
    name: "a replayed add (same Idempotency-Key, same body) counts once",
    expect: 200,
    send: async (ctx) => {
      const visitor = await fresh();
      const key = `hostile-${Date.now()}`;
      await postJson(visitor, "/api/cart/items", { productId: ctx.form.productId, quantity: 2 }, { "idempotency-key": key });
      return Object.assign(await postJson(visitor, "/api/cart/items", { productId: ctx.form.productId, quantity: 2 }, { "idempotency-key": key }), { visitor });
    },
    check: async (response) => expect(await cartQuantity((response as Response & { visitor: Visitor }).visitor)).toBe(2),
  },
  { name: "PUT /api/cart/items", expect: 405, send: (ctx) => postJson(ctx.anon, "/api/cart/items", {}, {}, "PUT") },
  { name: "PATCH /api/cart/items/0x4", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/cart/items/0x4", { quantity: 1 }, {}, "PATCH") },
  { name: "PATCH /api/cart/items/<id> quantity -1", expect: 400, send: (ctx) => postJson(ctx.anon, `/api/cart/items/${ctx.form.productId}`, { quantity: -1 }, {}, "PATCH") },
  { name: "DELETE /api/cart/items/-1", expect: 400, send: (ctx) => ctx.anon.request("/api/cart/items/-1", { method: "DELETE" }) },
  { name: "DELETE /api/cart/items/<id> with a foreign Origin", expect: 403, send: (ctx) => ctx.anon.request(`/api/cart/items/${ctx.form.productId}`, { method: "DELETE", headers: { origin: "http://evil.example" } }) },
  { name: "GET /api/cart/items/1 (wrong method)", expect: 405, send: (ctx) => ctx.anon.request("/api/cart/items/1") },
  { name: "POST /api/orders anonymously", expect: 401, send: (ctx) => ctx.anon.request("/api/orders", { method: "POST", headers: { "idempotency-key": "hostile-checkout-1" } }) },
  { name: "POST /api/orders without an Idempotency-Key", expect: 400, send: (ctx) => ctx.alice.request("/api/orders", { method: "POST" }) },
  { name: "POST /api/orders with a foreign Origin", expect: 403, send: (ctx) => ctx.alice.request("/api/orders", { method: "POST", headers: { origin: "http://evil.example", "idempotency-key": "hostile-checkout-2" } }) },
  { name: "GET /api/orders anonymously", expect: 401, send: (ctx) => ctx.anon.request("/api/orders") },
  { name: "POST /api/products", expect: 405, send: (ctx) => ctx.anon.request("/api/products", { method: "POST" }) },
  { name: "GET /api/products with garbage query", expect: 200, send: (ctx) => ctx.anon.request("/api/products?category=%00%ff&limit=-1") },
  { name: "POST /api/health", expect: 405, send: (ctx) => ctx.anon.request("/api/health", { method: "POST" }) },
  { name: "GET /api/does-not-exist", expect: 404, send: (ctx) => ctx.anon.request("/api/does-not-exist") },

  // --- Admin and metrics (finding 3) -----------------------------------------------
  { name: "GET /api/metrics anonymously", expect: 401, send: (ctx) => ctx.anon.request("/api/metrics") },
  { name: "GET /api/metrics as a customer", expect: 403, send: (ctx) => ctx.alice.request("/api/metrics") },
  { name: "GET /api/metrics with a wrong bearer token", expect: 401, send: (ctx) => ctx.anon.request("/api/metrics", { headers: { authorization: "Bearer " + "x".repeat(32) } }) },
  { name: "GET /api/metrics with a malformed Authorization header", expect: 401, send: (ctx) => ctx.anon.request("/api/metrics", { headers: { authorization: "Bearer \u00ff\u00ff" } }) },
  { name: "GET /api/metrics as the admin", expect: 200, send: (ctx) => ctx.admin.request("/api/metrics") },
  {
    name: "GET /api/metrics with the cluster's bearer token",
    expect: 200,
    send: (ctx) => ctx.metricsToken ? fetch(new URL("/api/metrics", baseUrl()), { headers: { authorization: `Bearer ${ctx.metricsToken}` } }) : ctx.admin.request("/api/metrics"),
  },
  { name: "GET /api/admin/cluster anonymously", expect: 401, send: (ctx) => ctx.anon.request("/api/admin/cluster") },
  { name: "GET /api/admin/cluster as a customer", expect: 403, send: (ctx) => ctx.alice.request("/api/admin/cluster") },
  { name: "DELETE /api/admin/sessions/<garbage> anonymously", expect: [400, 401], send: (ctx) => ctx.anon.request("/api/admin/sessions/%00garbage", { method: "DELETE" }) },
  { name: "DELETE /api/admin/sessions/x as admin with a foreign Origin", expect: 403, send: (ctx) => ctx.admin.request("/api/admin/sessions/x", { method: "DELETE", headers: { origin: "http://evil.example" } }) },
  { name: "DELETE /api/admin/users/abc/sessions as a customer", expect: [400, 403], send: (ctx) => ctx.alice.request("/api/admin/users/abc/sessions", { method: "DELETE" }) },

  // --- Auth endpoints (findings 5, 6) ----------------------------------------------
  {
    name: "POST /api/auth/signout without the CSRF token leaves the session signed in",
    expect: [200, 302],
    send: async () => {
      const victim = await signedIn("bob@example.com");
      return Object.assign(await victim.request("/api/auth/signout", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "json=true" }), { victim });
    },
    check: async (response) => expect(await email((response as Response & { victim: Visitor }).victim)).toBe("bob@example.com"),
  },
  {
    name: "POST /api/auth/signout with a wrong CSRF token leaves the session signed in",
    expect: [200, 302],
    send: async () => {
      const victim = await signedIn("bob@example.com");
      return Object.assign(await victim.request("/api/auth/signout", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "csrfToken=" + "0".repeat(64) + "&json=true" }), { victim });
    },
    check: async (response) => expect(await email((response as Response & { victim: Visitor }).victim)).toBe("bob@example.com"),
  },
  { name: "POST /api/auth/signout with a foreign Origin", expect: 403, send: (ctx) => ctx.alice.request("/api/auth/signout", { method: "POST", headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "json=true" }) },
  { name: "POST /api/auth/signout as JSON garbage", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/auth/signout", "{oops") },
  { name: "POST /api/auth/callback/credentials as malformed JSON", expect: 400, send: (ctx) => postJson(ctx.anon, "/api/auth/callback/credentials", "{oops") },
  { name: "POST /api/auth/callback/credentials as text/plain", expect: 415, send: (ctx) => ctx.anon.request("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": "text/plain" }, body: "email=a" }) },
  { name: "POST /api/auth/callback/credentials with a foreign Origin", expect: 403, send: (ctx) => ctx.anon.request("/api/auth/callback/credentials", { method: "POST", headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "email=a@b.c&password=x" }) },
  { name: "POST /api/auth/callback/credentials with a 10 kB body", expect: 413, send: (ctx) => ctx.anon.request("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=" + "a".repeat(10 * 1024) }) },
  {
    name: "POST /api/auth/callback/credentials without a CSRF token does not sign in",
    expect: [200, 302, 401, 403],
    send: async () => {
      const visitor = await fresh();
      return Object.assign(await visitor.request("/api/auth/callback/credentials", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=alice@example.com&password=demo-password&json=true" }), { visitor });
    },
    check: async (response) => expect(await email((response as Response & { visitor: Visitor }).visitor)).toBeUndefined(),
  },
  { name: "GET /api/auth/unknown-action", expect: [400, 404], send: (ctx) => ctx.anon.request("/api/auth/unknown-action") },
  { name: "GET /api/auth/csrf", expect: 200, send: (ctx) => ctx.anon.request("/api/auth/csrf") },
  { name: "DELETE /api/auth/session", expect: 405, send: (ctx) => ctx.anon.request("/api/auth/session", { method: "DELETE" }) },
  {
    name: "replaying a session id that sign-in rotated away is not signed in",
    expect: [200, 409],
    send: async () => {
      const visitor = await fresh();
      const before = sessionCookie(visitor)!;
      await visitor.signIn("alice@example.com", "demo-password");
      return fetch(new URL("/api/auth/session", baseUrl()), { headers: { cookie: `sid=${before}` } });
    },
    check: async (response) => { if (response.status === 200) expect(await response.json()).toEqual({}); },
  },
];

let ctx: Context;

beforeAll(async () => {
  const anon = await fresh();
  const [alice, admin] = await Promise.all([signedIn("alice@example.com"), signedIn("admin@example.com")]);
  ctx = { anon, alice, admin, form: await readAddToCartForm(anon), metricsToken: localMetricsToken() };
});

afterAll(() => {
  console.log(tally.summary("hostile-input suite"));
});

describe("hostile input through nginx", () => {
  it("has at least 60 cases", () => expect(cases.length).toBeGreaterThanOrEqual(60));

  for (const c of cases) {
    const expected = Array.isArray(c.expect) ? c.expect : [c.expect];
    it(`${c.name} → ${expected.join("|")}`, async () => {
      const response = await c.send(ctx);
      tally.record(c.name, expected, response.status);
      expect(response.status, c.name).not.toBeGreaterThanOrEqual(500);
      expect(expected, `${c.name}: got ${response.status}`).toContain(response.status);
      await c.check?.(response, ctx);
    });
  }

  it("ran every case with no unexpected status and no 5xx", () => {
    expect(tally.outcomes.length).toBe(cases.length);
    expect(tally.serverErrors).toEqual([]);
    expect(tally.unexpected).toEqual([]);
  });
});
