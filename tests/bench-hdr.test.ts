import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, elapsedUs, formatMultiple, recordLatencyUs, summarize, toHgrm } from '../bench/hdr.js';

/** Within 0.1% (3 significant digits), the histogram's promised precision. */
function expectWithinPrecision(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 1e-9);
}

describe('hdr - summary', () => {
  it('summarizes 1..1000 us with exact counts and percentiles within 0.1%', () => {
    const histogram = createLatencyHistogram();
    for (let us = 1; us <= 1000; us++) recordLatencyUs(histogram, us);
    const summary = summarize(histogram);
    expect(summary.count).toBe(1000);
    expect(summary.min_us).toBe(1);
    expect(summary.max_us).toBe(1000);
    expectWithinPrecision(summary.mean_us, 500.5);
    expectWithinPrecision(summary.p50_us, 500);
    expectWithinPrecision(summary.p90_us, 900);
    expectWithinPrecision(summary.p95_us, 950);
    expectWithinPrecision(summary.p99_us, 990);
    expectWithinPrecision(summary.p999_us, 999);
    histogram.destroy();
  });

  it('never reports a percentile above the largest value recorded', () => {
    // 5229 falls in a bucket whose top is 5231: the percentile must not read above the max.
    const histogram = createLatencyHistogram();
    for (let i = 0; i < 999; i++) recordLatencyUs(histogram, 300);
    recordLatencyUs(histogram, 5229);
    const summary = summarize(histogram);
    expect(summary.max_us).toBe(5229);
    expect(summary.p999_us).toBeLessThanOrEqual(summary.max_us);
    expect(summary.p99_us).toBeLessThanOrEqual(summary.max_us);
  });

  it('keeps 3 significant digits for large values', () => {
    const histogram = createLatencyHistogram();
    for (let i = 1; i <= 1000; i++) recordLatencyUs(histogram, i * 10_000);
    const summary = summarize(histogram);
    expectWithinPrecision(summary.p50_us, 5_000_000);
    expectWithinPrecision(summary.p99_us, 9_900_000);
    expectWithinPrecision(summary.max_us, 10_000_000);
  });

  it('records a stall beyond the initial 60 s range instead of throwing', () => {
    const histogram = createLatencyHistogram();
    recordLatencyUs(histogram, 120_000_000);
    expectWithinPrecision(summarize(histogram).max_us, 120_000_000);
  });

  it('rounds sub-microsecond parts to the nearest microsecond and values to 0.1', () => {
    const histogram = createLatencyHistogram();
    recordLatencyUs(histogram, 10.6);
    recordLatencyUs(histogram, 10.4);
    recordLatencyUs(histogram, 0.2);
    const summary = summarize(histogram);
    expect(summary.min_us).toBe(0);
    expect(summary.max_us).toBe(11);
    expect(summary.mean_us).toBe(7);
  });

  it('gives zeros and count 0 for an empty histogram', () => {
    expect(summarize(createLatencyHistogram())).toEqual({
      count: 0, mean_us: 0, min_us: 0, p50_us: 0, p90_us: 0, p95_us: 0, p99_us: 0, p999_us: 0, max_us: 0,
    });
  });

  it('refuses negative and non-finite latencies', () => {
    const histogram = createLatencyHistogram();
    expect(() => recordLatencyUs(histogram, -1)).toThrow(RangeError);
    expect(() => recordLatencyUs(histogram, Number.NaN)).toThrow(RangeError);
  });

  it('converts hrtime nanoseconds to microseconds', () => {
    expect(elapsedUs(1_000n, 53_500n)).toBe(52.5);
  });
});

describe('hdr - hgrm text', () => {
  it('prints the standard header, percentile rows and footer', () => {
    const histogram = createLatencyHistogram();
    for (let us = 1; us <= 1000; us++) recordLatencyUs(histogram, us);
    const text = toHgrm(histogram);
    const lines = text.split('\n');
    expect(lines[0]?.trim().split(/\s+/)).toEqual(['Value', 'Percentile', 'TotalCount', '1/(1-Percentile)']);
    expect(text).toMatch(/^\s+500\.000 0\.500000000000\s+500\s+2\.00$/m);
    expect(text).toMatch(/^#\[Mean\s+=\s+500\.500, StdDeviation\s+=/m);
    expect(text).toMatch(/^#\[Max\s+=\s+1000\.000, Total count\s+=\s+1000\]$/m);
    expect(text).toContain('#[Buckets');
  });
});

describe('hdr - multiples of the baseline', () => {
  it('formats a ratio with two decimals and an x', () => {
    expect(formatMultiple(231, 100)).toBe('2.31x');
    expect(formatMultiple(50, 100)).toBe('0.50x');
  });

  it('says n/a rather than Infinity or NaN', () => {
    expect(formatMultiple(10, 0)).toBe('n/a');
    expect(formatMultiple(10, Number.NaN)).toBe('n/a');
    expect(formatMultiple(Number.POSITIVE_INFINITY, 10)).toBe('n/a');
  });
});
