"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { checkoutAction } from "@/app/cart/actions";
import { isRetryable, type CheckoutActionState } from "@/app/cart/schemas";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { useProgressiveAction } from "@/components/ui/use-progressive-action";

const unreachable: CheckoutActionState = {
  ok: false,
  code: "unavailable",
  message: "We couldn't reach the shop to place your order. Please try again.",
};

/**
 * The key is made when the cart page renders, so this form's submits (and the hook's
 * retries after a failed request) all place the same single order.
 */
export function CheckoutForm({ checkoutKey }: { checkoutKey: string }) {
  const [state, formAction] = useProgressiveAction(checkoutAction, null, { unreachable, retryWhen: isRetryable });
  return (
    <form action={formAction} className="mt-6">
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <SubmitButton className="btn-primary w-full py-3 text-base" disableWhilePending>
        Check out
      </SubmitButton>
      <div aria-live="assertive">
        {state && !state.ok ? (
          <Alert tone="error" className="mt-3">
            {state.message}
            {state.code === "unauthenticated" ? (
              <>
                {" "}
                <IntentLink href="/sign-in?callbackUrl=/cart" className="btn-link text-berry-700">
                  Sign in
                </IntentLink>
              </>
            ) : null}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
