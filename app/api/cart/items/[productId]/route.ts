import { z } from "zod";
import { toApiCart } from "@/lib/cart/api";
import { removeCartItem, setCartItemQuantity } from "@/lib/cart/service";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureResponse, json, readJson, route } from "@/lib/http";

type Context = { params: Promise<{ productId: string }> };

const cartItemPatchSchema = z.object({ quantity: z.number().int().min(0).max(99) });

async function productIdOf(context: Context): Promise<number> {
  const raw = (await context.params).productId;
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw new AppError("invalid", "The product id in the URL is not valid.");
  return Number(raw);
}

/** Set a line's quantity; 0 removes it. */
export const PATCH = route(async (request: Request, context: Context) => {
  assertSameOrigin(request);
  const productId = await productIdOf(context);
  const { quantity } = await readJson(request, cartItemPatchSchema);
  const result = await setCartItemQuantity({ productId, quantity });
  return result.ok ? json(toApiCart(result.cart)) : failureResponse(result);
});

export const DELETE = route(async (request: Request, context: Context) => {
  assertSameOrigin(request);
  const result = await removeCartItem({ productId: await productIdOf(context) });
  return result.ok ? json(toApiCart(result.cart)) : failureResponse(result);
});
