"use server";

// Cart and checkout server actions. Each parses its FormData with a schema from
// ./schemas and returns a typed state for useActionState; plain <form> posts work
// without JavaScript because the page re-renders after the action.
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { addCartItem, removeCartItem, setCartItemQuantity } from "@/lib/cart/service";
import { checkout } from "@/lib/orders/service";
import { pluralize } from "@/components/ui/format";
import {
  cartItemAddSchema,
  cartItemRemoveSchema,
  cartItemUpdateSchema,
  cartUnavailableMessage,
  checkoutSubmitSchema,
  type CartActionState,
  type CheckoutActionState,
} from "./schemas";

type CartResult = Awaited<ReturnType<typeof addCartItem>>;

function invalid(error: z.ZodError): Exclude<CartActionState, null | { ok: true }> {
  const fieldErrors = z.flattenError(error).fieldErrors as Record<string, string[] | undefined>;
  const first = Object.values(fieldErrors).flat()[0];
  return { ok: false, code: "invalid", message: first ?? "Please check the form and try again.", fieldErrors };
}

type CartView = Extract<CartResult, { ok: true }>["cart"];

async function run(change: () => Promise<CartResult>, describe: (cart: CartView) => string): Promise<CartActionState> {
  let result: CartResult;
  try {
    result = await change();
  } catch (error) {
    unstable_rethrow(error);
    console.error("cart action failed", error);
    return { ok: false, code: "unavailable", message: cartUnavailableMessage };
  }
  revalidatePath("/", "layout");
  if (!result.ok) {
    // One plain sentence for every outage, whichever layer noticed it.
    const message = result.code === "unavailable" ? cartUnavailableMessage : result.message;
    return { ok: false, code: result.code, message };
  }
  return { ok: true, message: describe(result.cart), totalQuantity: result.cart.totalQuantity };
}

export async function addToCartAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemAddSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  const { productId, quantity, idempotencyKey } = parsed.data;
  return run(
    () => addCartItem({ productId, quantity, idempotencyKey }),
    (cart) => {
      const name = cart.items.find((line) => line.productId === productId)?.name ?? "the item";
      return `Added ${quantity} × ${name}. Your cart now holds ${pluralize(cart.totalQuantity, "item")}.`;
    },
  );
}

export async function updateCartLineAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemUpdateSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  const { productId, quantity } = parsed.data;
  return run(
    () => setCartItemQuantity({ productId, quantity }),
    () => (quantity === 0 ? "Removed from your cart." : "Quantity updated."),
  );
}

export async function removeCartLineAction(_previous: CartActionState, formData: FormData): Promise<CartActionState> {
  const parsed = cartItemRemoveSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return invalid(parsed.error);
  return run(
    () => removeCartItem({ productId: parsed.data.productId }),
    () => "Removed from your cart.",
  );
}

export async function checkoutAction(_previous: CheckoutActionState, formData: FormData): Promise<CheckoutActionState> {
  const parsed = checkoutSubmitSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    return { ok: false, code: "invalid", message: fieldErrors.checkoutKey?.[0] ?? "Please try again.", fieldErrors };
  }
  let result: Awaited<ReturnType<typeof checkout>>;
  try {
    result = await checkout(parsed.data.checkoutKey);
  } catch (error) {
    unstable_rethrow(error);
    console.error("checkout failed", error);
    return { ok: false, code: "unavailable", message: "We couldn't place your order just now. Please try again." };
  }
  revalidatePath("/", "layout");
  if (!result.ok) return { ok: false, code: result.code, message: result.message };
  redirect(`/account?order=${result.orderId}`);
}
