import type { TopLevelSpec } from 'vega-lite';
import type { OpKind } from '../logs.js';
import { CHART_HEIGHT, CHART_WIDTH, COORDINATION_COLOR_SCALE, DASH_LEGEND, chartFrame, clustersText } from './common.js';
import { usToMs } from './stats.js';
import type { LatencyByNPoint, ThroughputPoint } from './types.js';

/**
 * Our two charts beyond the seed's ten: throughput against closed-loop concurrency, and
 * latency against the replication factor N, each for both coordination modes.
 */

/** Throughput (ops/s) per concurrency level, one line per coordination mode. */
export function throughputVsConcurrencySpec(points: readonly ThroughputPoint[]): TopLevelSpec {
  const values = [...points].sort((a, b) => a.concurrency - b.concurrency);
  const levels = [...new Set(values.map((p) => p.concurrency))];
  return {
    ...chartFrame('Throughput vs concurrency', [
      `${clustersText(points)}.`,
      'Closed-loop clients, each with one request in flight; both coordination modes.',
    ]),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      // Concurrency levels usually double (1, 2, 4 ... 64): a log-2 axis spaces them evenly.
      x: {
        field: 'concurrency',
        type: 'quantitative',
        scale: { type: 'log', base: 2 },
        axis: { values: levels, format: 'd' },
        title: 'Concurrent clients (log scale)',
      },
      y: { field: 'throughput_ops_s', type: 'quantitative', title: 'Throughput (ops/s)', axis: { format: ',.0f' } },
      color: { field: 'coordination', type: 'nominal', scale: COORDINATION_COLOR_SCALE, title: 'Coordination' },
      order: { field: 'concurrency', type: 'quantitative' },
    },
  };
}

/**
 * p50 and p99 latency against N, GET and PUT in two panels side by side, one line per
 * coordination mode and statistic.
 */
export function latencyVsNSpec(points: readonly LatencyByNPoint[]): TopLevelSpec {
  const values: { n: number; coordination: string; op: OpKind; statistic: string; latencyMs: number }[] = [];
  for (const p of points) {
    values.push({ n: p.N, coordination: p.coordination, op: p.op, statistic: 'p50', latencyMs: usToMs(p.p50_us) });
    values.push({ n: p.N, coordination: p.coordination, op: p.op, statistic: 'p99', latencyMs: usToMs(p.p99_us) });
  }
  values.sort((a, b) => a.n - b.n);
  const ns = [...new Set(values.map((v) => v.n))];
  const clusters = [...points].sort((a, b) => a.N - b.N);
  return {
    ...chartFrame('Latency vs replication factor N', [`${clustersText(clusters)}.`, 'p50 (solid) and p99 (dashed) per coordination mode.']),
    data: { values },
    facet: { column: { field: 'op', type: 'nominal', sort: ['GET', 'PUT'], title: null, header: { labelFontSize: 13, labelFontWeight: 'bold' } } },
    spec: {
      // Two facets side by side: each panel takes half of the usual width.
      width: Math.round(CHART_WIDTH / 2) - 10,
      height: CHART_HEIGHT,
      encoding: {
        x: { field: 'n', type: 'quantitative', axis: { values: ns, format: 'd' }, title: 'Replication factor N (nodes)' },
        y: { field: 'latencyMs', type: 'quantitative', title: 'Latency (ms)' },
        color: { field: 'coordination', type: 'nominal', scale: COORDINATION_COLOR_SCALE, title: 'Coordination' },
      },
      // Separate line and point layers, so that the dash legend shows strokes (see n20SweepSpec).
      layer: [
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            strokeDash: { field: 'statistic', type: 'nominal', sort: ['p50', 'p99'], title: 'Statistic', legend: DASH_LEGEND },
            order: { field: 'n', type: 'quantitative' },
          },
        },
        { mark: { type: 'point', filled: true, size: 40 } },
      ],
    },
  };
}
