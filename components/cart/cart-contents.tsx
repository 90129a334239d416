"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { useOptimistic } from "react";
import { formatPrice, pluralize } from "@/components/ui/format";
import { CartLineItem } from "./cart-line-item";
import { CheckoutForm } from "./checkout-form";
import { EmptyCart } from "./empty-cart";
import { applyCartChange, type Cart } from "./types";

type CartContentsProps = {
  cart: Cart;
  signedIn: boolean;
  checkoutKey: string;
};

export function CartContents({ cart, signedIn, checkoutKey }: CartContentsProps) {
  const [view, applyChange] = useOptimistic(cart, applyCartChange);

  if (view.items.length === 0) return <EmptyCart />;

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem] lg:items-start">
      <section aria-labelledby="cart-items-heading" className="card px-5 sm:px-6">
        <h2 id="cart-items-heading" className="sr-only">
          Items in your cart
        </h2>
        <ul role="list" aria-label="Cart items" className="divide-y divide-bean-200">
          {view.items.map((line) => (
            <CartLineItem key={line.productId} line={line} onChange={applyChange} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="summary-heading" className="card p-6 lg:sticky lg:top-24">
        <h2 id="summary-heading" className="text-lg font-semibold text-bean-900">
          Order summary
        </h2>
        <dl className="mt-4 space-y-3 text-sm">
          <div className="flex justify-between">
            <dt className="text-bean-700">Items</dt>
            <dd className="tabular-nums">{pluralize(view.totalQuantity, "item")}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-bean-700">Shipping</dt>
            <dd>Free</dd>
          </div>
          <div className="flex justify-between border-t border-bean-200 pt-3 text-base font-semibold">
            <dt>Subtotal</dt>
            <dd className="tabular-nums" data-testid="cart-subtotal">
              {formatPrice(view.subtotalCents)}
            </dd>
          </div>
        </dl>
        {signedIn ? (
          <CheckoutForm checkoutKey={checkoutKey} />
        ) : (
          <div className="mt-6">
            <IntentLink href="/sign-in?callbackUrl=/cart" className="btn-primary w-full py-3 text-base">
              Sign in to check out
            </IntentLink>
            <p className="mt-3 text-center text-xs text-bean-600">Your cart stays with you when you sign in.</p>
          </div>
        )}
      </section>
    </div>
  );
}
