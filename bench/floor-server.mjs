// The floor: the least a server can do for the shop's four hot requests on
// this machine, so the bench can say how far the framework is from the limit.
// Bare node:http and the raw mariadb driver (binary protocol, one pool), the
// same database work as the shop, no framework, no validation library, no logs:
//
//   GET  /api/cart        session row by SHA-256 key, its lines' products by primary key, JSON
//   POST /api/cart/items  product by primary key, session row, version-checked UPDATE
//                         (re-read and retry on a lost race or a 1213), products by key, JSON
//   GET  /                session row, the catalog (16 rows), a small HTML page
//   GET  /cart            session row, its lines' products by key, a small HTML page
//   POST /floor/sessions  makes a session row (one cart line) and returns its cookie
//
// Its rows are php_session rows with last_node = 'bench-floor' (the bench
// deletes them afterwards); ids are the floor's own (SHA-256 of the cookie
// value is the key), so it never depends on the shop's id format.
// Plain ESM, run as its own process:
//   node bench/floor-server.mjs --port 3499 --db-url mariadb://… [--pool 16]
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import * as mariadb from "mariadb";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(arg("--port", "3499"));
const dbUrl = arg("--db-url", process.env.DATABASE_URL);
if (!dbUrl) throw new Error("floor-server: --db-url is required");
const url = new URL(dbUrl);
const pool = mariadb.createPool({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  // ?socket=: db-1's unix socket, as web-1 reaches it (cluster/galera.ts localDbUrl).
  ...(url.searchParams.get("socket") ? { socketPath: url.searchParams.get("socket") } : {}),
  connectionLimit: Number(arg("--pool", "16")),
  acquireTimeout: 10_000,
  timezone: "Z",
  bigIntAsNumber: true,
  prepareCacheLength: 64,
});

const NODE = "bench-floor";
const IDLE_MS = 30 * 60_000;
const SELECT_SESSION = "SELECT user_id, date_created, last_updated, version, session_data FROM php_session WHERE session_id = ?";
const UPDATE_SESSION =
  "UPDATE php_session SET session_data = ?, version = version + 1, last_updated = ?, expires_at = ?, last_node = ? WHERE session_id = ? AND version = ?";

const keyOf = (id) => createHash("sha256").update(id).digest();

function cookieId(req) {
  const match = /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? "");
  return match ? match[1] : null;
}

async function readSession(conn, key) {
  const row = (await conn.execute(SELECT_SESSION, [key]))[0];
  if (!row || Date.now() - row.last_updated.getTime() >= IDLE_MS) return null;
  return { row, data: JSON.parse(typeof row.session_data === "string" ? row.session_data : row.session_data.toString("utf8")) };
}

async function productsByIds(conn, ids) {
  if (ids.length === 0) return new Map();
  const rows = await conn.execute(
    `SELECT id, slug, name, price_cents FROM products WHERE id IN (${ids.map(() => "?").join(",")})`,
    ids,
  );
  return new Map(rows.map((p) => [p.id, p]));
}

function cartView(data, products) {
  const items = [];
  for (const line of data.cart.lines) {
    const p = products.get(line.productId);
    if (p) items.push({ productId: p.id, name: p.name, quantity: line.quantity, unitPriceCents: p.price_cents });
  }
  return {
    items,
    totalQuantity: items.reduce((s, i) => s + i.quantity, 0),
    subtotalCents: items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0),
  };
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const page = (title, body, count) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><header><a href="/">Shop</a> <a href="/cart">Cart (${count})</a></header><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store", ...headers });
  res.end(body);
}

async function withConn(work) {
  const conn = await pool.getConnection();
  try {
    return await work(conn);
  } finally {
    conn.release();
  }
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function addItem(conn, key, productId, quantity, opId) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const session = await readSession(conn, key);
    if (!session) return null;
    const { row, data } = session;
    if (!data.ops.includes(opId)) {
      const line = data.cart.lines.find((l) => l.productId === productId);
      if (line) line.quantity = Math.min(99, line.quantity + quantity);
      else if (data.cart.lines.length < 100) data.cart.lines.push({ productId, quantity });
      data.ops = [...data.ops, opId].slice(-32);
      const now = new Date();
      try {
        const result = await conn.execute(UPDATE_SESSION, [JSON.stringify(data), now, new Date(now.getTime() + IDLE_MS), NODE, key, row.version]);
        if (result.affectedRows !== 1) continue;
      } catch (error) {
        if (error.errno === 1213) continue;
        throw error;
      }
    }
    return data;
  }
  throw new Error("too many conflicts");
}

