// Screenshots of the shop for the README: attached to the report and written to
// test-results/; only `npm run screenshots` (E2E_UPDATE_SCREENSHOTS=1) also
// refreshes the tracked docs/screenshots/<page>.png, so `npm test` leaves the tree clean.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, TestInfo } from "@playwright/test";
import { test, expect } from "./fixtures";
import { repoRoot } from "./support/target";

test.use({ viewport: { width: 1280, height: 800 } });

const writeToDocs = process.env.E2E_UPDATE_SCREENSHOTS === "1";
const docsDir = join(repoRoot, "docs", "screenshots");

async function capture(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
  // Images are lazy: make sure every one in view has loaded.
  await page.waitForFunction(() => [...document.images].every((image) => image.complete));
  const path = testInfo.outputPath(`${name}.png`);
  const body = await page.screenshot({ animations: "disabled", caret: "hide", path });
  await testInfo.attach(`${name}.png`, { body, contentType: "image/png" });
  if (writeToDocs) {
    mkdirSync(docsDir, { recursive: true });
    writeFileSync(join(docsDir, `${name}.png`), body);
  }
}

test("a screenshot of the home page is saved", async ({ shop }, testInfo) => {
  await shop.goto("/");
  await capture(shop.page, "home", testInfo);
});

test("a screenshot of a product page is saved", async ({ shop, catalog }, testInfo) => {
  await shop.goto(`/products/${catalog[0]!.slug}`);
  await capture(shop.page, "product", testInfo);
});

test("a screenshot of the sign-in page is saved", async ({ shop }, testInfo) => {
  await shop.goto("/sign-in");
  await capture(shop.page, "sign-in", testInfo);
});

test("a screenshot of the cart with items is saved", async ({ signedInPage, shop, catalog }, testInfo) => {
  for (const product of [catalog[0]!, catalog[5]!, catalog[10] ?? catalog[2]!]) {
    await shop.goto(`/products/${product.slug}`);
    await shop.addOnProductPage();
  }
  await shop.goto("/cart");
  await expect(shop.cartLine(catalog[0]!)).toBeVisible();
  await capture(signedInPage, "cart", testInfo);
});

test("a screenshot of the account page is saved", async ({ signedInPage, shop }, testInfo) => {
  await shop.goto("/account");
  await expect(signedInPage.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await capture(signedInPage, "account", testInfo);
});
