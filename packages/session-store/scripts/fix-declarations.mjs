// After tsc: declaration files keep the sources' ".ts" import specifiers;
// point them at the emitted ".js" so any consumer's TypeScript resolves them.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
for (const file of readdirSync(dist).filter((name) => name.endsWith(".d.ts"))) {
  const path = join(dist, file);
  writeFileSync(path, readFileSync(path, "utf8").replace(/(["']\.\/[\w-]+)\.ts(["'])/g, "$1.js$2"));
}
