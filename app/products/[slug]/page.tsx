import type { Metadata } from "next";
import Image from "next/image";
import { IntentLink } from "@/components/ui/intent-link";
import { notFound } from "next/navigation";
import { getProductBySlug } from "@/lib/catalog/queries";
import { AddToCartForm } from "@/components/cart/add-to-cart-form";
import { categorySlug } from "@/components/catalog/types";
import { formatPrice } from "@/components/ui/format";

type ProductPageProps = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: ProductPageProps): Promise<Metadata> {
  const product = await getProductBySlug((await params).slug);
  return product ? { title: product.name, description: product.description } : { title: "Product not found" };
}

const promises: Record<string, string[]> = {
  Coffee: ["Roasted to order, shipped within 2 days", "Whole bean; ask us to grind it in the notes"],
  Tea: ["Packed in a resealable tin", "Brewing guide on every label"],
  "Brewing gear": ["Two-year warranty", "Free returns within 30 days"],
};

export default async function ProductPage({ params }: ProductPageProps) {
  const product = await getProductBySlug((await params).slug);
  if (!product) notFound();

  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm text-bean-700">
        <ol role="list" className="flex flex-wrap items-center gap-2">
          <li>
            <IntentLink href="/" className="hover:underline">
              Shop
            </IntentLink>
          </li>
          <li aria-hidden="true">/</li>
          <li>
            <IntentLink href={`/?category=${categorySlug(product.category)}`} className="hover:underline">
              {product.category}
            </IntentLink>
          </li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="font-medium text-bean-900">
            {product.name}
          </li>
        </ol>
      </nav>

      <article className="mt-6 grid gap-8 md:grid-cols-2 md:gap-12">
        <div className="card self-start overflow-hidden">
          <Image
            src={product.imagePath}
            alt={product.name}
            width={800}
            height={600}
            priority
            className="aspect-[4/3] h-auto w-full object-cover"
          />
        </div>
        <div className="flex flex-col">
          <p className="text-sm font-semibold tracking-wide text-bean-600 uppercase">{product.category}</p>
          <h1 className="mt-1 font-serif text-3xl font-semibold tracking-tight text-bean-900 sm:text-4xl">
            {product.name}
          </h1>
          <p className="mt-4 text-2xl font-semibold tabular-nums text-bean-900">
            <span className="sr-only">Price: </span>
            {formatPrice(product.priceCents)}
          </p>
          <p className="mt-4 text-base leading-relaxed text-bean-800">{product.description}</p>

          <AddToCartForm
            productId={product.id}
            productName={product.name}
            idempotencyKey={crypto.randomUUID()}
            variant="full"
          />

          <ul role="list" className="mt-8 space-y-2 border-t border-bean-200 pt-6 text-sm text-bean-700">
            {(promises[product.category] ?? []).map((line) => (
              <li key={line} className="flex items-center gap-2">
                <svg viewBox="0 0 20 20" className="size-4 shrink-0 text-leaf-700" fill="currentColor" aria-hidden="true">
                  <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
                </svg>
                {line}
              </li>
            ))}
            <li className="flex items-center gap-2">
              <svg viewBox="0 0 20 20" className="size-4 shrink-0 text-leaf-700" fill="currentColor" aria-hidden="true">
                <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
              </svg>
              Free shipping on every order
            </li>
          </ul>
        </div>
      </article>
    </>
  );
}
