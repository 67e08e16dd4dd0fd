import type { TopLevelSpec } from 'vega-lite';
import type { LatencyRecord, OpKind } from '../logs.js';
import { CHART_HEIGHT, CHART_WIDTH, OP_COLOR_SCALE, chartFrame, clusterText, fmtMs } from './common.js';
import { percentileOfSorted, sortedAscending, usToMs } from './stats.js';
import type { MeasuredCluster } from './types.js';

/**
 * The seed's four charts of the basic run (`latency.log`): GET and PUT histograms,
 * percentile bars and the CDF.
 */

const OPS: readonly OpKind[] = ['GET', 'PUT'];
const OP_NAMES: Record<OpKind, string> = { GET: 'GET (read)', PUT: 'PUT (write)' };

function latenciesMs(records: readonly LatencyRecord[], op: OpKind): number[] {
  return sortedAscending(records.filter((r) => r.op === op).map((r) => usToMs(r.latencyUs)));
}

/** The basic run's cluster for a subtitle; latency.log does not record it, summary.json does. */
function runText(cluster: MeasuredCluster | undefined): string {
  return cluster === undefined ? 'N, W, R and nodes not recorded (no summary.json)' : clusterText(cluster);
}

/** What a histogram draws of one operation: everything up to its p99. */
function drawnMs(sorted: readonly number[]): number[] {
  if (sorted.length === 0) return [];
  const p99 = percentileOfSorted(sorted, 99);
  return sorted.filter((ms) => ms <= p99);
}

/** Bins per histogram across the wider of the two drawn ranges. */
const HISTOGRAM_BINS = 40;
/** The log's resolution: 1 us. No bin is narrower. */
const MIN_BIN_MS = 0.001;

/**
 * The bin width of both histograms, GET and PUT, so that their bars compare: a round step
 * (1, 2 or 5 times a power of ten) that cuts the range both draw into about 40 bins.
 */
export function sharedHistogramBinStepMs(records: readonly LatencyRecord[]): number {
  const drawn = OPS.map((op) => drawnMs(latenciesMs(records, op))).filter((ms) => ms.length > 0);
  if (drawn.length === 0) return MIN_BIN_MS;
  // Each list is sorted: its first and last values are its extremes.
  const span = Math.max(...drawn.map((ms) => ms[ms.length - 1] ?? 0)) - Math.min(...drawn.map((ms) => ms[0] ?? 0));
  const raw = Math.max(span / HISTOGRAM_BINS, MIN_BIN_MS);
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * decade).find((candidate) => candidate >= raw * (1 - 1e-9)) ?? 10 * decade;
  // Rounded to whole nanoseconds: 0.1 * 2 is not exactly 0.2 in binary floating point.
  return Math.round(step * 1e6) / 1e6;
}

/**
 * Binned histogram of one operation's latency. The x axis stops at p99: a handful of slow
 * outliers would otherwise squeeze the whole distribution into one or two bins. The
 * subtitle says how many operations lie beyond and how far the slowest one went. The bins
 * are as wide in the GET histogram as in the PUT one (sharedHistogramBinStepMs).
 */
export function latencyHistogramSpec(records: readonly LatencyRecord[], op: OpKind, cluster?: MeasuredCluster): TopLevelSpec {
  const sorted = latenciesMs(records, op);
  const shown = drawnMs(sorted);
  const stepMs = sharedHistogramBinStepMs(records);
  let figures = `No ${op} operations in the log.`;
  if (sorted.length > 0) {
    const p99 = percentileOfSorted(sorted, 99);
    const hidden = sorted.length - shown.length;
    const max = sorted[sorted.length - 1] ?? p99;
    figures =
      `${sorted.length} operations, p50 ${fmtMs(percentileOfSorted(sorted, 50))}. ` +
      (hidden > 0 ? `${hidden} above p99 (${fmtMs(p99)}) not drawn; max ${fmtMs(max)}.` : `max ${fmtMs(max)}.`);
  }
  const color = op === 'GET' ? OP_COLOR_SCALE.range[0] : OP_COLOR_SCALE.range[1];
  return {
    ...chartFrame(`${OP_NAMES[op]} latency distribution`, [
      `${runText(cluster)}. ${figures}`,
      `Bins of ${fmtMs(stepMs)}, the same in the GET and PUT histograms.`,
    ]),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: shown.map((latencyMs) => ({ latencyMs })) },
    mark: { type: 'bar', color, binSpacing: 1 },
    encoding: {
      // Anchored at 0, so that both histograms put their bin edges at the same multiples.
      x: { field: 'latencyMs', type: 'quantitative', bin: { step: stepMs, anchor: 0 }, title: 'Latency (ms)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'Operations' },
    },
  };
}

