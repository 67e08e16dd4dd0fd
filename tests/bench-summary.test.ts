import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../bench/driver.js';
import { createLatencyHistogram } from '../bench/hdr.js';
import { formatRunReport, MULTIPLES_LEGEND } from '../bench/report.js';
import { MEMORY_SUMMARY, type StorageSummary } from '../bench/cluster-data.js';
import { buildSummary, type RunBaseline, type RunDescription } from '../bench/summary.js';

const RUN: RunDescription = {
  ops: 4, N: 3, W: 2, R: 2, nodes: 5, concurrency: 1, coordination: 'node', rateOpsPerS: undefined, keys: 10, valueBytes: 100, readRatio: 0.5, seed: 7,
};

const BASELINE: RunBaseline = {
  rtt_p50_us: 50,
  rtt_p99_us: 90,
  rtt_mean_us: 55,
  pipelined_rt_per_s: 400_000,
  floor: { p50_us: 100, p99_us: 400, p999_us: 500, mean_us: 120, throughput_ops_s: 8000, ops: 2000, messages_per_op: 6 },
};

/** Two GETs at 200 us and two PUTs at 300 us, over 1 s: 4 ops/s. */
function phase(): PhaseResult {
  const get = createLatencyHistogram();
  const put = createLatencyHistogram();
  get.recordValue(200);
  get.recordValue(200);
  put.recordValue(300);
  put.recordValue(300);
  return { records: [], get, put, hits: 2, siblingReads: 0, errors: {}, elapsedMs: 1000 };
}

describe('bench summary - the floor beside the ping-pong', () => {
  it('keeps the ping-pong fields and adds the floor, with multiples of each', () => {
    const summary = buildSummary(RUN, phase(), 0, BASELINE, MEMORY_SUMMARY);
    expect(summary.baseline).toEqual(BASELINE);
    expect(summary.baseline_multiples).toEqual({ get_p50: 4, put_p50: 6 });
    // p50 over the floor's p50, p99 over the floor's p99, throughput over the floor's.
    expect(summary.floor_multiples).toEqual({ get_p50: 2, put_p50: 3, get_p99: 0.5, put_p99: 0.75, throughput: 0.001 });
  });

  it('has no baseline and no multiples with --no-baseline', () => {
    const summary = buildSummary(RUN, phase(), 0, null, MEMORY_SUMMARY);
    expect(summary.baseline).toBeNull();
    expect(summary.baseline_multiples).toBeNull();
    expect(summary.floor_multiples).toBeNull();
    expect(summary.throughput_ops_s).toBe(4);
  });
});

describe('bench report - percentiles as multiples of the floor', () => {
  it("names the floor, keeps the ping-pong line, and says what the multiples are multiples of", () => {
    const histograms = phase();
    const report = formatRunReport(buildSummary(RUN, histograms, 0, BASELINE, MEMORY_SUMMARY), histograms, { hgrm: true });
    expect(report).toContain('floor (same threads, N/W/R, nodes, coordination, concurrency; no Dynamo logic): p50 100 us, p99 400 us, 8000 ops/s (2000 requests, 6 messages each)');
    expect(report).toContain('baseline: MessagePort round trip p50 50 us (p99 90 us), pipelined 400000 round trips/s');
    expect(report).toContain(MULTIPLES_LEGEND);
    expect(MULTIPLES_LEGEND).toBe("x = multiple of the floor's p50 (same N/W/R, nodes, coordination, concurrency)");
    // Every percentile over the floor's p50 (100 us), not over the ping-pong's (50 us).
    expect(report).toMatch(/^GET\s+2\s+200\.0us \(2\.00x\)\s+200\.0us \(2\.00x\)/m);
    expect(report).toMatch(/^PUT\s+2\s+300\.0us \(3\.00x\)/m);
    expect(report).toContain('throughput 4 ops/s = 0.001x floor over 1 s; errors 0');
    // The distributions are in the report with --hgrm.
    expect(report).toContain('GET latency distribution (us):');
  });

  it('prints plain figures with --no-baseline', () => {
    const histograms = phase();
    const report = formatRunReport(buildSummary(RUN, histograms, 0, null, MEMORY_SUMMARY), histograms, { hgrm: false });
    expect(report).toContain('floor and baseline skipped (--no-baseline): no multiples');
    expect(report).not.toContain(MULTIPLES_LEGEND);
    expect(report).not.toMatch(/\d\.\d\dx/);
    expect(report).toContain('throughput 4 ops/s over 1 s; errors 0');
  });
});

describe('bench summary and report - where the nodes kept their data', () => {
  const lmdb = (overrides: Partial<StorageSummary>): StorageSummary => ({ kind: 'lmdb', durability: 'commit', dir: '/data/cluster-x1', temporary: false, kept: false, ...overrides });

  it('records memory as such, and LMDB with its durability and directory', () => {
    expect(buildSummary(RUN, phase(), 0, null, MEMORY_SUMMARY).storage).toEqual({ kind: 'memory', durability: null, dir: null, temporary: false, kept: false });
    expect(buildSummary(RUN, phase(), 0, null, lmdb({ durability: 'flush' })).storage).toEqual(lmdb({ durability: 'flush' }));
  });

  it('says so in one line of the human report', () => {
    const histograms = phase();
    const report = (storage: StorageSummary): string => formatRunReport(buildSummary(RUN, histograms, 0, null, storage), histograms, { hgrm: false });
    expect(report(MEMORY_SUMMARY)).toContain('\nstorage: memory\n');
    expect(report(lmdb({}))).toContain('\nstorage: lmdb, durability commit, in /data/cluster-x1, removed after the run\n');
    expect(report(lmdb({ durability: 'flush', dir: '/tmp/dynamo-bench-lmdb-x1', temporary: true, kept: true }))).toContain(
      '\nstorage: lmdb, durability flush, in a new temporary directory, /tmp/dynamo-bench-lmdb-x1, kept after the run (--keep-data)\n',
    );
  });
});
