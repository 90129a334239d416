// Steps several specs share, written as a shopper would do them.
import { expect, type APIResponse } from "@playwright/test";
import { quantityOf, type Product, type ShopPage } from "../pages/shop-page";

/** Browse the catalog, add one product from its card and one from its page, then sign in as alice. */
export async function addTwoProductsAndSignIn(shop: ShopPage, [first, second]: Product[]): Promise<void> {
  await shop.goto("/");
  expect((await shop.addFromCatalog(first!)).ok()).toBe(true);
  await shop.expectCartCount(1);
  await shop.openProduct(second!);
  expect((await shop.addOnProductPage()).ok()).toBe(true);
  await shop.expectCartCount(2);
  await shop.signIn();
  await shop.expectCartCount(2);
}

/**
 * After a node died: page views on every remaining path still show alice signed
 * in with her cart, and one more add works. `avoid` is a web node that must not
 * serve anything (it is dead).
 */
export async function keepShopping(
  shop: ShopPage,
  { inCart, next, avoid, pageViews = 4 }: { inCart: Product[]; next: Product; avoid?: string; pageViews?: number },
): Promise<Set<string>> {
  const servers = new Set<string>();
  for (let view = 0; view < pageViews; view++) {
    await shop.goto(view % 2 === 0 ? "/" : "/cart");
    servers.add(shop.lastServedBy!);
    await shop.expectSignedIn();
    await shop.expectCartCount(inCart.length);
  }
  await shop.goto("/cart");
  for (const product of inCart) await expect(shop.cartLine(product).getByLabel("Quantity")).toHaveValue("1");

  await shop.goto(`/products/${next.slug}`);
  const added = await shop.addOnProductPage();
  expect(added.ok(), "the next add after the failure").toBe(true);
  servers.add(shop.lastServedBy!);
  await shop.expectCartCount(inCart.length + 1);
  await shop.expectNoErrorPage();

  const cart = await shop.cart();
  for (const product of [...inCart, next]) expect(quantityOf(cart, product), product.name).toBe(1);
  expect(cart.totalQuantity).toBe(inCart.length + 1);
  if (avoid) expect([...servers], `pages served after ${avoid} died`).not.toContain(avoid);
  return servers;
}

/**
 * GETs `path` with the page's cookies until `node` answers (page views also fire
 * prefetches that move nginx's round robin, so single API requests are used to
 * reach a given node); fails after `max` requests.
 */
export async function requestUntilServedBy(shop: ShopPage, path: string, node: string, max = 12): Promise<APIResponse> {
  const seen: string[] = [];
  for (let attempt = 0; attempt < max; attempt++) {
    const response = await shop.page.request.get(path);
    const servedBy = response.headers()["x-served-by"] ?? "?";
    if (servedBy === node) return response;
    seen.push(`${servedBy}:${response.status()}`);
  }
  throw new Error(`${node} answered none of ${max} requests to ${path} (${seen.join(", ")})`);
}
