// The cart API (GET /api/cart, POST /api/cart/items, PATCH and DELETE
// /api/cart/items/:productId) as framework-free handlers: an ApiRequest and
// the request's session handle in, an ApiReply out, errors thrown for the
// caller's one mapping (lib/http.ts replyForError). The route files under
// app/api/cart run them under Next's router; lib/api/fast-lane.ts runs the
// same functions before it (issue 14), so both paths answer byte for byte alike.
import "server-only";
import { z } from "zod";
import { toApiCart } from "@/lib/cart/api";
import { addQuantityField, formInteger, idempotencyKeyField, productIdField, setQuantityField } from "@/lib/cart/schemas";
import { addCartItem, cartView, removeCartItem, setCartItemQuantity, type CartResult } from "@/lib/cart/service";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureReply, readJson, type ApiReply, type ApiRequest } from "@/lib/http";
import type { ShopSession } from "@/lib/session";

const cartItemPostSchema = z.object({ productId: productIdField, quantity: addQuantityField });
const cartItemPatchSchema = z.object({ quantity: setQuantityField });
const productIdParam = formInteger(productIdField);

/** The cart as JSON. A client without a session gets its id as a cookie (no row is written until a change). */
export async function getCartApi(session: ShopSession): Promise<ApiReply> {
  const { data } = await session.ensureSessionCookie();
  return { status: 200, body: toApiCart(await cartView(data)) };
}

/**
 * Add to a cart line. `Idempotency-Key` makes a retried or replayed request
 * apply once (for 24 h); the same key with another body is 422.
 */
export async function postCartItemApi(request: ApiRequest, session: ShopSession): Promise<ApiReply> {
  assertSameOrigin(request);
  const body = await readJson(request, cartItemPostSchema);
  const key = request.headers.get("idempotency-key");
  if (key !== null && !idempotencyKeyField.safeParse(key).success) {
    throw new AppError("invalid", "Idempotency-Key must be 8-64 characters of letters, digits, '.', ':', '_' or '-'.");
  }
  return cartReply(await addCartItem({ ...body, idempotencyKey: key ?? undefined }, session));
}

/** Set a line's quantity; 0 removes it. */
export async function patchCartItemApi(request: ApiRequest, productId: string, session: ShopSession): Promise<ApiReply> {
  assertSameOrigin(request);
  const id = productIdOf(productId);
  const { quantity } = await readJson(request, cartItemPatchSchema);
  return cartReply(await setCartItemQuantity({ productId: id, quantity }, session));
}

export async function deleteCartItemApi(request: ApiRequest, productId: string, session: ShopSession): Promise<ApiReply> {
  assertSameOrigin(request);
  return cartReply(await removeCartItem({ productId: productIdOf(productId) }, session));
}

function productIdOf(param: string): number {
  const parsed = productIdParam.safeParse(param);
  if (!parsed.success) throw new AppError("invalid", "The product id in the URL is not valid.");
  return parsed.data;
}

function cartReply(result: CartResult): ApiReply {
  return result.ok ? { status: 200, body: toApiCart(result.cart) } : failureReply(result);
}
