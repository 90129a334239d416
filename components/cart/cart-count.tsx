"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { createContext, useContext, useOptimistic, type ReactNode } from "react";
import { pluralize } from "@/components/ui/format";

type CartCountContextValue = {
  count: number;
  /** Call inside a form action (a transition): the badge moves now, the server's count settles it. */
  adjustCount: (delta: number) => void;
};

const CartCountContext = createContext<CartCountContextValue>({ count: 0, adjustCount: () => {} });

export function CartCountProvider({ count, children }: { count: number; children: ReactNode }) {
  const [optimisticCount, adjustCount] = useOptimistic(count, (current: number, delta: number) =>
    Math.max(0, current + delta),
  );
  return (
    <CartCountContext.Provider value={{ count: optimisticCount, adjustCount }}>{children}</CartCountContext.Provider>
  );
}

export function useCartCount() {
  return useContext(CartCountContext);
}

export function CartLink() {
  const { count } = useCartCount();
  return (
    <IntentLink
      href="/cart"
      aria-label={`Cart, ${pluralize(count, "item")}`}
      className="relative inline-flex items-center gap-2 rounded-full px-3 py-2 text-sm font-medium text-bean-800 hover:bg-bean-100"
    >
      <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
        <path d="M3 4h2l2.2 10.2a2 2 0 0 0 2 1.6h7.6a2 2 0 0 0 2-1.5L20.5 8H6.2" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="10" cy="20" r="1.4" />
        <circle cx="17" cy="20" r="1.4" />
      </svg>
      <span>Cart</span>
      <span
        aria-hidden="true"
        className={`inline-flex min-w-6 items-center justify-center rounded-full px-1.5 py-0.5 text-xs font-bold tabular-nums ${
          count > 0 ? "bg-bean-800 text-white" : "bg-bean-100 text-bean-700"
        }`}
      >
        {count}
      </span>
    </IntentLink>
  );
}
