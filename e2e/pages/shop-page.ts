// Page object for the shop: what a visitor sees and does, selected by role and
// label as the UI renders them (components/ and app/). Every navigation records
// the node that served it (X-Served-By), and every check fails on the error page.
import { expect, type APIResponse, type Page, type Response } from "@playwright/test";
import { servedBy } from "../support/cluster-control";
import { clusterMode } from "../support/target";

export type Product = { id: number; slug: string; name: string; priceCents: number; category: string };
export type CartLine = { productId: number; name: string; quantity: number; unitPriceCents: number };
export type Cart = { items: CartLine[]; totalQuantity: number; subtotalCents: number };

export const demoPassword = "demo-password";
export const alice = { email: "alice@example.com", name: "Alice Martin" };

export const items = (count: number) => `${count} ${count === 1 ? "item" : "items"}`;

/**
 * The answer to a cart form: a Server Action POST (or, before hydration, the form's
 * plain POST) that succeeded. The form retries a failed post itself, so a 502 from a
 * dying node is skipped and the retry's answer is the one that counts.
 */
function isFormPost(response: Response): boolean {
  return (
    response.request().method() === "POST" && !new URL(response.url()).pathname.startsWith("/api/") && response.status() < 500
  );
}

export class ShopPage {
  /** The node that served the last navigation or form post. */
  lastServedBy: string | null = null;

  constructor(readonly page: Page) {}

  get errorHeading() {
    return this.page.getByRole("heading", { name: "Something went wrong" });
  }
  /** The header's "Sign out" (the account page also has "Sign out everywhere"). */
  get signOutButton() {
    return this.page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out", exact: true });
  }
  get signInLink() {
    return this.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" });
  }
  get accountLink() {
    return this.page.getByRole("link", { name: /^Account: / });
  }
  get expiredBanner() {
    return this.page.getByRole("status").filter({ hasText: "Your session expired." });
  }
  cartLink(count?: number) {
    return this.page.getByRole("link", { name: count === undefined ? /^Cart, \d+ items?$/ : `Cart, ${items(count)}` });
  }

  /** Navigates, expects a hydrated page without an error, and records X-Served-By. */
  async goto(path: string): Promise<Response> {
    const response = await this.page.goto(path);
    return this.settle(response, path);
  }

  async reload(): Promise<Response> {
    return this.settle(await this.page.reload(), "reload");
  }

  private async settle(response: Response | null, what: string): Promise<Response> {
    expect(response, `navigation (${what})`).not.toBeNull();
    expect(response!.status(), `status of ${what}`).toBeLessThan(400);
    this.lastServedBy = servedBy(response);
    await this.waitForHydration();
    await this.expectNoErrorPage();
    return response!;
  }

  /**
   * Forms post through their Server Action once React has hydrated the page
   * (before that they post as plain HTML forms). React marks hydrated elements
   * with a __reactFiber$ property; wait for it on <main>.
   */
  async waitForHydration(): Promise<void> {
    const hydrated = this.page.waitForFunction(() => {
      const main = document.querySelector("main");
      return main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
    }, undefined, { timeout: clusterMode === "external" ? 5_000 : 20_000 });
    // `next dev` (E2E_BASE_URL) may never hydrate in this Chromium when its HMR
    // socket fails; the forms still work as plain posts there.
    if (clusterMode === "external") await hydrated.catch(() => undefined);
    else await hydrated;
  }

  /** Follows a product's link from the catalog to its page (a client-side navigation). */
  async openProduct(product: Pick<Product, "name" | "slug">): Promise<void> {
    await this.page.getByRole("list", { name: "Products" }).getByRole("link", { name: product.name }).click();
    await expect(this.page).toHaveURL(new RegExp(`/products/${product.slug}$`));
    await expect(this.page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  }

  /** A line of the cart page, by product name. */
  cartLine(product: Pick<Product, "name">) {
    return this.page.getByRole("list", { name: "Cart items" }).getByRole("listitem").filter({
      has: this.page.getByRole("heading", { name: product.name }),
    });
  }

  async expectNoErrorPage(): Promise<void> {
    await expect(this.errorHeading, "the error page").toHaveCount(0);
  }

  async expectCartCount(count: number): Promise<void> {
    await expect(this.cartLink(count)).toBeVisible();
  }

  async expectSignedIn(name = alice.name): Promise<void> {
    await expect(this.signOutButton).toBeVisible();
    await expect(this.accountLink).toHaveAccessibleName(`Account: ${name}`);
  }

  async expectSignedOut(): Promise<void> {
    await expect(this.signInLink).toBeVisible();
    await expect(this.signOutButton).toHaveCount(0);
  }

  /** Clicks a submit button of a cart form and returns the form post's response. */
  private async submit(click: () => Promise<void>): Promise<Response> {
    const [response] = await Promise.all([this.page.waitForResponse(isFormPost, { timeout: 60_000 }), click()]);
    this.lastServedBy = response.headers()["x-served-by"] ?? this.lastServedBy;
    return response;
  }

  /** "Add to cart" on a catalog card (its accessible name includes the product). */
  async addFromCatalog(product: Pick<Product, "name">): Promise<Response> {
    return this.submit(() => this.page.getByRole("button", { name: `Add to cart: ${product.name}` }).click());
  }

  /** "Add to cart" on a product page. */
  async addOnProductPage(): Promise<Response> {
    return this.submit(() => this.page.getByRole("button", { name: "Add to cart", exact: true }).click());
  }

  /** Signs in through the sign-in page, as a visitor would. */
  async signIn(email = alice.email, password = demoPassword, name = alice.name): Promise<void> {
    await this.goto("/sign-in");
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    await this.expectSignedIn(name);
    await expect(this.page).not.toHaveURL(/\/sign-in/);
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
    await this.expectSignedOut();
  }

  /** The cart as GET /api/cart sees it with this page's cookies. */
  /** GET /api/cart as it is answered, whatever the status (a rotated-away id gets 409 session_rotated). */
  async cartResponse(): Promise<{ status: number; body: { error?: { code: string } } }> {
    const response = await this.page.request.get("/api/cart");
    return { status: response.status(), body: await response.json() };
  }

  async cart(): Promise<Cart> {
    const response = await this.page.request.get("/api/cart");
    expect(response.status(), "GET /api/cart").toBe(200);
    return (await response.json()) as Cart;
  }

  /** GET /api/auth/session with this page's cookies: {} when signed out. */
  async authSession(): Promise<{ body: { user?: { email?: string } }; response: APIResponse }> {
    const response = await this.page.request.get("/api/auth/session");
    expect(response.status(), "GET /api/auth/session").toBe(200);
    return { body: (await response.json()) as { user?: { email?: string } }, response };
  }
}

/** Quantity of one product in a cart (0 when absent). */
export function quantityOf(cart: Cart, product: Pick<Product, "id">): number {
  return cart.items.find((line) => line.productId === product.id)?.quantity ?? 0;
}
