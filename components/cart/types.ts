// The cart as the UI receives it from lib/cart/service (getCart). Type-only
// imports are erased at build time, so client components never load the
// server-only module itself.
import type { CartLineView, CartView } from "@/lib/cart/service";

export type Cart = CartView;
export type CartLine = CartLineView;

export type CartChange = { productId: number; quantity: number };

/** The cart after a change, computed on the client for optimistic rendering. */
export function applyCartChange(cart: Cart, change: CartChange): Cart {
  const items = cart.items
    .map((line) =>
      line.productId === change.productId
        ? { ...line, quantity: change.quantity, lineTotalCents: change.quantity * line.unitPriceCents }
        : line,
    )
    .filter((line) => line.quantity > 0);
  return {
    items,
    totalQuantity: items.reduce((sum, line) => sum + line.quantity, 0),
    subtotalCents: items.reduce((sum, line) => sum + line.lineTotalCents, 0),
  };
}
