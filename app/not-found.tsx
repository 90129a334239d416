import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg py-12 text-center">
      <p className="font-mono text-sm font-semibold text-bean-600">404</p>
      <h1 className="mt-2 font-serif text-3xl font-semibold tracking-tight text-bean-900">Page not found</h1>
      <p className="mt-3 text-bean-700">We couldn&apos;t find that page. It may have moved, or the product is no longer sold.</p>
      <Link href="/" className="btn-primary mt-8">
        Back to the shop
      </Link>
    </div>
  );
}
