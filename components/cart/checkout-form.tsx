"use client";

import Link from "next/link";
import { useActionState } from "react";
import { checkoutAction } from "@/app/cart/actions";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";

/** The key is made when the cart page renders: a retried submit of this form places one order. */
export function CheckoutForm({ checkoutKey }: { checkoutKey: string }) {
  const [state, formAction] = useActionState(checkoutAction, null);
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
                <Link href="/sign-in?callbackUrl=/cart" className="btn-link text-berry-700">
                  Sign in
                </Link>
              </>
            ) : null}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}
