// Latency statistics for the benchmark: percentiles by nearest rank over the
// raw samples (a few thousand per case, so no histogram is needed), and a
// compact summary that goes into the results JSON.

export interface LatencySummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: number[], digits = 1): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const list = Array.from(sorted);
  const sum = list.reduce((a, b) => a + b, 0);
  return {
    n: list.length,
    p50: round(percentile(list, 50), digits),
    p90: round(percentile(list, 90), digits),
    p99: round(percentile(list, 99), digits),
    max: round(list.length ? list[list.length - 1] : NaN, digits),
    mean: round(list.length ? sum / list.length : NaN, digits),
  };
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** a / b rounded to two decimals: the form every named comparison takes. */
export function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b, 2) : NaN;
}
