// The session store installs as a package: `npm pack` builds and packs it,
// the tarball installs into a scratch project (outside this repository, so
// nothing resolves through the shop's node_modules), and the shipped example
// compiles against the installed types and imports under plain Node ESM.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const packageDir = resolve(__dirname, "../../packages/session-store");
const scratch = mkdtempSync(join(tmpdir(), "session-store-pack-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });

describe("@shopcluster/session-store as a package", () => {
  it("packs, installs into a scratch project and compiles and loads the example", () => {
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", scratch], packageDir)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "dist/mariadb.js", "dist/next.js", "sql/schema.sql", "README.md", "example/example.ts"]));
    expect(files.some((f) => f.startsWith("src/") || f.startsWith("tests/"))).toBe(false);

    const project = join(scratch, "app");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, packed[0].filename), "mariadb@3.4.5", "typescript@5.9.3", "@types/node@20"], project);
    cpSync(join(packageDir, "example"), join(project, "example"), { recursive: true });
    run(join(project, "node_modules", ".bin", "tsc"), ["-p", "example/tsconfig.json"], project);
    expect(readdirSync(join(project, "example", "out"))).toContain("example.js");

    const loaded = run("node", ["--input-type=module", "-e", `
      const core = await import("@shopcluster/session-store");
      const { mariadbExecutor } = await import("@shopcluster/session-store/mariadb");
      const store = new core.SessionStore({ sql: mariadbExecutor({ getConnection: async () => { throw new Error("no db"); } }),
        secret: "x".repeat(40), schema: { safeParse: (v) => ({ success: true, data: v }) }, emptyData: () => ({}),
        idleTimeoutMs: 1000, absoluteTimeoutMs: 2000, nodeName: "scratch" });
      const id = store.issueId();
      console.log(JSON.stringify({ length: id.length, verified: store.ids.verify(id) !== null, unchanged: typeof core.UNCHANGED }));
    `], project);
    expect(JSON.parse(loaded)).toEqual({ length: 70, verified: true, unchanged: "symbol" });
  }, 300_000);
});
