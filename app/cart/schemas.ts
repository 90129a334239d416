// Input schemas and result types of the cart's server actions (app/cart/actions.ts).
// A "use server" module may only export async functions, so they live beside it here.
import { z } from "zod";

// These schemas ship to the browser too: zod's JIT feature-detects eval with
// `new Function`, which the CSP blocks and reports as a violation (docs/security.md).
z.config({ jitless: true });

/**
 * A form field holding a plain decimal integer ("4", not "0x4", " 4e0 " or "4.0"),
 * then the number. z.coerce would accept anything Number() does.
 */
const decimalInteger = (message: string) =>
  z.union([z.string(), z.number()], { error: message })
    .transform((value) => String(value))
    .pipe(z.string().regex(/^(0|[1-9]\d{0,8})$/, message))
    .transform(Number);

const productId = decimalInteger("Choose a product.").pipe(z.number().positive("Choose a product."));

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

export const cartItemAddSchema = z.object({
  productId,
  quantity: z.preprocess(
    emptyToUndefined,
    decimalInteger("Enter a whole number.").pipe(z.number().min(1, "Choose at least 1.").max(99, "You can add at most 99 at a time.")).default(1),
  ),
  idempotencyKey: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[\w-]{8,64}$/, "Invalid request key.").optional(),
  ),
});

export const cartItemUpdateSchema = z.object({
  productId,
  quantity: decimalInteger("Enter a whole number.").pipe(z.number().min(0, "Quantity can't be negative.").max(99, "At most 99 per product.")),
});

export const cartItemRemoveSchema = z.object({ productId });

export const checkoutSubmitSchema = z.object({
  checkoutKey: z.string().regex(/^[\w-]{8,64}$/, "This checkout form is out of date. Reload the cart."),
});

type Failure<Code extends string> = {
  ok: false;
  code: Code;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
};

export type CartFailureCode = "invalid" | "not_found" | "limit" | "unavailable";

/** null before the first submit. */
export type CartActionState =
  | null
  | { ok: true; message: string; totalQuantity: number }
  | Failure<CartFailureCode>;

export type CheckoutActionState = null | Failure<"unauthenticated" | "empty_cart" | "unavailable" | "invalid">;

export const cartUnavailableMessage = "The shop couldn't update your cart just now. Please try again.";

/** Shown when the browser could not reach the shop at all, even after retrying. */
export const unreachableState: CartActionState = { ok: false, code: "unavailable", message: cartUnavailableMessage };

/** Outages are worth a retry: every cart and checkout form carries a key or is idempotent. */
export const isUnavailable = (state: CartActionState | CheckoutActionState) =>
  state !== null && !state.ok && state.code === "unavailable";
