/**
 * Percentiles computed in TypeScript, so that every chart shows the same figures the text
 * report does (Vega-Lite's quantile aggregates interpolate differently).
 */

/** Returns a sorted copy, ascending. */
export function sortedAscending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * Nearest-rank percentile of an ascending array: the smallest value with at least `p`
 * percent of the values at or below it. This is the definition HDR histograms report.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile ${p} is outside 0..100`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  const value = sorted[Math.min(rank, sorted.length) - 1];
  if (value === undefined) throw new Error('percentile rank out of range');
  return value;
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sortedAscending(values), p);
}

/** Microseconds to milliseconds, the unit every latency chart is drawn in. */
export function usToMs(us: number): number {
  return us / 1000;
}
