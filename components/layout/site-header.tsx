"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { CartLink } from "@/components/cart/cart-count";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "./logo";

type SiteHeaderProps = {
  user: { name: string; email: string; role: string } | null;
};

// A client component (no state of its own) so that the RSC payload of every page
// carries the user, not the header's markup.
export function SiteHeader({ user }: SiteHeaderProps) {
  return (
    <header className="sticky top-0 z-20 border-b border-bean-200 bg-paper/95 backdrop-blur supports-[backdrop-filter]:bg-paper/80">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <IntentLink href="/" className="flex items-center gap-2.5 rounded-lg" aria-label="Kettle & Crema, home">
          <Logo className="size-9" />
          <span className="font-serif text-xl font-semibold tracking-tight text-bean-900">
            Kettle <span className="text-bean-600">&amp;</span> Crema
          </span>
        </IntentLink>
        <nav aria-label="Main" className="-ml-3 flex items-center gap-1 text-sm whitespace-nowrap sm:ml-0 sm:gap-2">
          <IntentLink href="/" className="rounded-full px-3 py-2 font-medium text-bean-800 hover:bg-bean-100">
            Shop
          </IntentLink>
          <CartLink />
          {user?.role === "admin" ? (
            <IntentLink href="/admin" className="rounded-full px-3 py-2 font-medium text-bean-800 hover:bg-bean-100">
              Operations
            </IntentLink>
          ) : null}
          {user ? (
            <>
              <IntentLink
                href="/account"
                className="max-w-48 truncate rounded-full px-3 py-2 font-medium text-bean-800 hover:bg-bean-100"
                title={user.email}
              >
                <span className="sr-only">Account: </span>
                <span className="sm:hidden">{user.name.split(" ")[0]}</span>
                <span className="hidden sm:inline">{user.name}</span>
              </IntentLink>
              <SignOutButton />
            </>
          ) : (
            <IntentLink href="/sign-in" className="rounded-full bg-bean-800 px-4 py-2 font-semibold text-white hover:bg-bean-900">
              Sign in
            </IntentLink>
          )}
        </nav>
      </div>
    </header>
  );
}
