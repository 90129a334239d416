// Finding 8 in a real browser: with the nonce CSP, the shop's pages hydrate
// and work in Chromium, and the browser reports no CSP violation. Visits the
// pages a shopper sees, adds to the cart with JavaScript, signs in.
import { chromium, type Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const baseUrl = () => inject("baseUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
});
afterAll(() => browser?.close());

describe("CSP in Chromium", () => {
  it("pages hydrate and work with no CSP violations", async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI} on ${location.pathname}`);
      });
    });
    for (const path of ["/", "/cart", "/sign-in", "/products/ethiopia-yirgacheffe"]) {
      const response = await page.goto(new URL(path, baseUrl()).toString());
      expect(response?.status(), path).toBe(200);
      expect(response?.headers()["content-security-policy"]).toContain("'strict-dynamic'");
    }
    // Hydrated: the add-to-cart form runs as a fetch action and updates the count without a reload.
    await page.getByRole("button", { name: /add to cart/i }).first().click();
    await expect.poll(async () => (await page.request.get(new URL("/api/cart", baseUrl()).toString()).then((r) => r.json())).totalQuantity, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await page.goto(new URL("/sign-in", baseUrl()).toString());
    await page.getByLabel("Email").fill("alice@example.com");
    await page.getByLabel("Password").fill("demo-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/", { timeout: 15_000 });
    await page.goto(new URL("/account", baseUrl()).toString());
    expect(page.url()).toContain("/account");
    expect(violations).toEqual([]);
    await page.close();
  });
});
