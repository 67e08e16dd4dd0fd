/**
 * Latency histograms for the benchmark: a thin layer over hdr-histogram-js that fixes the unit
 * (microseconds), the precision (3 significant digits, as YCSB and HdrHistogram's own tools)
 * and the shape of the summary every report prints.
 */
import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram } from 'hdr-histogram-js';

/** Percentiles and extremes of one histogram, in microseconds rounded to 0.1. */
export interface LatencySummary {
  readonly count: number;
  readonly mean_us: number;
  readonly min_us: number;
  readonly p50_us: number;
  readonly p90_us: number;
  readonly p95_us: number;
  readonly p99_us: number;
  readonly p999_us: number;
  readonly max_us: number;
}

/**
 * A histogram of latencies in whole microseconds with 3 significant digits: every value is
 * kept within 0.1% of what was recorded.
 *
 * The histogram starts sized for 60 s and grows by itself past that (autoResize), so a stalled
 * request is recorded rather than thrown away. It is the plain JavaScript implementation
 * (Int32 counts): `destroy()` is a no-op for it and nothing leaks if a caller forgets it; it
 * only matters for the WebAssembly implementation, which this module does not use. Callers
 * may still call it, so that switching implementations later stays safe.
 */
export function createLatencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    numberOfSignificantValueDigits: 3,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    autoResize: true,
    useWebAssembly: false,
  });
}

/**
 * Records one latency. The histogram counts integers, so the value is rounded to the nearest
 * microsecond here, once, rather than truncated by the library (which would bias every
 * sample down by half a microsecond on average).
 */
export function recordLatencyUs(histogram: Histogram, latencyUs: number): void {
  if (!Number.isFinite(latencyUs) || latencyUs < 0) {
    throw new RangeError(`latency must be a finite non-negative number of microseconds, got ${latencyUs}`);
  }
  histogram.recordValue(Math.round(latencyUs));
}

/** The microseconds between two `process.hrtime.bigint()` readings. */
export function elapsedUs(startNs: bigint, endNs: bigint): number {
  return Number(endNs - startNs) / 1000;
}

/**
 * The summary every report prints. An empty histogram gives count 0 and zeros everywhere, so
 * the shape of a JSON report never changes; readers must look at `count` first.
 */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count: 0, mean_us: 0, min_us: 0, p50_us: 0, p90_us: 0, p95_us: 0, p99_us: 0, p999_us: 0, max_us: 0 };
  }
  // A percentile is reported as the top of its bucket (within 0.1%); capped at the largest
  // value recorded, so that p99.9 never reads above the max.
  const maxUs = histogram.maxValue;
  const at = (percentile: number): number => round1(Math.min(histogram.getValueAtPercentile(percentile), maxUs));
  return {
    count,
    mean_us: round1(histogram.mean),
    // Percentile 0 is "the value every sample is at least", which, unlike minNonZeroValue,
    // stays right when a sub-microsecond sample was rounded to 0.
    min_us: at(0),
    p50_us: at(50),
    p90_us: at(90),
    p95_us: at(95),
    p99_us: at(99),
    p999_us: at(99.9),
    max_us: round1(maxUs),
  };
}

/**
 * The full percentile distribution in HdrHistogram's `.hgrm` text format (the one its plotter
 * and HistogramLogAnalyzer read): a `Value Percentile TotalCount 1/(1-Percentile)` header, five
 * ticks per half-distance, and the `#[Mean ...]`, `#[Max ...]`, `#[Buckets ...]` footer.
 * Values are in microseconds (scaling ratio 1).
 */
export function toHgrm(histogram: Histogram): string {
  return histogram.outputPercentileDistribution(5, 1);
}

/**
 * How many times the baseline a latency is, as the report prints it: `2.31x`. Gives `n/a`
 * when the baseline is not a positive finite number, rather than printing Infinity or NaN.
 */
export function formatMultiple(valueUs: number, baselineUs: number): string {
  if (!Number.isFinite(baselineUs) || baselineUs <= 0 || !Number.isFinite(valueUs)) return 'n/a';
  return `${(valueUs / baselineUs).toFixed(2)}x`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
