#!/usr/bin/env node
// `npm test`: everything, on a fresh Debian machine. Installs what is missing
// (Debian packages as root, npm packages), runs the linter (one test, first:
// it fails fast), brings the local cluster up (3 Galera nodes, 3 web nodes,
// nginx), runs the unit and integration tests (vitest), the browser tests
// (Playwright in Debian's Chromium) and the quick fault-injection check
// (`npm run verify -- --quick`, one test), takes the cluster down again if it
// started it, counts files the run left in `git status` (tracked files it
// rewrote, or new files not in .gitignore) as one failed test, and prints one summary line.
//
//   node scripts/test.mjs [--only lint|unit|integration|e2e|verify] [--keep-cluster]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensureDebianPackages, ensureNodeModules, repoRoot } from "../cluster/ensure-deps.mjs";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
const keepCluster = args.includes("--keep-cluster") || process.env.KEEP_CLUSTER === "1";
const want = (suite) => only === null || only === suite;
const bin = (name) => join(repoRoot, "node_modules", ".bin", name);
const reports = join(repoRoot, "test-results");
const npmCommand = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command, commandArgs, options = {}) {
  console.log(`\n$ ${[command, ...commandArgs].join(" ")}`);
  return spawnSync(command, commandArgs, { cwd: repoRoot, stdio: "inherit", ...options }).status ?? 1;
}

function clusterIsUp() {
  const result = spawnSync(bin("tsx"), ["cluster/cli.ts", "status", "--json"], { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) return false;
  try {
    const nodes = JSON.parse(result.stdout);
    return nodes.length > 0 && nodes.every((node) => node.up);
  } catch {
    return false;
  }
}

function counts(file, read) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0, missing: true };
  try {
    return read(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return { passed: 0, failed: 0, skipped: 0, missing: true };
  }
}

/**
 * `git status` as path → "XY <content hash>", or null outside a git work tree.
 * The hash tells a file the run rewrote from one that was already changed.
 */
function dirtyFiles() {
  const result = spawnSync("git", ["status", "--porcelain", "-z", "--untracked-files=all"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (result.error || result.status !== 0) return null;
  const fields = result.stdout.split("\0").filter(Boolean);
  const files = new Map();
  for (let i = 0; i < fields.length; i++) {
    const code = fields[i].slice(0, 2);
    const path = fields[i].slice(3);
    if (code[0] === "R" || code[0] === "C") i += 1; // the next field is the path it came from
    let hash = "gone";
    try {
      hash = createHash("sha1")
        .update(readFileSync(join(repoRoot, path)))
        .digest("hex");
    } catch {
      // Deleted (or not a regular file): the status code alone describes it.
    }
    files.set(path, `${code} ${hash}`);
  }
  return files;
}

const dirtyBefore = dirtyFiles();
ensureDebianPackages();
ensureNodeModules();
mkdirSync(reports, { recursive: true });

// The linter counts as one test; run before the cluster so a lint error fails in seconds.
const lintFailed = want("lint") && run(npmCommand, ["run", "--silent", "lint"]) !== 0;
const lintPassed = want("lint") && !lintFailed;
if (lintFailed) console.error("\nnpm run lint failed: see the messages above (counted as one failed test).");

const needsCluster = want("integration") || want("e2e") || want("verify");
const wasUp = needsCluster && clusterIsUp();
let clusterFailed = false;
if (needsCluster && run(bin("tsx"), ["cluster/cli.ts", "up"]) !== 0) {
  clusterFailed = true;
  console.error("\nThe cluster did not come up; see the messages above and .cluster/logs/.");
}

const totals = { passed: lintPassed ? 1 : 0, failed: (clusterFailed ? 1 : 0) + (lintFailed ? 1 : 0), skipped: 0 };
const add = (c, label) => {
  if (c.missing) {
    console.error(`${label}: no report was written; counting the run as failed.`);
    totals.failed += 1;
  }
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
};

if (!clusterFailed) {
  const projects = [want("unit") && "unit", want("unit") && "package", want("integration") && "integration"].filter(Boolean);
  if (projects.length > 0) {
    const vitestReport = join(reports, "vitest.json");
    rmSync(vitestReport, { force: true });
    const status = run(bin("vitest"), [
      "run",
      ...projects.flatMap((p) => ["--project", p]),
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${vitestReport}`,
    ]);
    const c = counts(vitestReport, (r) => ({
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + (r.numTodoTests ?? 0),
    }));
    if (status !== 0 && c.failed === 0) c.failed = 1;
    add(c, "vitest");
  }
  if (want("e2e")) {
    const playwrightReport = join(reports, "playwright.json");
    rmSync(playwrightReport, { force: true });
    const status = run(bin("playwright"), ["test"], {
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport },
    });
    const c = counts(playwrightReport, (r) => ({
      passed: r.stats.expected + (r.stats.flaky ?? 0),
      failed: r.stats.unexpected,
      skipped: r.stats.skipped,
    }));
    if (status !== 0 && c.failed === 0) c.failed = 1;
    add(c, "playwright");
    console.log(
      `Playwright report: ${join(repoRoot, "playwright-report", "index.html")} (traces of failures in test-results/)`,
    );
  }
  if (want("verify")) {
    // Faults against the running cluster, history checked; it heals the cluster before it returns.
    const status = run(bin("tsx"), ["verify/run.ts", "--quick"]);
    add({ passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0 }, "verify");
    if (status !== 0) console.error("verify --quick failed: see test-results/verify/<time>/summary.md");
  }
}

if (needsCluster && !wasUp && !keepCluster) run(bin("tsx"), ["cluster/cli.ts", "down"]);

// Tests never write tracked files: a file that `git status` shows (ignored files
// aside) and that was not dirty in the same way before the run was written by it.
// Counted as one failed test, naming the files. On a fresh clone that is any entry.
const dirtyAfter = dirtyFiles();
if (dirtyBefore && dirtyAfter) {
  const written = [...dirtyAfter]
    .filter(([path, state]) => dirtyBefore.get(path) !== state)
    .map(([path, state]) => `${state.slice(0, 2).trim()} ${path}`);
  const left = [...dirtyAfter.keys()].filter((path) => dirtyBefore.get(path) === dirtyAfter.get(path));
  if (left.length > 0)
    console.log(
      `\ngit status: ${left.length} file(s) were already changed before the run and are not counted: ${left.join(", ")}`,
    );
  if (written.length > 0) {
    console.error(
      `\ngit status: the run wrote files that git tracks or does not ignore (tests must not):\n${written.map((line) => `  ${line}`).join("\n")}`,
    );
    totals.failed += 1;
  } else {
    totals.passed += 1;
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
