"use client";

import Link from "next/link";

// Details stay in the server log (matched by digest); visitors get a plain message.
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="mx-auto max-w-lg py-12 text-center">
      <h1 className="font-serif text-3xl font-semibold tracking-tight text-bean-900">Something went wrong</h1>
      <p className="mt-3 text-bean-700">
        The shop couldn&apos;t load this page just now. Your cart is safe; please try again.
      </p>
      <div className="mt-8 flex justify-center gap-3">
        <button type="button" className="btn-primary" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className="btn-secondary">
          Back to the shop
        </Link>
      </div>
    </div>
  );
}
