// The shop's session data: what the php_session envelope's `data` holds (the
// cart), validated with zod by the session store on the way in and out.
import { z } from "zod";

export const CART_MAX_LINES = 100;
export const CART_MAX_QUANTITY = 99;

export const cartLineSchema = z.object({
  productId: z.number().int().positive(),
  quantity: z.number().int().min(1).max(CART_MAX_QUANTITY),
});

export const sessionDataSchema = z.object({
  cart: z.object({ lines: z.array(cartLineSchema).max(CART_MAX_LINES) }),
});

export type CartLine = z.infer<typeof cartLineSchema>;
export type Cart = SessionData["cart"];
export type SessionData = z.infer<typeof sessionDataSchema>;

export function emptySessionData(): SessionData {
  return { cart: { lines: [] } };
}
