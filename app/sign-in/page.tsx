import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getCurrentUser } from "@/lib/auth/current-user";
import { demoAccountsSeeded } from "@/lib/auth/users";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Alert } from "@/components/ui/alert";

export const metadata: Metadata = { title: "Sign in" };

const demoUsers = ["alice@example.com", "bob@example.com", "admin@example.com (operations page)"];

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string | string[]; signedOut?: string | string[] }>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, "/");
  if (await getCurrentUser()) redirect(callbackUrl);
  const showDemoAccounts = await demoAccountsSeeded();

  return (
    <div className="mx-auto grid max-w-4xl gap-8 md:grid-cols-[minmax(0,1fr)_18rem] md:items-start">
      <section className="card p-6 sm:p-8" aria-labelledby="sign-in-heading">
        {params.signedOut === "everywhere" ? (
          <Alert tone="success" role="status" title="You are signed out everywhere." className="mb-6">
            Every device and browser that was signed in to your account has been signed out.
          </Alert>
        ) : null}
        <h1 id="sign-in-heading" className="font-serif text-3xl font-semibold tracking-tight text-bean-900">
          Sign in
        </h1>
        <p className="mt-2 text-sm text-bean-700">
          Sign in to check out and see your orders. Anything already in your cart comes with you.
        </p>
        <div className="mt-6">
          <SignInForm callbackUrl={callbackUrl} />
        </div>
      </section>
      {showDemoAccounts ? (
        <aside aria-labelledby="demo-heading" className="rounded-2xl border border-dashed border-bean-300 bg-bean-50 p-6">
          <h2 id="demo-heading" className="text-base font-semibold text-bean-900">
            Demo accounts
          </h2>
          <p className="mt-1 text-sm text-bean-700">This is a demo shop. Sign in as any of these:</p>
          <ul role="list" className="mt-3 space-y-1 font-mono text-sm text-bean-900">
            {demoUsers.map((email) => (
              <li key={email}>{email}</li>
            ))}
          </ul>
          <p className="mt-3 text-sm text-bean-700">
            Password: <code className="rounded bg-white px-1.5 py-0.5 font-mono text-bean-900">demo-password</code>
          </p>
        </aside>
      ) : null}
    </div>
  );
}
