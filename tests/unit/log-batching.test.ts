// lib/log.ts writes its lines in batches (issue 14): nothing is lost when the
// process exits, also right after the last line, and a line logged on an idle
// node still reaches the file within the periodic flush (250 ms), not only
// once 4 KiB have gathered.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(process.cwd(), "test-results", "log-batching");

function script(name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `import { log } from "${join(process.cwd(), "lib", "log.ts")}";\n${body}\n`);
  return file;
}

/** Runs the script under tsx; resolves with its stdout lines as they arrived (with arrival times) and its exit code. */
function run(file: string, onLine?: (line: string) => void): Promise<{ lines: string[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: process.cwd(),
      env: { ...process.env, NODE_NAME: "log-test", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    const lines: string[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let end: number;
      while ((end = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        lines.push(line);
        onLine?.(line);
      }
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ lines, code }));
  });
}

describe("lib/log.ts batching", () => {
  it("writes every buffered line when the process exits right after logging", async () => {
    const file = script("exit", `for (let i = 0; i < 50; i++) log().info({ i }, "line"); process.exit(3);`);
    const { lines, code } = await run(file);
    expect(code).toBe(3);
    expect(lines.map((line) => JSON.parse(line).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("flushes a lone line on an idle process within the periodic flush", async () => {
    // The process logs one short line (far below 4 KiB), then stays alive 2 s: the line must arrive long before exit.
    const file = script("idle", `const started = Date.now(); log().info({ started }, "lone"); setTimeout(() => log().info("last"), 2000);`);
    let arrivedAfterMs: number | null = null;
    const { lines } = await run(file, (line) => {
      const parsed = JSON.parse(line) as { msg: string; started?: number };
      if (parsed.msg === "lone") arrivedAfterMs = Date.now() - parsed.started!;
    });
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["lone", "last"]);
    expect(arrivedAfterMs).not.toBeNull();
    expect(arrivedAfterMs!).toBeLessThan(1_500);
  });
});
