import type { Metadata } from "next";
import { getCurrentUser } from "@/lib/auth/current-user";
import { getCart } from "@/lib/cart/service";
import { CartContents } from "@/components/cart/cart-contents";
import { EmptyCart } from "@/components/cart/empty-cart";

export const metadata: Metadata = { title: "Your cart" };

export default async function CartPage() {
  const [cart, user] = await Promise.all([getCart(), getCurrentUser()]);
  return (
    <>
      <h1 className="font-serif text-3xl font-semibold tracking-tight text-bean-900">Your cart</h1>
      <div className="mt-6">
        {cart.items.length === 0 ? (
          <EmptyCart />
        ) : (
          // A new key per render: resubmitting this very form (a retry) places one order,
          // while a later checkout of a changed cart is a new order.
          <CartContents cart={cart} signedIn={user !== null} checkoutKey={crypto.randomUUID()} />
        )}
      </div>
    </>
  );
}
