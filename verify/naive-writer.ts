// The checker's control: a deliberately naive session writer, the seeds' blind
// read-modify-write (SELECT session_data, then UPDATE … SET session_data = ?
// with no version check), straight against the database from several
// connections spread over the Galera nodes. It works only on php_session rows
// it inserts itself (random keys no cookie maps to) and deletes them after.
// Its adds are recorded in the verify history format, so the same checker
// that judges the shop must flag its lost updates. Test-only: never used by the shop.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import mariadb from "mariadb";
import { checkHistory, type CheckResult } from "./checker";
import { foldHistory, type HistoryEvent, type Line } from "./history";
import { Recorder } from "./recorder";

export interface NaiveWriterOptions {
  /** SQL endpoints (mariadb://user:pw@host:port/db), one per Galera node. */
  urls: string[];
  sessions?: number;
  connections?: number;
  addsPerConnection?: number;
}

export interface NaiveWriterResult {
  events: HistoryEvent[];
  result: CheckResult;
  adds: number;
  lostUpdates: number;
  /** The php_session keys it used (and deleted). */
  sessionKeys: Buffer[];
}

interface Column {
  name: string;
  dataType: string;
  nullable: boolean;
  hasDefault: boolean;
  octets: number | null;
}

const BINARY_TYPES = new Set(["binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob"]);

function connectionConfig(url: string): mariadb.ConnectionConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: parsed.pathname.replace(/^\//, ""),
    connectTimeout: 5000,
  };
}

async function sessionColumns(conn: mariadb.Connection): Promise<Column[]> {
  const rows = await conn.query(
    "SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, CHARACTER_OCTET_LENGTH AS octets, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'php_session'",
  );
  return (rows as { name: string; dataType: string; nullable: string; def: unknown; octets: number | bigint | null; extra: string }[]).map((row) => ({
    name: row.name,
    dataType: row.dataType.toLowerCase(),
    nullable: row.nullable === "YES",
    hasDefault: row.def !== null || /auto_increment|generated/i.test(row.extra ?? ""),
    octets: row.octets === null ? null : Number(row.octets),
  }));
}

/** A value for a column the naive writer does not know (the schema is allowed to grow). */
function filler(column: Column): unknown {
  if (BINARY_TYPES.has(column.dataType)) return randomBytes(Math.min(column.octets ?? 16, 32));
  if (/int|decimal|float|double/.test(column.dataType)) return 0;
  if (/date|time/.test(column.dataType)) return new Date();
  return "naive";
}

function encode(column: Column | undefined, text: string): string | Buffer {
  return column && BINARY_TYPES.has(column.dataType) ? Buffer.from(text, "utf8") : text;
}

function decode(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

function linesOf(text: string): Line[] {
  const data = JSON.parse(text) as { cart?: { lines?: Line[] } };
  return data.cart?.lines ?? [];
}

/** Runs the naive writer and checks its history; the checker should report lost updates. */
export async function runNaiveWriter(options: NaiveWriterOptions): Promise<NaiveWriterResult> {
  const sessions = options.sessions ?? 2;
  const connections = options.connections ?? 6;
  const addsPerConnection = options.addsPerConnection ?? 25;
  const recorder = new Recorder(null);
  const admin = await mariadb.createConnection(connectionConfig(options.urls[0]!));
  const keys = Array.from({ length: sessions }, () => randomBytes(32));
  const fingerprint = (key: Buffer) => `naive-${key.subarray(0, 8).toString("hex")}`;
  const pool: mariadb.Connection[] = [];
  try {
    const columns = await sessionColumns(admin);
    const dataColumn = columns.find((column) => column.name === "session_data");
    const known: Record<string, (key: Buffer) => unknown> = {
      session_id: (key) => key,
      user_id: () => null,
      date_created: () => new Date(),
      last_updated: () => new Date(),
      expires_at: () => new Date(Date.now() + 3_600_000),
      version: () => 0,
      last_node: () => "naive-writer",
      session_data: () => encode(dataColumn, JSON.stringify({ cart: { lines: [] }, ops: [] })),
    };
    const insertColumns = columns.filter((column) => column.name in known || (!column.nullable && !column.hasDefault));
    for (const key of keys) {
      const values = insertColumns.map((column) => (known[column.name] ? known[column.name]!(key) : filler(column)));
      await admin.query(`INSERT INTO php_session (${insertColumns.map((c) => `\`${c.name}\``).join(", ")}) VALUES (${insertColumns.map(() => "?").join(", ")})`, values);
      const op = recorder.newOpId();
      recorder.record({ type: "invoke", op, client: fingerprint(key), f: "page" });
      recorder.record({ type: "ok", op, status: 200, setSid: fingerprint(key) });
    }
    for (let i = 0; i < connections; i++) pool.push(await mariadb.createConnection(connectionConfig(options.urls[i % options.urls.length]!)));
    let counter = 0;
    await Promise.all(
      pool.map(async (conn, index) => {
        for (let n = 0; n < addsPerConnection; n++) {
          const key = keys[(index + n) % keys.length]!;
          const op = recorder.newOpId();
          const productId = 1 + (n % 2);
          counter += 1;
          recorder.record({ type: "invoke", op, client: fingerprint(key), f: "add", key: `naive-${counter}`, productId, quantity: 1, sid: fingerprint(key) });
          try {
            const rows = (await conn.query("SELECT session_data FROM php_session WHERE session_id = ?", [key])) as { session_data: unknown }[];
            const data = JSON.parse(decode(rows[0]!.session_data)) as { cart: { lines: Line[] }; ops: string[] };
            const line = data.cart.lines.find((candidate) => candidate.productId === productId);
            if (line) line.quantity += 1;
            else data.cart.lines.push({ productId, quantity: 1 });
            await sleep(Math.floor(Math.random() * 4));
            await conn.query("UPDATE php_session SET session_data = ? WHERE session_id = ?", [encode(dataColumn, JSON.stringify(data)), key]);
            recorder.record({ type: "ok", op, status: 200, servedBy: `db-${(index % options.urls.length) + 1}` });
          } catch (error) {
            const errno = (error as { errno?: number }).errno;
            // A deadlock or certification failure rolled the statement back: definitely not applied.
            if (errno === 1213 || errno === 1205) recorder.record({ type: "fail", op, status: 409, code: `errno ${errno}` });
            else recorder.record({ type: "unknown", op, error: String((error as Error).message) });
          }
        }
      }),
    );
    for (const key of keys) {
      const rows = (await admin.query("SELECT session_data FROM php_session WHERE session_id = ?", [key])) as { session_data: unknown }[];
      recorder.record({ type: "final", client: fingerprint(key), sid: fingerprint(key), cart: linesOf(decode(rows[0]!.session_data)) });
    }
  } finally {
    for (const conn of pool) await conn.end().catch(() => {});
    await admin.query(`DELETE FROM php_session WHERE session_id IN (${keys.map(() => "?").join(", ")})`, keys).catch(() => {});
    await admin.end().catch(() => {});
  }
  const result = checkHistory(foldHistory(recorder.events));
  return {
    events: recorder.events,
    result,
    adds: connections * addsPerConnection,
    lostUpdates: result.anomalies.filter((anomaly) => anomaly.kind === "lost-update").length,
    sessionKeys: keys,
  };
}
