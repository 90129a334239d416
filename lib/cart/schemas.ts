// The cart's input fields, defined once on the cart's limits and composed by
// every boundary: the JSON API (numbers in a JSON body) and the forms (strings
// in FormData). A form's number must be a plain decimal integer: "0x4",
// " 4e0 " or "4.0" are refused, not coerced.
import { z } from "zod";
import { CART_MAX_QUANTITY } from "./model";

const MAX_PRODUCT_ID = 2_147_483_647;

export const productIdField = z.number({ error: "Choose a product." }).int("Choose a product.").min(1, "Choose a product.").max(MAX_PRODUCT_ID, "Choose a product.");
export const addQuantityField = z.number().int().min(1, "Choose at least 1.").max(CART_MAX_QUANTITY, `At most ${CART_MAX_QUANTITY} per product.`);
export const setQuantityField = z.number().int().min(0, "Quantity can't be negative.").max(CART_MAX_QUANTITY, `At most ${CART_MAX_QUANTITY} per product.`);

/** A client's Idempotency-Key (API header, or the forms' hidden field): one request applies once. */
export const idempotencyKeyField = z
  .string()
  .min(8, "Invalid request key.")
  .max(64, "Invalid request key.")
  .regex(/^[\w.:-]+$/, "Invalid request key.");

/** A form field holding a decimal integer, parsed strictly into `field`. */
export function formInteger<T extends z.ZodType<number, number>>(field: T) {
  return z
    .string({ error: "Enter a whole number." })
    .regex(/^(0|[1-9]\d{0,9})$/, "Enter a whole number.")
    .transform(Number)
    .pipe(field);
}

/** The checkout form's key (also the API's Idempotency-Key for POST /api/orders): one order per key. */
export const checkoutKeyField = z.string().regex(/^[\w-]{8,64}$/, "This checkout form is out of date. Reload the cart.");

export type CartItemAddInput = { productId: number; quantity: number; idempotencyKey?: string };
export type CartItemSetInput = { productId: number; quantity: number };
