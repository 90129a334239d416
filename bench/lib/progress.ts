// Progress lines on stderr ("[bench 1:23] store: round 10/40"), so a long run
// shows where it is; stdout stays free for the final summary.
const started = Date.now();

export function progress(message: string): void {
  const s = Math.floor((Date.now() - started) / 1000);
  const stamp = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  process.stderr.write(`[bench ${stamp}] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
