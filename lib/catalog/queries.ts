// The catalog: 16 rows that change only when the seed runs, read on every
// cart request and page. Kept in process memory instead of queried per
// request (issue 14: a Prisma round trip per cart read and two per add).
//
// What it promises:
// - One raw-driver query (lib/db, failover-aware) loads the whole catalog per
//   process; every lookup after that is a Map lookup.
// - Fresh within CATALOG_TTL_MS: a request that finds the copy older than that
//   starts one background reload and is answered from the copy it has (stale
//   while revalidate), so a seed change reaches every node within the TTL
//   plus one request. A failed reload keeps the old copy and retries on a
//   later request; only the very first load can fail a request.
// - Nothing charged depends on it: checkout reads names and prices from the
//   database inside its own transaction (lib/orders), so a stale copy can at
//   worst show an old price or accept an add of a product withdrawn seconds
//   ago (which the cart view and checkout then drop).
import "server-only";
import { db } from "@/lib/db";
import { log } from "@/lib/log";

export interface Product {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  imagePath: string;
}

export const CATALOG_TTL_MS = 30_000;

interface Catalog {
  products: readonly Product[];
  byId: Map<number, Product>;
  bySlug: Map<string, Product>;
  loadedAt: number;
}

interface ProductRow {
  id: number;
  slug: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  image_path: string;
}

const KEY = Symbol.for("shopcluster.catalog");
type Holder = { current?: Catalog; loading?: Promise<Catalog> };
type GlobalWithCatalog = typeof globalThis & { [KEY]?: Holder };

function holder(): Holder {
  const g = globalThis as GlobalWithCatalog;
  g[KEY] ??= {};
  return g[KEY];
}

async function load(): Promise<Catalog> {
  const rows = await db().query<ProductRow[]>(
    "SELECT id, slug, name, description, category, price_cents, image_path FROM products ORDER BY id",
  );
  const products = rows.map((r) =>
    Object.freeze({
      id: r.id, slug: r.slug, name: r.name, description: r.description, category: r.category,
      priceCents: r.price_cents, imagePath: r.image_path,
    }),
  );
  return {
    products: Object.freeze(products),
    byId: new Map(products.map((p) => [p.id, p])),
    bySlug: new Map(products.map((p) => [p.slug, p])),
    loadedAt: Date.now(),
  };
}

function reload(h: Holder): Promise<Catalog> {
  h.loading ??= load()
    .then((catalog) => (h.current = catalog))
    .finally(() => (h.loading = undefined));
  return h.loading;
}

async function catalog(): Promise<Catalog> {
  const h = holder();
  const current = h.current;
  if (!current) return reload(h);
  if (Date.now() - current.loadedAt >= CATALOG_TTL_MS && !h.loading) {
    reload(h).catch((error) => log().warn({ err: error }, "catalog reload failed; serving the previous copy"));
  }
  return current;
}

export async function listProducts(): Promise<Product[]> {
  return [...(await catalog()).products];
}

export async function getProductBySlug(slug: string): Promise<Product | null> {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null;
  return (await catalog()).bySlug.get(slug) ?? null;
}

export async function getProductById(id: number): Promise<Product | null> {
  return (await catalog()).byId.get(id) ?? null;
}

export async function getProductsByIds(ids: number[]): Promise<Map<number, Product>> {
  if (ids.length === 0) return new Map();
  const { byId } = await catalog();
  const found = new Map<number, Product>();
  for (const id of ids) {
    const product = byId.get(id);
    if (product) found.set(id, product);
  }
  return found;
}
