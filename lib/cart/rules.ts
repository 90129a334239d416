// Cart rules as pure functions over session data. Each returns the same
// SessionData object when nothing changes, which the session store reads as
// "no write needed".
import type { SessionData } from "@/lib/session/data";
import { CART_MAX_LINES, CART_MAX_QUANTITY } from "./model";

export type CartRuleResult = { ok: true; data: SessionData } | { ok: false; code: "limit"; message: string };

export function addToCart(data: SessionData, productId: number, quantity: number): CartRuleResult {
  const lines = data.cart.lines;
  const index = lines.findIndex((line) => line.productId === productId);
  if (index === -1) {
    if (lines.length >= CART_MAX_LINES) {
      return { ok: false, code: "limit", message: `A cart holds at most ${CART_MAX_LINES} different products.` };
    }
    return { ok: true, data: { ...data, cart: { lines: [...lines, { productId, quantity }] } } };
  }
  const next = lines[index].quantity + quantity;
  if (next > CART_MAX_QUANTITY) {
    return { ok: false, code: "limit", message: `At most ${CART_MAX_QUANTITY} of one product per order.` };
  }
  return { ok: true, data: withLine(data, index, { productId, quantity: next }) };
}

export function setQuantity(data: SessionData, productId: number, quantity: number): CartRuleResult {
  if (quantity > CART_MAX_QUANTITY) {
    return { ok: false, code: "limit", message: `At most ${CART_MAX_QUANTITY} of one product per order.` };
  }
  const index = data.cart.lines.findIndex((line) => line.productId === productId);
  if (quantity === 0) return { ok: true, data: removeLine(data, productId) };
  if (index === -1) return addToCart(data, productId, quantity);
  if (data.cart.lines[index].quantity === quantity) return { ok: true, data };
  return { ok: true, data: withLine(data, index, { productId, quantity }) };
}

export function removeLine(data: SessionData, productId: number): SessionData {
  if (!data.cart.lines.some((line) => line.productId === productId)) return data;
  return { ...data, cart: { lines: data.cart.lines.filter((line) => line.productId !== productId) } };
}

export function clearCart(data: SessionData): SessionData {
  return data.cart.lines.length === 0 ? data : { ...data, cart: { lines: [] } };
}

function withLine(data: SessionData, index: number, line: { productId: number; quantity: number }): SessionData {
  const lines = data.cart.lines.slice();
  lines[index] = line;
  return { ...data, cart: { lines } };
}
