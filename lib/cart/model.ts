// The cart as the shop stores it in its session: lines of product and
// quantity, within the shop's limits. Validated by the session store on every
// read and write (lib/session/data.ts puts it in the session's data).
import { z } from "zod";

export const CART_MAX_LINES = 100;
export const CART_MAX_QUANTITY = 99;

export const cartLineSchema = z.object({
  productId: z.number().int().positive(),
  quantity: z.number().int().min(1).max(CART_MAX_QUANTITY),
});

export const cartSchema = z.object({ lines: z.array(cartLineSchema).max(CART_MAX_LINES) });

export type CartLine = z.infer<typeof cartLineSchema>;
export type Cart = z.infer<typeof cartSchema>;
