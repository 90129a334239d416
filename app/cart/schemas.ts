// The cart forms' input schemas, composed from the cart's fields
// (lib/cart/schemas.ts), and their result types. A "use server" module may
// only export async functions, so they live beside app/cart/actions.ts here.
import { z } from "zod";
import { addQuantityField, checkoutKeyField, formInteger, idempotencyKeyField, productIdField, setQuantityField } from "@/lib/cart/schemas";

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export const cartItemAddFormSchema = z.object({
  productId: formInteger(productIdField),
  quantity: z.preprocess(emptyToUndefined, formInteger(addQuantityField).default(1)),
  idempotencyKey: z.preprocess(emptyToUndefined, idempotencyKeyField.optional()),
});

export const cartItemUpdateFormSchema = z.object({
  productId: formInteger(productIdField),
  quantity: formInteger(setQuantityField),
});

export const cartItemRemoveFormSchema = z.object({ productId: formInteger(productIdField) });

export const checkoutFormSchema = z.object({
  checkoutKey: checkoutKeyField,
});

type Failure<Code extends string> = {
  ok: false;
  code: Code;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
};

/** Outcomes every cart form shares: the database was unreachable, or the session id was just rotated. */
type TransientCode = "unavailable" | "session_rotated";

export type CartFailureCode = "invalid" | "not_found" | "limit" | "idempotency_key_reused" | TransientCode;

/** null before the first submit. */
export type CartActionState = null | { ok: true; message: string; totalQuantity: number } | Failure<CartFailureCode>;

export type CheckoutActionState = null | Failure<"unauthenticated" | "empty_cart" | "invalid" | "idempotency_key_reused" | TransientCode>;

export const cartUnavailableMessage = "The shop couldn't update your cart just now. Please try again.";

/** Shown when the browser could not reach the shop at all, even after retrying. */
export const unreachableState: CartActionState = { ok: false, code: "unavailable", message: cartUnavailableMessage };

/**
 * Worth another attempt with the same form data (and so the same idempotency
 * key): an outage, or a request that carried the id a sign-in had just
 * replaced — the retry carries the browser's new cookie.
 */
export const isRetryable = (state: CartActionState | CheckoutActionState) =>
  state !== null && !state.ok && (state.code === "unavailable" || state.code === "session_rotated");
