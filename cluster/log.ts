// Progress output of cluster commands: one line per step on stderr, so that
// stdout stays clean for results (`status --json`). Library callers may pass
// their own Logger (tests pass a quiet one).
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  info: (message) => process.stderr.write(`[cluster] ${message}\n`),
  warn: (message) => process.stderr.write(`[cluster] warning: ${message}\n`),
};

export const quietLogger: Logger = { info: () => {}, warn: () => {} };

/** Runs one step, logging "label ..." before and "label: result (1.2 s)" after. */
export async function step<T>(log: Logger, label: string, run: () => Promise<T>, describe?: (value: T) => string): Promise<T> {
  const started = Date.now();
  log.info(`${label} ...`);
  const value = await run();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log.info(`${label}: ${describe ? describe(value) : "ok"} (${seconds} s)`);
  return value;
}

/** A user-facing failure: the CLI prints its message without a stack trace. */
export class ClusterError extends Error {
  override name = "ClusterError";
}
