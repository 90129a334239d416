// A product as the UI receives it from lib/catalog/queries (a type-only
// re-export, erased at build time: no server-only code reaches the client).
export type { Product } from "@/lib/catalog/queries";

export function categorySlug(category: string): string {
  return category.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
