// The cart's JSON shape for GET/POST/PATCH/DELETE /api/cart*.
import type { CartView } from "./service";

export function toApiCart(cart: CartView) {
  return {
    items: cart.items.map(({ productId, name, quantity, unitPriceCents }) => ({ productId, name, quantity, unitPriceCents })),
    totalQuantity: cart.totalQuantity,
    subtotalCents: cart.subtotalCents,
  };
}
