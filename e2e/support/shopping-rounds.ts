// A shopper's round, repeated while the cluster is changed under them
// (rolling deploys of the web or the database tier): the catalog, an add
// from a card, a client-side navigation, an add on the product page, the
// cart. `Added` tracks exactly what the cart must hold.
import { expect } from "@playwright/test";
import type { Product, ShopPage } from "../pages/shop-page";

export type Added = Map<number, number>;

export const totalOf = (added: Added) => [...added.values()].reduce((sum, n) => sum + n, 0);

export async function shopOnce(shop: ShopPage, [a, b]: [Product, Product], added: Added): Promise<void> {
  await shop.goto("/");
  expect((await shop.addFromCatalog(a)).ok(), `add ${a.name}`).toBe(true);
  added.set(a.id, (added.get(a.id) ?? 0) + 1);
  await shop.expectCartCount(totalOf(added));
  await shop.openProduct(b);
  expect((await shop.addOnProductPage()).ok(), `add ${b.name}`).toBe(true);
  added.set(b.id, (added.get(b.id) ?? 0) + 1);
  await shop.expectCartCount(totalOf(added));
  await shop.goto("/cart");
  await shop.expectCartCount(totalOf(added));
}

/** Checks out from the cart page; returns the order id. The cart is empty afterwards. */
export async function checkOut(shop: ShopPage): Promise<number> {
  await shop.goto("/cart");
  await shop.page.getByRole("button", { name: "Check out" }).click();
  await expect(shop.page).toHaveURL(/\/account\?order=\d+/, { timeout: 30_000 });
  await shop.expectNoErrorPage();
  await shop.expectCartCount(0);
  return Number(new URL(shop.page.url()).searchParams.get("order"));
}

/** The order's quantities by product id, as GET /api/orders returns them. */
export async function orderQuantities(shop: ShopPage, orderId: number): Promise<Record<string, number>> {
  const response = await shop.page.request.get("/api/orders");
  expect(response.status(), "GET /api/orders").toBe(200);
  const orders = (await response.json()) as { id: number; lines: { productId: number; quantity: number }[] }[];
  const order = orders.find((candidate) => candidate.id === orderId);
  expect(order, `order ${orderId}`).toBeTruthy();
  return Object.fromEntries(order!.lines.map((line) => [String(line.productId), line.quantity]));
}

export const asRecord = (added: Added) => Object.fromEntries([...added].map(([id, n]) => [String(id), n]));
