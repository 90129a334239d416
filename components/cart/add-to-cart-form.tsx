"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { addToCartAction } from "@/app/cart/actions";
import { isRetryable, unreachableState } from "@/app/cart/schemas";
import { Alert } from "@/components/ui/alert";
import { randomKey } from "@/components/ui/random-key";
import { SubmitButton } from "@/components/ui/submit-button";
import { useProgressiveAction } from "@/components/ui/use-progressive-action";
import { useCartCount } from "./cart-count";

type AddToCartFormProps = {
  productId: number;
  productName: string;
  /** Rendered into the form for posts made before JavaScript runs; afterwards each submit makes its own. */
  idempotencyKey: string;
  /** Product page: a quantity select. Catalog cards: a compact one-click button. */
  variant: "full" | "compact";
};

const quantities = Array.from({ length: 10 }, (_, i) => i + 1);

export function AddToCartForm({ productId, productName, idempotencyKey, variant }: AddToCartFormProps) {
  const { adjustCount } = useCartCount();
  // Once hydrated: a fresh key per click, so quick repeated adds each count once and a
  // retried request does not count twice; the badge moves at once.
  const [state, formAction] = useProgressiveAction(addToCartAction, null, {
    unreachable: unreachableState,
    retryWhen: isRetryable,
    prepare: (formData) => {
      formData.set("idempotencyKey", randomKey());
      adjustCount(Number(formData.get("quantity")) || 1);
    },
  });

  const status = state ? (
    state.ok ? (
      <Alert tone="success" className={variant === "compact" ? "mt-2 px-3 py-2 text-xs" : "mt-4"}>
        {variant === "compact" ? (
          "Added to your cart."
        ) : (
          <>
            {state.message}{" "}
            <IntentLink href="/cart" className="btn-link text-leaf-800">
              View cart
            </IntentLink>
          </>
        )}
      </Alert>
    ) : (
      <Alert tone="error" className={variant === "compact" ? "mt-2 px-3 py-2 text-xs" : "mt-4"}>
        {state.message}
      </Alert>
    )
  ) : null;

  return (
    <form action={formAction} className={variant === "full" ? "mt-6" : undefined}>
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {variant === "full" ? (
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor={`quantity-${productId}`} className="block text-sm font-medium text-bean-800">
              Quantity
            </label>
            <select
              id={`quantity-${productId}`}
              name="quantity"
              defaultValue="1"
              className="field mt-1 w-24"
              aria-describedby={state && !state.ok ? `add-status-${productId}` : undefined}
            >
              {quantities.map((q) => (
                <option key={q} value={q}>
                  {q}
                </option>
              ))}
            </select>
          </div>
          <SubmitButton className="btn-primary min-w-40 py-3">Add to cart</SubmitButton>
        </div>
      ) : (
        <>
          <input type="hidden" name="quantity" value="1" />
          <SubmitButton className="btn-secondary w-full px-3" ariaLabel={`Add to cart: ${productName}`}>
            Add to cart
          </SubmitButton>
        </>
      )}
      <div id={`add-status-${productId}`} aria-live="polite">
        {status}
      </div>
    </form>
  );
}
