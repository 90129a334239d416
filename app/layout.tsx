import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { unstable_rethrow } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { getCart } from "@/lib/cart/service";
import { log } from "@/lib/log";
import { nodeName } from "@/lib/node-name";
import { getSessionNotice } from "@/lib/session";
import { CartCountProvider } from "@/components/cart/cart-count";
import { SessionExpiredBanner } from "@/components/layout/session-expired-banner";
import { SiteFooter } from "@/components/layout/site-footer";
import { SiteHeader } from "@/components/layout/site-header";
import "./globals.css";

// Every page depends on the visitor's session.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Kettle & Crema: coffee, tea & brewing gear", template: "%s · Kettle & Crema" },
  description: "Small-batch coffee, loose-leaf tea and the gear to brew them.",
};

export const viewport: Viewport = { themeColor: "#fbf8f4" };

/** The header must not take the whole page down: without a session read, show it empty. */
async function readHeaderState() {
  try {
    const [cart, user, notice] = await Promise.all([getCart(), getCurrentUser(), getSessionNotice()]);
    return { totalQuantity: cart.totalQuantity, user, notice };
  } catch (error) {
    unstable_rethrow(error);
    log().error({ err: error }, "layout: session read failed");
    return { totalQuantity: 0, user: null, notice: null };
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { totalQuantity, user, notice } = await readHeaderState();
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col">
        <a
          href="#main"
          className="sr-only rounded-md bg-bean-900 px-4 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <CartCountProvider count={totalQuantity}>
          {/* Only what the header shows: its props travel in the page's RSC payload. */}
          <SiteHeader user={user && { name: user.name, email: user.email, role: user.role }} />
          {notice === "expired" ? <SessionExpiredBanner /> : null}
          <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 pt-8 sm:px-6 sm:pt-10">
            {children}
          </main>
          <SiteFooter node={nodeName()} />
        </CartCountProvider>
      </body>
    </html>
  );
}
