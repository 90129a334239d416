// The visitor's cart: session data (lib/session) joined with the catalog.
// Every function takes the request's session handle (Next's by default; the
// fast lane's for lib/api), never a cookie.
// Changes go through changeSession, so concurrent adds from different nodes
// all land, and an idempotency key makes a retried or replayed add apply once
// (for 24 h, through sign-in). Input arrives validated (lib/cart/schemas.ts);
// outages and refused ids are thrown, and each boundary maps them once
// (lib/http.ts for route handlers, app/cart/actions.ts for server actions).
import "server-only";
import { getProductById, getProductsByIds } from "@/lib/catalog/queries";
import type { Failure } from "@/lib/errors";
import { nextSession, UNCHANGED, type SessionData, type ShopSession } from "@/lib/session";
import { addToCart, removeLine, setQuantity, type CartRuleResult } from "./rules";
import type { CartItemAddInput, CartItemSetInput } from "./schemas";

export interface CartLineView {
  productId: number;
  slug: string;
  name: string;
  imagePath: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface CartView {
  items: CartLineView[];
  totalQuantity: number;
  subtotalCents: number;
}

export type CartResult = { ok: true; cart: CartView; duplicate: boolean } | Failure<"not_found" | "limit">;

/** The current cart, with names and prices from the catalog. */
export async function getCart(session: ShopSession = nextSession): Promise<CartView> {
  return cartView((await session.getSession()).data);
}

export async function cartView(data: SessionData): Promise<CartView> {
  const products = await getProductsByIds(data.cart.lines.map((line) => line.productId));
  const items: CartLineView[] = [];
  for (const line of data.cart.lines) {
    const product = products.get(line.productId);
    if (!product) continue; // a product withdrawn from the catalog drops out of the view
    items.push({
      productId: product.id,
      slug: product.slug,
      name: product.name,
      imagePath: product.imagePath,
      quantity: line.quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents: product.priceCents * line.quantity,
    });
  }
  return {
    items,
    totalQuantity: items.reduce((sum, item) => sum + item.quantity, 0),
    subtotalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0),
  };
}

export async function addCartItem(
  { productId, quantity, idempotencyKey }: CartItemAddInput,
  session: ShopSession = nextSession,
): Promise<CartResult> {
  if (!(await getProductById(productId))) return notFound(productId);
  // The key is bound to what it was sent with: the same key for another product or quantity is refused.
  const key = idempotencyKey ? { opKey: `add:${idempotencyKey}`, fingerprint: `add:${productId}:${quantity}` } : {};
  return apply(session, (data) => addToCart(data, productId, quantity), key);
}

export async function setCartItemQuantity(
  { productId, quantity }: CartItemSetInput,
  session: ShopSession = nextSession,
): Promise<CartResult> {
  if (quantity > 0 && !(await getProductById(productId))) return notFound(productId);
  return apply(session, (data) => setQuantity(data, productId, quantity));
}

export async function removeCartItem({ productId }: { productId: number }, session: ShopSession = nextSession): Promise<CartResult> {
  return apply(session, (data) => ({ ok: true, data: removeLine(data, productId) }));
}

async function apply(
  session: ShopSession,
  rule: (data: SessionData) => CartRuleResult,
  key: { opKey?: string; fingerprint?: string } = {},
): Promise<CartResult> {
  const outcome = await session.changeSession(
    (data) => {
      const result = rule(data);
      return { data: result.ok && result.data !== data ? result.data : UNCHANGED, result };
    },
    key,
  );
  if (outcome.status === "duplicate") return { ok: true, cart: await cartView(outcome.session.data), duplicate: true };
  if (!outcome.result.ok) return outcome.result;
  return { ok: true, cart: await cartView(outcome.session.data), duplicate: false };
}

function notFound(productId: number): Failure<"not_found"> {
  return { ok: false, code: "not_found", message: `There is no product with id ${productId}.` };
}
