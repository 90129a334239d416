// Runs after `next build` (see package.json "build"): Next's standalone output
// contains the server but not the static assets, which `next start` would
// serve from .next/static and public/. Copy both beside server.js, replacing
// any older copies, so `node .next/standalone/server.js` serves everything.
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./ensure-deps.mjs";

const standalone = join(repoRoot, ".next", "standalone");
if (!existsSync(join(standalone, "server.js"))) {
  process.stderr.write(`copy-standalone-assets: ${standalone}/server.js is missing; is output: "standalone" set?\n`);
  process.exit(1);
}

for (const [from, to] of [
  [join(repoRoot, ".next", "static"), join(standalone, ".next", "static")],
  [join(repoRoot, "public"), join(standalone, "public")],
]) {
  rmSync(to, { recursive: true, force: true });
  if (existsSync(from)) cpSync(from, to, { recursive: true });
}
