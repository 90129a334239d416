"use client";

import Image from "next/image";
import { IntentLink } from "@/components/ui/intent-link";
import { AddToCartForm } from "@/components/cart/add-to-cart-form";
import { formatPrice } from "@/components/ui/format";
import type { Product } from "./types";

// The whole card is clickable through the name link's stretched ::after; the
// add-to-cart form sits above it. A client component although it has no state,
// so that the catalog page's RSC payload carries each card's product (~0.4 kB)
// rather than its element tree (~1.6 kB), which the server would serialize,
// parse back and inline into the HTML again for each of the 16 cards.
export function ProductCard({ product, idempotencyKey }: { product: Product; idempotencyKey: string }) {
  return (
    <li className="group card relative flex flex-col overflow-hidden transition-shadow focus-within:shadow-md hover:shadow-md">
      <div className="aspect-[4/3] overflow-hidden bg-bean-50">
        <Image
          src={product.imagePath}
          alt=""
          width={400}
          height={300}
          className="h-full w-full object-cover transition-transform duration-300 group-hover:scale-[1.03]"
        />
      </div>
      <div className="flex flex-1 flex-col gap-1 px-3 pt-3 sm:px-4 sm:pt-4">
        <p className="text-[0.7rem] font-semibold tracking-wide text-bean-600 uppercase sm:text-xs">{product.category}</p>
        <h2 className="text-sm font-semibold text-bean-900 sm:text-base">
          <IntentLink
            href={`/products/${product.slug}`}
            className="rounded-sm group-hover:underline after:absolute after:inset-0 after:rounded-2xl after:content-['']"
          >
            {product.name}
          </IntentLink>
        </h2>
        <p className="hidden text-sm text-bean-700 sm:line-clamp-2">{product.description}</p>
      </div>
      <div className="relative z-10 flex flex-col gap-2 px-3 pt-2 pb-3 sm:gap-3 sm:px-4 sm:pt-3 sm:pb-4">
        <p className="text-base font-semibold tabular-nums text-bean-900 sm:text-lg">
          <span className="sr-only">Price: </span>
          {formatPrice(product.priceCents)}
        </p>
        <AddToCartForm
          productId={product.id}
          productName={product.name}
          idempotencyKey={idempotencyKey}
          variant="compact"
        />
      </div>
    </li>
  );
}
