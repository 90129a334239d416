#!/usr/bin/env node
// Entry point of `npm run cluster` and `npm run bench`: zero npm dependencies,
// so it runs on a fresh checkout. It makes sure the machine has what the
// cluster needs (Debian packages, node_modules), then hands over to the
// TypeScript CLI through tsx and exits with its code.
//
//   node cluster/run.mjs [up|status|kill|stop|start|logs|down|reset] [options]
//   node cluster/run.mjs --script <file.ts> [args]   (run any script after the checks)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { ensureDebianPackages, ensureNodeModules, repoRoot } from "./ensure-deps.mjs";

const argv = process.argv.slice(2);
let target = join(repoRoot, "cluster", "cli.ts");
let args = argv.length > 0 ? argv : ["up"];
if (argv[0] === "--script") {
  if (!argv[1]) {
    process.stderr.write("usage: node cluster/run.mjs --script <file.ts> [args]\n");
    process.exit(2);
  }
  target = join(repoRoot, argv[1]);
  args = argv.slice(2);
}

try {
  ensureDebianPackages();
  ensureNodeModules();
} catch (error) {
  process.stderr.write(`[deps] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
if (!existsSync(tsx)) {
  process.stderr.write(`[deps] ${tsx} is missing after npm install; is tsx in devDependencies?\n`);
  process.exit(1);
}

const child = spawn(tsx, [target, ...args], { cwd: repoRoot, stdio: "inherit" });
// Ctrl-C reaches the child directly (same process group): just wait for it.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 1)));
