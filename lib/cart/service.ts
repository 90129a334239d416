// The visitor's cart: session data (lib/session) joined with the catalog.
// Changes go through changeSession, so concurrent adds from different nodes
// all land; an idempotency key makes a retried add apply once.
import "server-only";
import { z } from "zod";
import { isRetryableDbError } from "@/lib/db/errors";
import { getProductById, getProductsByIds } from "@/lib/catalog/queries";
import { UNAVAILABLE_MESSAGE, type Failure } from "@/lib/errors";
import { log } from "@/lib/log";
import { changeSession, getSession, SessionStoreUnavailableError } from "@/lib/session";
import { CART_MAX_QUANTITY, type SessionData } from "@/lib/session/data";
import { addToCart, removeLine, setQuantity, type CartRuleResult } from "./rules";

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

export type CartResult = { ok: true; cart: CartView } | Failure<"invalid" | "not_found" | "limit" | "unavailable">;

/** A client's Idempotency-Key: a retried request carrying it applies once per session. */
export const idempotencyKeySchema = z.string().min(8).max(64).regex(/^[\w.:-]+$/);

export const cartItemAddSchema = z.object({
  productId: z.coerce.number().int().positive(),
  quantity: z.coerce.number().int().min(1).max(CART_MAX_QUANTITY),
  idempotencyKey: idempotencyKeySchema.optional(),
});

export const cartItemSetSchema = z.object({
  productId: z.coerce.number().int().positive(),
  quantity: z.coerce.number().int().min(0).max(CART_MAX_QUANTITY),
});

export const cartItemRemoveSchema = z.object({ productId: z.coerce.number().int().positive() });

/** The current cart, with names and prices from the catalog. */
export async function getCart(): Promise<CartView> {
  return cartView((await getSession()).data);
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

export async function addCartItem(input: z.input<typeof cartItemAddSchema>): Promise<CartResult> {
  const parsed = cartItemAddSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId, quantity, idempotencyKey } = parsed.data;
  return guarded(async () => {
    if (!(await getProductById(productId))) return notFound(productId);
    return apply((data) => addToCart(data, productId, quantity), idempotencyKey && `add:${idempotencyKey}`);
  });
}

export async function setCartItemQuantity(input: z.input<typeof cartItemSetSchema>): Promise<CartResult> {
  const parsed = cartItemSetSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId, quantity } = parsed.data;
  return guarded(async () => {
    if (quantity > 0 && !(await getProductById(productId))) return notFound(productId);
    return apply((data) => setQuantity(data, productId, quantity));
  });
}

export async function removeCartItem(input: z.input<typeof cartItemRemoveSchema>): Promise<CartResult> {
  const parsed = cartItemRemoveSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { productId } = parsed.data;
  return guarded(() => apply((data) => ({ ok: true, data: removeLine(data, productId) })));
}

async function apply(rule: (data: SessionData) => CartRuleResult, opId?: string): Promise<CartResult> {
  const outcome = await changeSession(
    (data) => {
      const result = rule(data);
      return { data: result.ok ? result.data : data, result };
    },
    { opId },
  );
  if (outcome.result && !outcome.result.ok) return outcome.result;
  return { ok: true, cart: await cartView(outcome.session?.data ?? (await getSession()).data) };
}

async function guarded(work: () => Promise<CartResult>): Promise<CartResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError || isRetryableDbError(error)) {
      log().error({ err: error }, "cart change failed: database unavailable");
      return { ok: false, code: "unavailable", message: UNAVAILABLE_MESSAGE };
    }
    throw error;
  }
}

function invalid(error: z.ZodError): Failure<"invalid"> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.join(".") || "body"] ??= []).push(issue.message);
  return { ok: false, code: "invalid", message: "Please check the product and quantity.", fieldErrors };
}

function notFound(productId: number): Failure<"not_found"> {
  return { ok: false, code: "not_found", message: `There is no product with id ${productId}.` };
}
