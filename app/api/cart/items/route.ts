import { z } from "zod";
import { toApiCart } from "@/lib/cart/api";
import { addCartItem, idempotencyKeySchema } from "@/lib/cart/service";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureResponse, json, readJson, route } from "@/lib/http";

const cartItemPostSchema = z.object({
  productId: z.number().int().positive(),
  quantity: z.number().int().min(1).max(99),
});

/** Add to a cart line. `Idempotency-Key` makes a retried request apply once per session. */
export const POST = route(async (request: Request) => {
  assertSameOrigin(request);
  const body = await readJson(request, cartItemPostSchema);
  const key = request.headers.get("idempotency-key");
  if (key !== null && !idempotencyKeySchema.safeParse(key).success) {
    throw new AppError("invalid", "Idempotency-Key must be 8-64 characters of letters, digits, '.', ':', '_' or '-'.");
  }
  const result = await addCartItem({ ...body, idempotencyKey: key ?? undefined });
  return result.ok ? json(toApiCart(result.cart)) : failureResponse(result);
});
