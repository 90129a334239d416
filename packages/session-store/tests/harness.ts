// Test set-up for the session store against a real MySQL-compatible server:
// TEST_DATABASE_URLS (comma-separated mariadb:// URLs, one per cluster node;
// the shop's global setup passes them on) or else the shop cluster's endpoints. The tables are
// created from sql/schema.sql when missing. Every row a test writes carries
// last_node = "pkg-test" and is removed afterwards.
import { readFileSync } from "node:fs";
import * as mariadb from "mariadb";
import { inject } from "vitest";
import { mariadbExecutor } from "../src/mariadb.ts";
import type { SqlExecutor } from "../src/sql.ts";
import { SessionStore, type SessionStoreOptions } from "../src/store.ts";

export interface Cart {
  lines: { productId: number; quantity: number }[];
}

export const cartSchema = {
  safeParse(value: unknown): { success: true; data: Cart } | { success: false; error: unknown } {
    const v = value as Cart | null;
    const ok =
      !!v && Array.isArray(v.lines) && v.lines.every((l) => Number.isInteger(l?.productId) && Number.isInteger(l?.quantity) && l.quantity > 0);
    return ok ? { success: true, data: { lines: v.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) } } : { success: false, error: "bad cart" };
  },
};

export const SECRET = "test-secret-test-secret-test-secret-0123456789";
export const IDLE = 30 * 60_000;
export const ABSOLUTE = 8 * 60 * 60_000;

export function testUrls(): string[] {
  return inject("databaseUrls" as never) as string[];
}

