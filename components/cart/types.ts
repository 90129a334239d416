// The cart as the UI receives it from lib/cart/service (getCart); kept structural so
// client components don't import a server-only module for its types.
export type CartLine = {
  productId: number;
  slug: string;
  name: string;
  imagePath: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
};

export type Cart = { items: CartLine[]; totalQuantity: number; subtotalCents: number };

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
