"use client";

// next/link that prefetches on intent (pointer over, touch, keyboard focus)
// instead of when it scrolls into view. Every page of the shop is dynamic (the
// root layout reads the session), so a viewport prefetch is a server render per
// visible link: one catalog view in Chromium made 23 of them (7-9.5 CPU ms
// each on a web node), several times the cost of the page itself. A link the
// shopper reaches for still prefetches, as Next's "hover-triggered prefetch"
// guide does; the markup and client-side navigation are those of next/link.
import Link from "next/link";
import { useState, type ComponentProps } from "react";

type IntentLinkProps = Omit<ComponentProps<typeof Link>, "prefetch">;

export function IntentLink({ onMouseEnter, onTouchStart, onFocus, ...props }: IntentLinkProps) {
  const [intent, setIntent] = useState(false);
  return (
    <Link
      {...props}
      // null is Next's default ("auto"); false never prefetches.
      prefetch={intent ? null : false}
      onMouseEnter={(event) => {
        setIntent(true);
        onMouseEnter?.(event);
      }}
      onTouchStart={(event) => {
        setIntent(true);
        onTouchStart?.(event);
      }}
      onFocus={(event) => {
        setIntent(true);
        onFocus?.(event);
      }}
    />
  );
}
