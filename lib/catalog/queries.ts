// Catalog reads through Prisma (with endpoint failover from lib/db).
import "server-only";
import { withPrisma } from "@/lib/db";

export interface Product {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  imagePath: string;
}

const productSelect = {
  id: true, slug: true, name: true, description: true, category: true, priceCents: true, imagePath: true,
} as const;

export async function listProducts(): Promise<Product[]> {
  return withPrisma((prisma) => prisma.product.findMany({ select: productSelect, orderBy: { id: "asc" } }));
}

export async function getProductBySlug(slug: string): Promise<Product | null> {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null;
  return withPrisma((prisma) => prisma.product.findUnique({ where: { slug }, select: productSelect }));
}

export async function getProductById(id: number): Promise<Product | null> {
  return withPrisma((prisma) => prisma.product.findUnique({ where: { id }, select: productSelect }));
}

export async function getProductsByIds(ids: number[]): Promise<Map<number, Product>> {
  if (ids.length === 0) return new Map();
  const rows = await withPrisma((prisma) =>
    prisma.product.findMany({ where: { id: { in: ids } }, select: productSelect }),
  );
  return new Map(rows.map((p) => [p.id, p]));
}
