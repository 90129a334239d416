import { randomBytes, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as mariadb from "mariadb";
const state = JSON.parse(readFileSync(".cluster/state.json", "utf8"));
const dbPids = state.db.map((d) => d.pid);
const url = new URL(state.db[0].url);
const pool = mariadb.createPool({ host: url.hostname, port: +url.port, user: url.username, password: decodeURIComponent(url.password), database: "shop", connectionLimit: 16, timezone: "Z" });
const ticks = () => dbPids.reduce((s, p) => { const f = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" "); return s + +f[11] + +f[12]; }, 0);
const N = 64, now = () => new Date();
const keys = [];
for (let i = 0; i < N; i++) {
  const key = createHash("sha256").update(randomBytes(16)).digest(); keys.push({ key, lineage: randomBytes(16) });
  await pool.query("INSERT INTO php_session (session_id,user_id,date_created,last_updated,expires_at,version,lineage,last_node,session_data) VALUES (?,NULL,?,?,?,0,?,'micro',?)", [key, now(), now(), new Date(Date.now() + 3600e3), keys[i].lineage, JSON.stringify({ data: { cart: { lines: [{ productId: 1, quantity: 1 }] } }, ops: [] })]);
}
const S = "SELECT s.session_id, s.user_id, s.date_created, s.last_updated, s.expires_at, s.version, s.lineage, s.last_node, s.session_data, s.ended_at, s.end_reason";
const UPD = "UPDATE php_session SET session_data = ?, version = version + 1, last_updated = ?, expires_at = ?, last_node = ? WHERE session_id = ? AND version = ?";
let seq = 0;
const variants = {
  shop: async (c, k) => {
    await c.beginTransaction();
    const r = (await c.query(`${S}, o.fingerprint FROM php_session s LEFT JOIN php_session_op o ON o.lineage = s.lineage AND o.op_key = ? WHERE s.session_id = ?`, [`k${seq}`, k.key]))[0];
    const u = await c.query(UPD, [r.session_data, now(), new Date(Date.now() + 3600e3), "micro", k.key, r.version]);
    await c.query("INSERT INTO php_session_op (lineage, op_key, fingerprint, created_at, expires_at) VALUES (?,?,?,?,?)", [k.lineage, `k${seq++}`, randomBytes(32), now(), new Date(Date.now() + 86400e3)]);
    await c.commit();
  },
  pipelined: async (c, k) => {
    const b = c.beginTransaction();
    const r = (await Promise.all([b, c.query(`${S}, o.fingerprint FROM php_session s LEFT JOIN php_session_op o ON o.lineage = s.lineage AND o.op_key = ? WHERE s.session_id = ?`, [`k${seq}`, k.key])]))[1][0];
    await Promise.all([c.query(UPD, [r.session_data, now(), new Date(Date.now() + 3600e3), "micro", k.key, r.version]),
      c.query("INSERT INTO php_session_op (lineage, op_key, fingerprint, created_at, expires_at) VALUES (?,?,?,?,?)", [k.lineage, `k${seq++}`, randomBytes(32), now(), new Date(Date.now() + 86400e3)])]);
    await c.commit();
  },
  floor: async (c, k) => {
    const r = (await c.query(`${S} FROM php_session s WHERE s.session_id = ?`, [k.key]))[0];
    await c.query(UPD, [r.session_data, now(), new Date(Date.now() + 3600e3), "micro", k.key, r.version]);
  },
  php: async (c, k) => {
    await c.beginTransaction();
    const r = (await c.query(`${S} FROM php_session s WHERE s.session_id = ? FOR UPDATE`, [k.key]))[0];
    await c.query("INSERT INTO php_session (session_id,user_id,date_created,last_updated,expires_at,version,lineage,last_node,session_data) VALUES (?,NULL,?,?,?,0,?,'micro',?) ON DUPLICATE KEY UPDATE session_data = VALUES(session_data), last_updated = VALUES(last_updated)", [k.key, now(), now(), new Date(Date.now() + 3600e3), k.lineage, r.session_data]);
    await c.commit();
  },
  read: async (c, k) => { await c.query(`${S} FROM php_session s WHERE s.session_id = ?`, [k.key]); },
};
const which = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(variants);
for (const round of [0, 1]) for (const name of which) {
  const fn = variants[name]; let done = 0; const t0 = ticks(); const start = performance.now(); const until = start + 4000;
  await Promise.all(Array.from({ length: 16 }, async (_, w) => {
    const c = await pool.getConnection();
    try { while (performance.now() < until) { await fn(c, keys[(w * 4 + done) % N]).catch((e) => { if (![1213, 1062].includes(e.errno)) throw e; }); done++; } } finally { c.release(); }
  }));
  const secs = (performance.now() - start) / 1000;
  console.log(`${name.padEnd(10)} ${(done / secs).toFixed(0).padStart(6)} ops/s   db CPU ${(((ticks() - t0) * 10) / done).toFixed(3)} ms/op`);
}
await pool.query("DELETE FROM php_session WHERE last_node = 'micro'");
await pool.end();
