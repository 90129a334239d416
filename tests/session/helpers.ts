// Shared set-up for session-store tests: real databases from the cluster, and
// a store whose clock the test controls.
import { inject } from "vitest";
import { Database } from "@/lib/db/database";
import { SessionStore, type SessionConfig, type SessionLogger } from "@/lib/session/store";

export const config: SessionConfig = {
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 8 * 60 * 60_000,
  touchIntervalMs: 60_000,
};

export function databaseUrls(): string[] {
  return inject("databaseUrls");
}

export class Clock {
  constructor(public ms = Date.now()) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface Harness {
  db: Database;
  store: SessionStore;
  clock: Clock;
  statements: string[];
  warnings: string[];
}

const opened: Database[] = [];

/** A store on one endpoint (default db-1), recording every statement it sends. */
export function harness(options: { url?: string; clock?: Clock; changeAttempts?: number; poolSize?: number } = {}): Harness {
  const statements: string[] = [];
  const warnings: string[] = [];
  const db = new Database({ urls: [options.url ?? databaseUrls()[0]], poolSize: options.poolSize ?? 2 });
  db.onStatement = (sql) => statements.push(sql);
  opened.push(db);
  const clock = options.clock ?? new Clock();
  const log: SessionLogger = { warn: (_fields, message) => warnings.push(message), info: () => undefined };
  const store = new SessionStore({ db, config, nodeName: "test", log, now: clock.now, changeAttempts: options.changeAttempts });
  return { db, store, clock, statements, warnings };
}

/** Close every pool, after removing the rows these tests wrote (they all carry last_node = "test"). */
export async function closeAll() {
  await opened[0]?.query("DELETE FROM php_session WHERE last_node IN ('test', 'gc-test')").catch(() => undefined);
  await Promise.all(opened.splice(0).map((db) => db.end()));
}

export const writes = (statements: string[]) => statements.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)/i.test(sql));

export function addOne(productId: number) {
  return (data: import("@/lib/session/data").SessionData) => {
    const lines = data.cart.lines.slice();
    const index = lines.findIndex((line) => line.productId === productId);
    if (index === -1) lines.push({ productId, quantity: 1 });
    else lines[index] = { productId, quantity: lines[index].quantity + 1 };
    return { data: { ...data, cart: { lines } }, result: null };
  };
}
