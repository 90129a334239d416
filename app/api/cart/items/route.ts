import { z } from "zod";
import { toApiCart } from "@/lib/cart/api";
import { addQuantityField, idempotencyKeyField, productIdField } from "@/lib/cart/schemas";
import { addCartItem } from "@/lib/cart/service";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureResponse, json, readJson, route } from "@/lib/http";

const cartItemPostSchema = z.object({ productId: productIdField, quantity: addQuantityField });

/**
 * Add to a cart line. `Idempotency-Key` makes a retried or replayed request
 * apply once (for 24 h); the same key with another body is 422.
 */
export const POST = route(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, cartItemPostSchema);
  const key = request.headers.get("idempotency-key");
  if (key !== null && !idempotencyKeyField.safeParse(key).success) {
    throw new AppError("invalid", "Idempotency-Key must be 8-64 characters of letters, digits, '.', ':', '_' or '-'.");
  }
  const result = await addCartItem({ ...body, idempotencyKey: key ?? undefined });
  return result.ok ? json(toApiCart(result.cart)) : failureResponse(result);
});
