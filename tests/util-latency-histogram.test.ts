/**
 * The latency histogram: percentiles read back within the bucket resolution of the exact
 * ones (nearest rank) of known data, and cumulative snapshots that merge and subtract.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, bucketOf, countOf, mergeCounts, percentileUs, subtractCounts } from '../src/util/latency-histogram.js';

/** A bucket spans 2^(1/16); its geometric middle is at most 2^(1/32) off every value in it. */
const RESOLUTION = 2 ** (1 / 32) - 1 + 1e-9;

/** The exact percentile by nearest rank. */
function exactPercentile(values: readonly number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

describe('latency histogram', () => {
  it('percentiles of 1..10000 µs are within the bucket resolution of the exact ones', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const counts = histogramOf(values).snapshot();
    expect(countOf(counts)).toBe(10_000);
    for (const quantile of [0.01, 0.5, 0.9, 0.99, 0.999, 1]) {
      const exact = exactPercentile(values, quantile);
      const read = percentileUs(counts, quantile) ?? Number.NaN;
      expect(Math.abs(read - exact) / exact, `p${quantile * 100}`).toBeLessThanOrEqual(RESOLUTION);
    }
  });

  it('percentiles of random latencies (1 µs to 60 s) are within the bucket resolution', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 60e6, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, quantile) => {
        const exact = exactPercentile(values, quantile);
        const read = percentileUs(histogramOf(values).snapshot(), quantile) ?? Number.NaN;
        expect(Math.abs(read - exact) / exact).toBeLessThanOrEqual(RESOLUTION);
      }),
      { numRuns: 300 },
    );
  });

  it('an empty histogram has no percentile, and its snapshot is an empty array', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.snapshot()).toEqual([]);
    expect(percentileUs(histogram.snapshot(), 0.5)).toBeNull();
    expect(countOf([])).toBe(0);
  });

  it('a second\'s requests are the difference of two cumulative snapshots', () => {
    const histogram = histogramOf([100, 200, 300]);
    const before = histogram.snapshot();
    for (const value of [5000, 5000, 100]) histogram.record(value);
    const second = subtractCounts(histogram.snapshot(), before);
    expect(countOf(second)).toBe(3);
    expect(percentileUs(second, 0.5)).toBeCloseTo(5000, -3);
    expect(percentileUs(second, 0.01)).toBeCloseTo(100, -1);
  });

  it('a difference with nothing new is empty (trailing zeros trimmed), and a source that started over counts no negative', () => {
    const snapshot = histogramOf([10, 1000]).snapshot();
    expect(subtractCounts(snapshot, snapshot)).toEqual([]);
    expect(subtractCounts(histogramOf([10]).snapshot(), snapshot)).toEqual([]);
  });

  it('merging adds bucket by bucket, whichever is longer', () => {
    const short = histogramOf([2, 3]).snapshot();
    const long = histogramOf([3, 50_000]).snapshot();
    const merged = mergeCounts(short, long);
    expect(merged).toEqual(mergeCounts(long, short));
    expect(countOf(merged)).toBe(4);
    expect(merged[bucketOf(3)]).toBe(2);
    expect(percentileUs(merged, 1)).toBeCloseTo(50_000, -4);
  });

  it('zero, negative, NaN and absurd latencies land in the end buckets instead of breaking the array', () => {
    const histogram = histogramOf([0, -5, Number.NaN, 0.5, Number.POSITIVE_INFINITY]);
    const counts = histogram.snapshot();
    expect(counts[0]).toBe(4);
    expect(countOf(counts)).toBe(5);
    expect(counts.length).toBeLessThanOrEqual(641);
  });
});
