// compose/generate-env.mjs writes the .env that docker-compose.cluster.yml
// needs. Always run here against a temporary path, never the real .env.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeSecrets, repoRoot } from "./compose-helpers";

const script = join(repoRoot, "compose/generate-env.mjs");
const generate = (file: string) => spawnSync(process.execPath, [script, "--file", file], { encoding: "utf8" });
const parseEnv = (text: string) =>
  Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

describe("compose/generate-env.mjs", () => {
  it("writes every secret the compose file interpolates, private to the owner", () => {
    const file = join(mkdtempSync(join(tmpdir(), "generate-env-")), ".env");
    const result = generate(file);
    expect(result.status).toBe(0);
    const env = parseEnv(readFileSync(file, "utf8"));
    for (const name of Object.keys(fakeSecrets)) expect(env[name], name).toMatch(/^\S{32,}$/);
    expect(Buffer.from(env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY, "base64")).toHaveLength(32);
    expect(Buffer.from(env.NEXTAUTH_SECRET, "base64")).toHaveLength(32);
    // Database passwords go into mariadb:// URLs unescaped.
    expect(env.SHOP_DB_PASSWORD).toMatch(/^[0-9a-f]+$/);
    expect(env.MYSQL_ROOT_PASSWORD).toMatch(/^[0-9a-f]+$/);
    expect(env.COMPOSE_PROJECT_NAME).toBe("shopcluster");
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("generates different secrets on every run", () => {
    const dir = mkdtempSync(join(tmpdir(), "generate-env-"));
    generate(join(dir, "a"));
    generate(join(dir, "b"));
    const [a, b] = ["a", "b"].map((name) => parseEnv(readFileSync(join(dir, name), "utf8")));
    for (const name of Object.keys(fakeSecrets)) expect(a[name]).not.toBe(b[name]);
  });

  it("refuses to overwrite an existing file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "generate-env-")), ".env");
    writeFileSync(file, "KEEP=me\n");
    const result = generate(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("already exists");
    expect(readFileSync(file, "utf8")).toBe("KEEP=me\n");
  });
});
