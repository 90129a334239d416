"use client";

import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";
import { Spinner } from "./spinner";

type SubmitButtonProps = {
  children: ReactNode;
  className?: string;
  /** Disable while the form is submitting (checkout); cart buttons stay clickable and queue. */
  disableWhilePending?: boolean;
  /** Only to add context to the visible text, which must stay its prefix (label in name). */
  ariaLabel?: string;
};

/** A submit button whose accessible name never changes; pending shows as a spinner. */
export function SubmitButton({
  children,
  className = "btn-primary",
  disableWhilePending = false,
  ariaLabel,
}: SubmitButtonProps) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      className={className}
      aria-label={ariaLabel}
      aria-disabled={disableWhilePending && pending ? true : undefined}
      disabled={disableWhilePending && pending}
    >
      {pending ? <Spinner /> : null}
      {children}
    </button>
  );
}
