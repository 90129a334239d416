// Playwright: the shop in a real browser (Debian's Chromium), through nginx,
// while specs kill web and database nodes. One worker: specs share the cluster
// and break parts of it on purpose. See e2e/README.md.
import { defineConfig, devices } from "@playwright/test";
import { clusterMode, shopBaseUrl } from "./e2e/support/target";

// Debian's Chromium, not a Playwright-downloaded browser channel.
const { channel: _channel, ...desktopChrome } = devices["Desktop Chrome"] as (typeof devices)[string] & { channel?: string };

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // A killed web node may cost nginx one retry, a killed Galera node stalls writes
  // for a second or two, and restarting a node takes a while.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // Bringing the cluster up from nothing includes `next build`.
  globalTimeout: 30 * 60_000,
  // scripts/test.mjs reads the JSON report from PLAYWRIGHT_JSON_OUTPUT_NAME.
  reporter: [
    ["list"],
    ["html", { open: "never" }],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/playwright.json" }],
  ],
  metadata: { cluster: clusterMode },
  use: {
    baseURL: shopBaseUrl(),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...desktopChrome } }],
});
