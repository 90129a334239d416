"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import "@/lib/zod-jitless";
import { z } from "zod";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";

const credentialsSubmitSchema = z.object({
  email: z.email("Enter your email address, like alice@example.com."),
  password: z.string().min(1, "Enter your password."),
});

type FieldErrors = Partial<Record<"email" | "password", string>>;

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const parsed = credentialsSubmitSchema.safeParse({ email: data.get("email"), password: data.get("password") });
    if (!parsed.success) {
      const flat = z.flattenError(parsed.error).fieldErrors;
      setFieldErrors({ email: flat.email?.[0], password: flat.password?.[0] });
      setError(null);
      return;
    }
    setFieldErrors({});
    setError(null);
    startTransition(async () => {
      try {
        const result = await signIn("credentials", { ...parsed.data, redirect: false });
        if (!result || result.error || !result.ok) {
          // The password field is cleared, never echoed back.
          const password = form.elements.namedItem("password") as HTMLInputElement | null;
          if (password) password.value = "";
          setError(
            result?.status === 429
              ? "Too many sign-in attempts. Please wait a few minutes and try again."
              : result?.status === 401 || result?.error === "CredentialsSignin"
                ? "That email and password don't match. Please try again."
                : "We couldn't sign you in just now. Please try again in a moment.",
          );
          password?.focus();
          return;
        }
        router.push(safeCallbackUrl(callbackUrl, "/"));
        router.refresh();
      } catch {
        setError("We couldn't reach the shop. Check your connection and try again.");
      }
    });
  }

  return (
    // method="post": should a submit ever happen before hydration, the password stays out of the URL.
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-5">
      <div aria-live="assertive">
        {error ? (
          <Alert tone="error" role="alert">
            <span id="sign-in-error">{error}</span>
          </Alert>
        ) : null}
      </div>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-bean-800">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? "email-error" : undefined}
          className="field mt-1"
        />
        {fieldErrors.email ? (
          <p id="email-error" className="mt-1 text-sm text-berry-700">
            {fieldErrors.email}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-bean-800">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? "password-error" : undefined}
          className="field mt-1"
        />
        {fieldErrors.password ? (
          <p id="password-error" className="mt-1 text-sm text-berry-700">
            {fieldErrors.password}
          </p>
        ) : null}
      </div>
      <button type="submit" className="btn-primary w-full py-3 text-base" disabled={pending}>
        {pending ? <Spinner /> : null}
        Sign in
      </button>
    </form>
  );
}
