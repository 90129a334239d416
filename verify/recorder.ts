// Appends history events (verify/history.ts) to a JSON-lines file as they
// happen and keeps them in memory for the checker. Monotonic times come from
// performance.now() of this one process, so every client shares one clock.
import { createWriteStream, type WriteStream } from "node:fs";
import { performance } from "node:perf_hooks";
import type { HistoryEvent } from "./history";

type Timed<E> = E extends HistoryEvent ? Omit<E, "wall" | "mono"> : never;

export class Recorder {
  readonly events: HistoryEvent[] = [];
  private readonly stream: WriteStream | null;
  private nextOp = 1;

  constructor(file: string | null) {
    this.stream = file ? createWriteStream(file, { flags: "w" }) : null;
  }

  now(): { wall: number; mono: number } {
    return { wall: Date.now(), mono: Math.round(performance.now() * 1000) / 1000 };
  }

  /** How many operations were started so far. */
  get opsStarted(): number {
    return this.nextOp - 1;
  }

  newOpId(): number {
    return this.nextOp++;
  }

  record(event: Timed<HistoryEvent>): void {
    const full = { ...event, ...this.now() } as HistoryEvent;
    this.events.push(full);
    this.stream?.write(`${JSON.stringify(full)}\n`);
  }

  close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}