async function handle(req, res) {
  const path = req.url.split("?")[0];
  if (req.method === "POST" && path === "/floor/sessions") {
    const id = randomBytes(32).toString("base64url");
    const now = new Date();
    const data = JSON.stringify({ cart: { lines: [{ productId: 1, quantity: 1 }] }, ops: [] });
    await pool.execute(
      "INSERT INTO php_session (session_id, user_id, date_created, last_updated, expires_at, version, lineage, last_node, session_data) VALUES (?, NULL, ?, ?, ?, 0, ?, ?, ?)",
      [keyOf(id), now, now, new Date(now.getTime() + IDLE_MS), randomBytes(16), NODE, data],
    );
    return send(res, 200, "application/json", "{}", { "set-cookie": `sid=${id}; Path=/; HttpOnly; SameSite=Lax` });
  }
  const id = cookieId(req);
  const key = id ? keyOf(id) : null;
  if (req.method === "GET" && (path === "/api/cart" || path === "/cart")) {
    const out = await withConn(async (conn) => {
      const session = key ? await readSession(conn, key) : null;
      const data = session?.data ?? { cart: { lines: [] }, ops: [] };
      return cartView(data, await productsByIds(conn, data.cart.lines.map((l) => l.productId)));
    });
    if (path === "/api/cart") return send(res, 200, "application/json; charset=utf-8", JSON.stringify(out));
    const rows = out.items.map((i) => `<li>${escape(i.name)} × ${i.quantity}: ${(i.unitPriceCents * i.quantity) / 100}</li>`).join("");
    return send(res, 200, "text/html; charset=utf-8", page("Your cart", `<ul>${rows}</ul><p>Subtotal ${out.subtotalCents / 100}</p>`, out.totalQuantity));
  }
  if (req.method === "GET" && path === "/") {
    const { products, count } = await withConn(async (conn) => {
      const session = key ? await readSession(conn, key) : null;
      const lines = session?.data.cart.lines ?? [];
      const list = await conn.execute("SELECT id, slug, name, description, category, price_cents, image_path FROM products ORDER BY id");
      return { products: list, count: lines.reduce((s, l) => s + l.quantity, 0) };
    });
    const cards = products
      .map((p) => `<li><img src="${escape(p.image_path)}" alt=""><h3>${escape(p.name)}</h3><p>${escape(p.description)}</p><p>${p.price_cents / 100}</p><form method="post"><button>Add</button></form></li>`)
      .join("");
    return send(res, 200, "text/html; charset=utf-8", page("All products", `<ul>${cards}</ul>`, count));
  }
  if (req.method === "POST" && path === "/api/cart/items") {
    const body = JSON.parse(await readBody(req));
    const productId = Number(body.productId);
    const quantity = Number(body.quantity);
    if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1 || quantity > 99 || !key) {
      return send(res, 400, "application/json", '{"error":{"code":"invalid","message":"invalid"}}');
    }
    const opId = `add:${req.headers["idempotency-key"] ?? randomBytes(12).toString("base64url")}`;
    const out = await withConn(async (conn) => {
      const product = (await conn.execute("SELECT id FROM products WHERE id = ?", [productId]))[0];
      if (!product) return { status: 404 };
      const data = await addItem(conn, key, productId, quantity, opId);
      if (!data) return { status: 409 };
      return { status: 200, cart: cartView(data, await productsByIds(conn, data.cart.lines.map((l) => l.productId))) };
    });
    if (out.status !== 200) return send(res, out.status, "application/json", `{"error":{"code":"${out.status}","message":"no"}}`);
    return send(res, 200, "application/json; charset=utf-8", JSON.stringify(out.cart));
  }
  send(res, 404, "application/json", '{"error":{"code":"not_found","message":"not found"}}');
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    process.stderr.write(`[floor] ${error?.message ?? error}\n`);
    if (!res.headersSent) send(res, 503, "application/json", '{"error":{"code":"unavailable","message":"unavailable"}}');
    else res.destroy();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));

const stop = () => {
  server.close();
  pool.end().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