const PERCENTILES = [
  { label: 'p50', p: 50 },
  { label: 'p95', p: 95 },
  { label: 'p99', p: 99 },
] as const;

/** Grouped bars of p50, p95 and p99 latency for GET and PUT, each bar labelled with its value. */
export function latencyPercentilesSpec(records: readonly LatencyRecord[], cluster?: MeasuredCluster): TopLevelSpec {
  const values: { percentile: string; op: OpKind; latencyMs: number }[] = [];
  const counts: string[] = [];
  for (const op of OPS) {
    const sorted = latenciesMs(records, op);
    counts.push(`${op} n=${sorted.length}`);
    if (sorted.length === 0) continue;
    for (const { label, p } of PERCENTILES) {
      values.push({ percentile: label, op, latencyMs: percentileOfSorted(sorted, p) });
    }
  }
  const encoding = {
    x: { field: 'percentile', type: 'nominal', sort: PERCENTILES.map((q) => q.label), title: 'Percentile', axis: { labelAngle: 0 } },
    xOffset: { field: 'op', type: 'nominal', sort: [...OPS] },
    y: { field: 'latencyMs', type: 'quantitative', title: 'Latency (ms)' },
  } as const;
  return {
    ...chartFrame('Latency percentiles, GET and PUT', `${runText(cluster)}. Nearest-rank percentiles; ${counts.join(', ')}.`),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: { ...encoding, color: { field: 'op', type: 'nominal', scale: OP_COLOR_SCALE, title: 'Operation' } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#333333' },
        encoding: { ...encoding, text: { field: 'latencyMs', type: 'quantitative', format: '.3f' } },
      },
    ],
  };
}

// A CDF of tens of thousands of operations does not need tens of thousands of points to
// draw; a few hundred steps per line keep the inlined spec small and the curve exact to
// well under a pixel.
const MAX_CDF_POINTS = 400;

/**
 * Empirical CDF of GET and PUT latency. The x axis is logarithmic, because the interesting
 * part of a latency CDF is the tail, an order of magnitude to the right of the median.
 */
export function latencyCdfSpec(records: readonly LatencyRecord[], cluster?: MeasuredCluster): TopLevelSpec {
  const values: { op: OpKind; latencyMs: number; fraction: number }[] = [];
  for (const op of OPS) {
    const sorted = latenciesMs(records, op);
    const step = Math.max(1, Math.ceil(sorted.length / MAX_CDF_POINTS));
    for (let i = 0; i < sorted.length; i += step) values.push(cdfPoint(op, sorted, i));
    // The last point is always drawn, so every line reaches 1.0 at the maximum.
    if (sorted.length > 0 && (sorted.length - 1) % step !== 0) values.push(cdfPoint(op, sorted, sorted.length - 1));
  }
  return {
    ...chartFrame('Cumulative distribution of latency', `${runText(cluster)}. Fraction of operations at or below each latency (log scale).`),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: { field: 'latencyMs', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'Latency (ms, log scale)' },
      y: { field: 'fraction', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '%' }, title: 'Operations at or below' },
      color: { field: 'op', type: 'nominal', scale: OP_COLOR_SCALE, title: 'Operation' },
    },
  };
}

function cdfPoint(op: OpKind, sorted: readonly number[], i: number): { op: OpKind; latencyMs: number; fraction: number } {
  // A log scale cannot place zero; a 0.000 ms reading (below the log's 1 us resolution) is
  // drawn at 1 us instead.
  const latencyMs = Math.max(sorted[i] ?? 0, 0.001);
  return { op, latencyMs, fraction: (i + 1) / sorted.length };
}