export class Clock {
  constructor(public ms = Date.now()) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

const pools = new Map<string, mariadb.Pool>();

/** One small pool per server (and per multipleStatements setting), shared by every store a test makes. */
export function pool(url: string, multipleStatements = false): mariadb.Pool {
  const name = `${url} ${multipleStatements}`;
  const existing = pools.get(name);
  if (existing) return existing;
  const u = new URL(url);
  const p = mariadb.createPool({
    multipleStatements,
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    connectionLimit: 8,
    timezone: "Z",
    bigIntAsNumber: true,
    insertIdAsNumber: true,
  });
  pools.set(name, p);
  return p;
}

/** An executor that records statements and lets a test inject a failure into one. */
export interface Recorded extends SqlExecutor {
  statements: string[];
  /** How many transactions were opened. */
  transactions: number;
  /** How many scripts (transactions in one query) were sent; only when the executor has `script`. */
  scripts: number;
  /** The statement each transaction was opened with ("START TRANSACTION" unless the store chose one). */
  begins: string[];
  failNext(match: RegExp, error: unknown, when?: "before" | "after"): void;
  /**
   * Answer the store's relaxed reads (sent without the causality wait) of this key with the rows
   * it has now, until `thaw`: a node that has not yet applied the commits that follow.
   */
  freeze(key: Buffer): Promise<void>;
  thaw(): void;
}

const RELAXED_PREFIX = "SET STATEMENT wsrep_sync_wait=0 FOR ";
const SESSION_COLUMNS = "SELECT s.user_id, s.date_created, s.last_updated, s.version, s.lineage, s.ended_at, s.end_reason, s.session_data";

export function recorded(inner: SqlExecutor): Recorded {
  const statements: string[] = [];
  let fault: { match: RegExp; error: unknown; when: "before" | "after" } | null = null;
  let frozen: { key: Buffer; rows: unknown[] } | null = null;
  const wrap = async <T>(sql: string, run: () => Promise<T>, values?: readonly unknown[]): Promise<T> => {
    statements.push(sql);
    if (frozen && sql.startsWith(RELAXED_PREFIX) && values?.some((v) => Buffer.isBuffer(v) && v.equals(frozen!.key))) {
      return frozen.rows.map((row) => ({ ...(row as object) })) as T;
    }
    const f = fault && fault.match.test(sql) ? fault : null;
    if (f) fault = null;
    if (f?.when === "before") throw f.error;
    const result = await run();
    if (f?.when === "after") throw f.error;
    return result;
  };
  const recorder: Recorded = {
    statements,
    transactions: 0,
    scripts: 0,
    begins: [],
    failNext(match, error, when = "before") {
      fault = { match, error, when };
    },
    async freeze(key) {
      const rows = await inner.query<unknown[]>(`${SESSION_COLUMNS}, NULL AS op_fingerprint FROM php_session s WHERE s.session_id = ?`, [key]);
      frozen = { key, rows };
    },
    thaw() {
      frozen = null;
    },
    query: (sql, values) => wrap(sql, () => inner.query(sql, values), values),
    transaction: (work, options) => {
      recorder.transactions++;
      recorder.begins.push(options?.begin ?? "START TRANSACTION");
      return inner.transaction((tx) => work({ query: (sql, values) => wrap(sql, () => tx.query(sql, values), values) }), options);
    },
  };
  if (inner.script) {
    const script = inner.script.bind(inner);
    recorder.script = (list, options) => {
      recorder.scripts++;
      recorder.begins.push(options?.begin ?? "START TRANSACTION");
      statements.push(...list.slice(0, -1).map((statement) => statement.sql));
      // A fault aimed at a statement of the script fails the whole script, before it is sent or after it ran.
      return wrap(list[list.length - 1]!.sql, () => script(list, options), list[list.length - 1]!.values);
    };
  }
  return recorder;
}

export interface Harness {
  store: SessionStore<Cart>;
  sql: Recorded;
  clock: Clock;
  warnings: string[];
}

let schemaReady: Promise<void> | null = null;

async function ensureSchema(url: string): Promise<void> {
  const conn = await pool(url).getConnection();
  try {
    const text = readFileSync(new URL("../sql/schema.sql", import.meta.url), "utf8");
    for (const statement of text.replace(/--.*$/gm, "").split(";").map((s) => s.trim()).filter(Boolean)) {
      await conn.query(statement);
    }
  } finally {
    await conn.release();
  }
}

/** A store on one node (index into the URLs), with its own clock. */
export async function harness(
  options: { node?: number; clock?: Clock; multipleStatements?: boolean } & Partial<SessionStoreOptions<Cart>> = {},
): Promise<Harness> {
  const urls = testUrls();
  schemaReady ??= ensureSchema(urls[0]);
  await schemaReady;
  const multipleStatements = options.multipleStatements ?? false;
  const sql = recorded(mariadbExecutor(pool(urls[(options.node ?? 0) % urls.length], multipleStatements), { multipleStatements }));
  const clock = options.clock ?? new Clock();
  const warnings: string[] = [];
  const store = new SessionStore<Cart>({
    secret: SECRET,
    schema: cartSchema,
    emptyData: () => ({ lines: [] }),
    idleTimeoutMs: IDLE,
    absoluteTimeoutMs: ABSOLUTE,
    nodeName: "pkg-test",
    log: { warn: (_fields, message) => warnings.push(message) },
    now: clock.now,
    ...options,
    sql,
  });
  return { store, sql, clock, warnings };
}

/** A raw query on the first node (outside any store). */
export async function raw<T>(sqlText: string, values: unknown[] = []): Promise<T> {
  const conn = await pool(testUrls()[0]).getConnection();
  try {
    return (await conn.query(sqlText, values)) as T;
  } finally {
    await conn.release();
  }
}

export async function cleanUp(): Promise<void> {
  await raw("DELETE o FROM php_session_op o JOIN php_session s ON s.lineage = o.lineage WHERE s.last_node = 'pkg-test'").catch(() => undefined);
  await raw("DELETE FROM php_session WHERE last_node = 'pkg-test'").catch(() => undefined);
  await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)));
  pools.clear();
}

export function addOne(productId: number, by = 1) {
  return (cart: Cart) => {
    const lines = cart.lines.slice();
    const index = lines.findIndex((line) => line.productId === productId);
    if (index === -1) lines.push({ productId, quantity: by });
    else lines[index] = { productId, quantity: lines[index].quantity + by };
    return { data: { lines }, result: null };
  };
}

export const writes = (statements: string[]) => statements.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)/i.test(sql));
