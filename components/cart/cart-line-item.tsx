"use client";

import Image from "next/image";
import { IntentLink } from "@/components/ui/intent-link";
import { removeCartLineAction, updateCartLineAction } from "@/app/cart/actions";
import { isRetryable, unreachableState } from "@/app/cart/schemas";
import { formatPrice } from "@/components/ui/format";
import { SubmitButton } from "@/components/ui/submit-button";
import { useProgressiveAction } from "@/components/ui/use-progressive-action";
import { useCartCount } from "./cart-count";
import type { CartChange, CartLine } from "./types";

type CartLineItemProps = {
  line: CartLine;
  /** Optimistically apply a change to the whole cart view (call inside a transition). */
  onChange: (change: CartChange) => void;
};

export function CartLineItem({ line, onChange }: CartLineItemProps) {
  const { adjustCount } = useCartCount();

  const optimistic = (quantity: number) => {
    adjustCount(quantity - line.quantity);
    onChange({ productId: line.productId, quantity });
  };

  // Setting a quantity and removing a line are idempotent, so they are safe to retry.
  const [updateState, updateAction] = useProgressiveAction(updateCartLineAction, null, {
    unreachable: unreachableState,
    retryWhen: isRetryable,
    prepare: (formData) => {
      const quantity = Number(formData.get("quantity"));
      if (Number.isInteger(quantity) && quantity >= 0 && quantity <= 99) optimistic(quantity);
    },
  });
  const [removeState, removeAction] = useProgressiveAction(removeCartLineAction, null, {
    unreachable: unreachableState,
    retryWhen: isRetryable,
    prepare: () => optimistic(0),
  });

  const error = [updateState, removeState].find((state) => state && !state.ok);
  const quantityId = `quantity-${line.productId}`;
  const errorId = `line-error-${line.productId}`;

  return (
    <li className="flex gap-4 py-5 sm:gap-6">
      <IntentLink
        href={`/products/${line.slug}`}
        className="shrink-0 self-start overflow-hidden rounded-xl border border-bean-200 bg-bean-50"
        tabIndex={-1}
        aria-hidden="true"
      >
        <Image src={line.imagePath} alt="" width={128} height={96} className="block h-18 w-24 object-cover sm:h-24 sm:w-32" />
      </IntentLink>
      <div className="flex min-w-0 flex-1 flex-col gap-3">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <h3 className="text-base font-semibold text-bean-900">
            <IntentLink href={`/products/${line.slug}`} className="hover:underline">
              {line.name}
            </IntentLink>
          </h3>
          <p className="text-base font-semibold tabular-nums text-bean-900">
            <span className="sr-only">Line total: </span>
            {formatPrice(line.lineTotalCents)}
          </p>
        </div>
        <p className="-mt-2 text-sm text-bean-600">
          {formatPrice(line.unitPriceCents)} <span className="sr-only">per item</span>
          <span aria-hidden="true">each</span>
        </p>
        <div className="flex flex-wrap items-end gap-x-3 gap-y-2">
          <form action={updateAction} className="flex items-end gap-2">
            <input type="hidden" name="productId" value={line.productId} />
            <div>
              <label htmlFor={quantityId} className="block text-xs font-medium text-bean-700">
                Quantity
              </label>
              <input
                key={line.quantity}
                id={quantityId}
                name="quantity"
                type="number"
                inputMode="numeric"
                min={0}
                max={99}
                required
                defaultValue={line.quantity}
                aria-describedby={error ? errorId : undefined}
                className="field mt-1 w-20 py-1.5 tabular-nums"
              />
            </div>
            <SubmitButton className="btn-secondary px-4 py-2">Update</SubmitButton>
          </form>
          <form action={removeAction}>
            <input type="hidden" name="productId" value={line.productId} />
            <SubmitButton className="btn px-3 py-2 text-bean-700 underline decoration-bean-300 underline-offset-4 hover:decoration-bean-700">
              Remove
            </SubmitButton>
          </form>
        </div>
        <div aria-live="polite">
          {error && !error.ok ? (
            <p id={errorId} className="text-sm font-medium text-berry-700">
              {error.message}
            </p>
          ) : null}
        </div>
      </div>
    </li>
  );
}
