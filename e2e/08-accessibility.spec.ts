import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { test, expect } from "./fixtures";
import type { ShopPage } from "./pages/shop-page";

const blocking = new Set(["serious", "critical"]);

/** Runs axe (WCAG 2.x A and AA rules) on the page; attaches the full result; fails listing serious and critical violations. */
async function expectNoSeriousViolations(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  await testInfo.attach(`axe-${name}.json`, { body: JSON.stringify(results, null, 2), contentType: "application/json" });
  const violations = results.violations
    .filter((violation) => blocking.has(violation.impact ?? ""))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
      summary: violation.nodes[0]?.failureSummary?.split("\n").slice(0, 3).join(" "),
    }));
  const minor = results.violations.filter((violation) => !blocking.has(violation.impact ?? ""));
  if (minor.length > 0) {
    testInfo.annotations.push({ type: "minor axe findings", description: minor.map((v) => `${v.id} (${v.impact})`).join(", ") });
  }
  expect(violations, `serious or critical axe violations on the ${name} page`).toEqual([]);
}

async function addToCart(shop: ShopPage, slug: string): Promise<void> {
  await shop.goto(`/products/${slug}`);
  await shop.addOnProductPage();
  await shop.expectCartCount(1);
}

test("the home page has no serious or critical accessibility violations", async ({ shop }, testInfo) => {
  await shop.goto("/");
  await expectNoSeriousViolations(shop.page, "home", testInfo);
});

test("a product page has no serious or critical accessibility violations", async ({ shop, catalog }, testInfo) => {
  await shop.goto(`/products/${catalog[0]!.slug}`);
  await expectNoSeriousViolations(shop.page, "product", testInfo);
});

test("the sign-in page has no serious or critical accessibility violations", async ({ shop }, testInfo) => {
  await shop.goto("/sign-in");
  await expectNoSeriousViolations(shop.page, "sign-in", testInfo);
});

test("the cart page with items has no serious or critical accessibility violations", async ({ signedInPage, shop, catalog }, testInfo) => {
  await addToCart(shop, catalog[1]!.slug);
  await shop.goto("/cart");
  await expect(shop.cartLine(catalog[1]!)).toBeVisible();
  await expectNoSeriousViolations(signedInPage, "cart", testInfo);
});

test("the account page has no serious or critical accessibility violations", async ({ signedInPage, shop }, testInfo) => {
  await shop.goto("/account");
  await expect(signedInPage.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expectNoSeriousViolations(signedInPage, "account", testInfo);
});
