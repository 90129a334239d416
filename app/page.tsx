import { listProducts } from "@/lib/catalog/queries";
import { CategoryNav } from "@/components/catalog/category-nav";
import { ProductCard } from "@/components/catalog/product-card";
import { categorySlug } from "@/components/catalog/types";

export default async function CatalogPage({ searchParams }: { searchParams: Promise<{ category?: string | string[] }> }) {
  const [{ category }, products] = await Promise.all([searchParams, listProducts()]);
  const categories = [...new Set(products.map((product) => product.category))];
  const requested = typeof category === "string" ? category : null;
  const active = categories.some((name) => categorySlug(name) === requested) ? requested : null;
  const shown = active ? products.filter((product) => categorySlug(product.category) === active) : products;
  const activeName = categories.find((name) => categorySlug(name) === active);

  return (
    <>
      <section className="relative overflow-hidden rounded-3xl bg-bean-800 px-6 py-10 text-white sm:px-10 sm:py-14">
        <div className="relative z-10 max-w-xl">
          <p className="text-sm font-semibold tracking-wide text-bean-200 uppercase">Roasted this week</p>
          <h1 className="mt-2 font-serif text-3xl font-semibold tracking-tight sm:text-4xl">
            Coffee, tea &amp; the gear to brew them
          </h1>
          <p className="mt-3 text-base text-bean-100">
            Single-origin beans roasted in small batches, loose-leaf teas from growers we know, and simple tools that
            make a better cup. Free shipping on every order.
          </p>
        </div>
        <svg
          viewBox="0 0 200 200"
          className="absolute -right-10 -bottom-16 hidden size-80 text-bean-700 sm:block"
          aria-hidden="true"
        >
          <ellipse cx="100" cy="100" rx="70" ry="95" transform="rotate(30 100 100)" fill="currentColor" />
          <path d="M60 40C120 80 80 130 140 165" stroke="#452e21" strokeWidth="10" fill="none" strokeLinecap="round" />
        </svg>
      </section>

      <div className="mt-10 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <h2 className="text-2xl font-semibold tracking-tight text-bean-900">{activeName ?? "All products"}</h2>
        <CategoryNav categories={categories} active={active} />
      </div>

      <ul role="list" aria-label="Products" className="mt-6 grid grid-cols-2 gap-3 sm:gap-6 lg:grid-cols-3 xl:grid-cols-4">
        {shown.map((product) => (
          <ProductCard key={product.id} product={product} idempotencyKey={crypto.randomUUID()} />
        ))}
      </ul>
    </>
  );
}
