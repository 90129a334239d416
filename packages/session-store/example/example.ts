// A cart in a php_session row, on any MySQL-compatible server:
//   SESSION_STORE_URL=mariadb://user:pw@127.0.0.1:3306/shop node example.js
import * as mariadb from "mariadb";
import { SessionStore, UNCHANGED } from "@shopcluster/session-store";
import { mariadbExecutor } from "@shopcluster/session-store/mariadb";

type Cart = { items: Record<string, number> };
const cartSchema = {
  safeParse: (value: unknown) =>
    typeof value === "object" && value !== null && "items" in value
      ? { success: true as const, data: value as Cart }
      : { success: false as const, error: new Error("not a cart") },
};

const pool = mariadb.createPool(process.env.SESSION_STORE_URL ?? "mariadb://shop:shop@127.0.0.1:3306/shop");
const store = new SessionStore<Cart>({
  sql: mariadbExecutor(pool),
  secret: process.env.SESSION_SECRET ?? "change-me-change-me-change-me-change-me!",
  schema: cartSchema,
  emptyData: () => ({ items: {} }),
  idleTimeoutMs: 30 * 60_000,
  absoluteTimeoutMs: 8 * 60 * 60_000,
  nodeName: "example",
});

const id = store.issueId(); // goes into the cookie; no row yet
const added = await store.change(id, (cart) => ({ data: { items: { ...cart.items, tea: (cart.items.tea ?? 0) + 1 } }, result: "added" }), {
  opKey: "add:3f2b9c1e", // the client's Idempotency-Key: a retry applies once, for 24 h
  fingerprint: "add tea 1",
});
const again = await store.change(id, () => ({ data: UNCHANGED, result: null }), { opKey: "add:3f2b9c1e", fingerprint: "add tea 1" });
console.log(added.status, again.status); // "changed" "duplicate"
const signedIn = await store.rotate(id, { userId: 42, keepData: true }); // new id; the old one is refused
console.log((await store.load(id)).status, signedIn.session.data); // "rotated" { items: { tea: 1 } }
await pool.end();
