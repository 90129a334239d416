import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        resolve: { alias: { "@": root } },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias: { "@": root } },
        test: {
          name: "integration",
          include: ["tests/session/**/*.test.ts", "tests/api/**/*.test.ts", "tests/compose/**/*.test.ts", "tests/cluster/**/*.test.ts", "tests/hostile/**/*.test.ts"],
          environment: "node",
          // One real cluster is shared, and some tests kill its nodes: run files one at a time.
          fileParallelism: false,
          sequence: { concurrent: false },
          globalSetup: ["tests/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
