// Bounded retry with full-jitter exponential backoff, for the errors that
// lib/db/errors.ts classifies as transient. Permanent errors pass through at once.
// An unknown outcome (the commit may have happened) is retried like a lost
// connection by default, because the shop's writes carry op ids (the session
// store) or idempotency keys (orders); work without them passes
// `retryUnknownOutcome: false`.
import { classifyDbError, type ErrorClass } from "./errors";

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts?: number;
  /**
   * Attempts when the error is a lost or refused connection. Each such failure
   * marks its endpoint down, so the next attempt already goes to another node;
   * more than a few only delays the answer when every node is down.
   */
  connectionAttempts?: number;
  /** Retry "unknown_outcome" errors (default true: the caller's work is idempotent). */
  retryUnknownOutcome?: boolean;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry; for logs and metrics. */
  onRetry?: (info: { attempt: number; delayMs: number; errorClass: ErrorClass; error: unknown }) => void;
  classify?: (error: unknown) => ErrorClass;
}

export const DEFAULT_RETRY = { attempts: 8, baseDelayMs: 5, maxDelayMs: 500 } as const;

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_RETRY.attempts;
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const classify = options.classify ?? classifyDbError;
  const connectionAttempts = options.connectionAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const errorClass = classify(error);
      if (errorClass === "permanent" || attempt >= attempts) throw error;
      if (errorClass === "unknown_outcome" && options.retryUnknownOutcome === false) throw error;
      if ((errorClass === "connection" || errorClass === "unknown_outcome") && attempt >= connectionAttempts) throw error;
      const delayMs = backoffDelay(attempt, base, max);
      options.onRetry?.({ attempt, delayMs, errorClass, error });
      await sleep(delayMs);
    }
  }
}

/** Full jitter: uniform in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.floor(Math.random() * (ceiling + 1));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
