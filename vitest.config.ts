import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const pkg = (file: string) => fileURLToPath(new URL(`./packages/session-store/src/${file}`, import.meta.url));
// The session-store package resolves to its sources (as tsconfig.json's paths say), not its build.
const alias = [
  { find: /^@shopcluster\/session-store$/, replacement: pkg("index.ts") },
  { find: /^@shopcluster\/session-store\/mariadb$/, replacement: pkg("mariadb.ts") },
  { find: /^@shopcluster\/session-store\/next$/, replacement: pkg("next.ts") },
  { find: /^@\//, replacement: `${root}/` },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "packages/session-store/tests/**/*.unit.test.ts"],
          environment: "node",
        },
      },
      {
        // The session store packed and installed like a user would (no database needed).
        test: { name: "package", include: ["tests/package/**/*.test.ts"], environment: "node", testTimeout: 300_000 },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: [
            "packages/session-store/tests/store.test.ts",
            "tests/session/**/*.test.ts", "tests/api/**/*.test.ts", "tests/compose/**/*.test.ts", "tests/cluster/**/*.test.ts"],
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
