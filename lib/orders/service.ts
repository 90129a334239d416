// Checkout: the cart becomes an order in one transaction that also empties
// the cart (the session row's version check is part of the commit), so the
// order and the emptied cart land together or not at all. The checkout key
// from the form is unique per user: a checkout retried after a timeout finds
// the order the first attempt created instead of creating a second one.
import "server-only";
import { getCurrentUser } from "@/lib/auth/current-user";
import { clearCart } from "@/lib/cart/rules";
import { withPrisma } from "@/lib/db";
import { sqlErrnoOf } from "@/lib/db/errors";
import type { Failure } from "@/lib/errors";
import { log } from "@/lib/log";
import { changeSession, UNCHANGED } from "@/lib/session";

export type CheckoutResult =
  | { ok: true; orderId: number; duplicate: boolean }
  | Failure<"unauthenticated" | "empty_cart">;

export interface OrderView {
  id: number;
  createdAt: Date;
  totalCents: number;
  totalQuantity: number;
  lines: { productId: number; name: string; quantity: number; unitPriceCents: number }[];
}

type CheckoutOutcome = { orderId: number; duplicate: boolean } | { error: "empty_cart" | "unauthenticated" };

const UNAUTHENTICATED: Failure<"unauthenticated"> = { ok: false, code: "unauthenticated", message: "Please sign in to check out." };
const EMPTY_CART: Failure<"empty_cart"> = { ok: false, code: "empty_cart", message: "Your cart is empty." };

/**
 * Check out with a validated checkout key (lib/cart/schemas.ts). Outages and
 * refused session ids are thrown; each boundary maps them once.
 */
export async function checkout(checkoutKey: string): Promise<CheckoutResult> {
  const user = await getCurrentUser();
  if (!user) return UNAUTHENTICATED;
  try {
    const changed = await changeSession<CheckoutOutcome>(
      async (data, session, tx) => {
        if (session.userId !== user.id) return { data: UNCHANGED, result: { error: "unauthenticated" } };
        const existing = await tx.query<{ id: number }[]>(
          "SELECT id FROM orders WHERE user_id = ? AND checkout_key = ?",
          [user.id, checkoutKey],
        );
        // A replay of a checkout that made its order: answer with that order, leave today's cart alone.
        if (existing[0]) return { data: UNCHANGED, result: { orderId: existing[0].id, duplicate: true } };
        const lines = data.cart.lines;
        if (lines.length === 0) return { data: UNCHANGED, result: { error: "empty_cart" } };
        const products = await tx.query<{ id: number; name: string; price_cents: number }[]>(
          `SELECT id, name, price_cents FROM products WHERE id IN (${lines.map(() => "?").join(",")})`,
          lines.map((line) => line.productId),
        );
        const byId = new Map(products.map((p) => [p.id, p]));
        const orderLines = lines.flatMap((line) => {
          const product = byId.get(line.productId);
          return product ? [{ ...line, name: product.name, unitPriceCents: product.price_cents }] : [];
        });
        if (orderLines.length === 0) return { data: clearCart(data), result: { error: "empty_cart" } };
        const totalCents = orderLines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
        const totalQuantity = orderLines.reduce((sum, l) => sum + l.quantity, 0);
        const inserted = await tx.query<{ insertId: number }>(
          "INSERT INTO orders (user_id, checkout_key, total_cents, total_quantity, created_at) VALUES (?, ?, ?, ?, ?)",
          [user.id, checkoutKey, totalCents, totalQuantity, new Date()],
        );
        const orderId = Number(inserted.insertId);
        await tx.query(
          `INSERT INTO order_lines (order_id, product_id, name, quantity, unit_price_cents) VALUES ${orderLines.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
          orderLines.flatMap((l) => [orderId, l.productId, l.name, l.quantity, l.unitPriceCents]),
        );
        return { data: clearCart(data), result: { orderId, duplicate: false } };
      },
      // The order and the emptied cart commit together; the key is remembered with them.
      { transaction: true, opKey: `checkout:${checkoutKey}`, fingerprint: "checkout" },
    );
    if (changed.status === "duplicate") return duplicateOutcome(user.id, checkoutKey);
    const outcome = changed.result;
    if ("error" in outcome) return outcome.error === "empty_cart" ? EMPTY_CART : UNAUTHENTICATED;
    log().info({ event: "checkout", userId: user.id, orderId: outcome.orderId, duplicate: outcome.duplicate }, "checkout");
    return { ok: true, ...outcome };
  } catch (error) {
    // Two simultaneous submits of one form on two nodes: the loser's INSERT hits the unique key; the winner's order stands.
    if (sqlErrnoOf(error) === 1062) return duplicateOutcome(user.id, checkoutKey);
    throw error;
  }
}

/** This checkout key was seen before: the order it made, if it made one. */
async function duplicateOutcome(userId: number, checkoutKey: string): Promise<CheckoutResult> {
  const order = await withPrisma((prisma) =>
    prisma.order.findUnique({ where: { userId_checkoutKey: { userId, checkoutKey } }, select: { id: true } }),
  );
  if (order) return { ok: true, orderId: order.id, duplicate: true };
  return EMPTY_CART;
}

export async function listOrdersForCurrentUser(): Promise<OrderView[]> {
  const user = await getCurrentUser();
  if (!user) return [];
  return listOrdersByUserId(user.id);
}

export async function listOrdersByUserId(userId: number): Promise<OrderView[]> {
  const orders = await withPrisma((prisma) =>
    prisma.order.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true, createdAt: true, totalCents: true, totalQuantity: true,
        lines: { select: { productId: true, name: true, quantity: true, unitPriceCents: true }, orderBy: { productId: "asc" } },
      },
    }),
  );
  return orders;
}
