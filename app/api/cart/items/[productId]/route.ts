import { z } from "zod";
import { toApiCart } from "@/lib/cart/api";
import { formInteger, productIdField, setQuantityField } from "@/lib/cart/schemas";
import { removeCartItem, setCartItemQuantity } from "@/lib/cart/service";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, failureResponse, json, readJson, route } from "@/lib/http";

type Context = { params: Promise<{ productId: string }> };

const cartItemPatchSchema = z.object({ quantity: setQuantityField });
const productIdParam = formInteger(productIdField);

async function productIdOf(context: Context): Promise<number> {
  const parsed = productIdParam.safeParse((await context.params).productId);
  if (!parsed.success) throw new AppError("invalid", "The product id in the URL is not valid.");
  return parsed.data;
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
