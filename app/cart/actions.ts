"use server";

// Cart and checkout server actions. Each parses its FormData with a schema from
// ./schemas and returns a typed state for useActionState; plain <form> posts work
// without JavaScript because the page re-renders after the action. Outages and
// rotated session ids become a state in one place, `settle` below.
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { pluralize } from "@/components/ui/format";
import { addCartItem, removeCartItem, setCartItemQuantity, type CartResult, type CartView } from "@/lib/cart/service";
import { KEY_REUSED_MESSAGE, SESSION_ROTATED_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";
import { checkout, type CheckoutResult } from "@/lib/orders/service";
import { IdempotencyKeyReusedError, SessionRotatedError, SessionStoreUnavailableError } from "@/lib/session";
import {
  cartItemAddFormSchema,
  cartItemRemoveFormSchema,
  cartItemUpdateFormSchema,
  cartUnavailableMessage,
  checkoutFormSchema,
  type CartActionState,
  type CheckoutActionState,
} from "./schemas";

type ActionFailure = Exclude<CartActionState, null | { ok: true }>;

function invalid(error: z.ZodError): ActionFailure {
  const fieldErrors = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  const first = Object.values(fieldErrors).flat()[0];
  return { ok: false, code: "invalid", message: first ?? "Please check the form and try again.", fieldErrors };
}

/** The one place a server action turns a thrown outage or a refused session id into a state. */
async function settle<T>(work: () => Promise<T>, unavailableMessage: string): Promise<T | ActionFailure> {
  try {
    return await work();
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof SessionRotatedError) return { ok: false, code: "session_rotated", message: SESSION_ROTATED_MESSAGE };
    if (error instanceof IdempotencyKeyReusedError) return { ok: false, code: "idempotency_key_reused", message: KEY_REUSED_MESSAGE };
    if (!(error instanceof SessionStoreUnavailableError)) log().error({ err: error }, "server action failed");
    else log().warn({ err: error }, "server action failed: database unavailable");
    return { ok: false, code: "unavailable", message: unavailableMessage };
  }
}

async function runCart(change: () => Promise<CartResult>, describe: (cart: CartView) => string): Promise<CartActionState> {
  const result = await settle(change, cartUnavailableMessage);
  if (!result.ok) return result;
  revalidatePath("/", "layout");
  return { ok: true, message: describe(result.cart), totalQuantity: result.cart.totalQuantity };
}

export async function addToCartAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemAddFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  const { productId, quantity } = parsed.data;
  return runCart(
    () => addCartItem(parsed.data),
    (cart) => {
      const name = cart.items.find((line) => line.productId === productId)?.name ?? "the item";
      return `Added ${quantity} × ${name}. Your cart now holds ${pluralize(cart.totalQuantity, "item")}.`;
    },
  );
}

export async function updateCartLineAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemUpdateFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  return runCart(
    () => setCartItemQuantity(parsed.data),
    () => (parsed.data.quantity === 0 ? "Removed from your cart." : "Quantity updated."),
  );
}

export async function removeCartLineAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemRemoveFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  return runCart(
    () => removeCartItem(parsed.data),
    () => "Removed from your cart.",
  );
}

export async function checkoutAction(_previous: CheckoutActionState, formData: FormData): Promise<CheckoutActionState> {
  const parsed = checkoutFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    return { ok: false, code: "invalid", message: fieldErrors.checkoutKey?.[0] ?? "Please try again.", fieldErrors };
  }
  const result: CheckoutResult | ActionFailure = await settle(
    () => checkout(parsed.data.checkoutKey),
    "We couldn't place your order just now. Please try again.",
  );
  if (!result.ok) {
    if (result.code === "not_found" || result.code === "limit") return { ok: false, code: "invalid", message: result.message };
    return { ok: false, code: result.code, message: result.message };
  }
  revalidatePath("/", "layout");
  redirect(`/account?order=${result.orderId}`);
}
