import type { TopLevelSpec } from 'vega-lite';
import { configLabel, configNodes } from '../logs.js';
import type { ConfigLatencyRecord, OpKind } from '../logs.js';
import { CHART_HEIGHT, CHART_WIDTH, DASH_LEGEND, OP_COLOR_SCALE, chartFrame } from './common.js';
import { percentileOfSorted, sortedAscending, usToMs } from './stats.js';

/**
 * The seed's per-configuration charts (`latency_configs.log`): box plots per (N,W,R) for
 * GET and PUT, and the median and p99 of each configuration side by side.
 */

const OPS: readonly OpKind[] = ['GET', 'PUT'];

function labelOf(rec: ConfigLatencyRecord): string {
  return configLabel(rec.n, rec.w, rec.r);
}

/**
 * Configuration labels sorted by N, then W, then R, as numbers (as strings, N10 would come
 * before N3 and R10 before R5), whatever order the log lists them in. For N=3, 5 and 10 this
 * is the seed's order; at N=20 W rises left to right (1, 5, 10, 15, 20) and the sweep of R
 * sits at W=10, where R rises (1, 5, 10, 15, 20).
 */
export function configOrder(records: readonly ConfigLatencyRecord[]): string[] {
  const configs = new Map<string, ConfigLatencyRecord>();
  for (const rec of records) if (!configs.has(labelOf(rec))) configs.set(labelOf(rec), rec);
  return [...configs.values()].sort((a, b) => a.n - b.n || a.w - b.w || a.r - b.r).map(labelOf);
}

/**
 * What every per-configuration chart says of its clusters: the log gives N, W and R, and the
 * node count is the suite's rule (configNodes), which the log does not record.
 */
const CONFIG_CLUSTERS = 'Each configuration (N_W_R) ran on its own cluster of max(N, 5) nodes.';

const CONFIG_AXIS = { labelAngle: -45, labelFontSize: 10 } as const;

/**
 * Box plot of one operation's latency per configuration: box from p25 to p75, whiskers to
 * 1.5 IQR, outliers as points (Vega-Lite's own boxplot, which computes its quartiles).
 */
export function configBoxplotSpec(records: readonly ConfigLatencyRecord[], op: OpKind): TopLevelSpec {
  const order = configOrder(records);
  const values = records.filter((r) => r.op === op).map((r) => ({ config: labelOf(r), latencyMs: usToMs(r.latencyUs) }));
  const color = op === 'GET' ? OP_COLOR_SCALE.range[0] : OP_COLOR_SCALE.range[1];
  return {
    ...chartFrame(
      `${op} latency per (N, W, R) configuration`,
      [CONFIG_CLUSTERS, `${values.length} ${op} operations over ${order.length} configurations; box p25-p75, whiskers at 1.5 IQR, outliers as points.`],
    ),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    mark: { type: 'boxplot', extent: 1.5, color, size: 14 },
    encoding: {
      x: { field: 'config', type: 'nominal', sort: order, title: 'Configuration (N_W_R)', axis: CONFIG_AXIS },
      // Log scale: one slow outlier on a linear axis flattens all 24 boxes against zero.
      y: { field: 'latencyMs', type: 'quantitative', scale: { type: 'log' }, title: 'Latency (ms, log scale)' },
    },
  };
}

/** One percentile of GET and PUT latency per configuration. */
interface ConfigStatRow {
  config: string;
  op: OpKind;
  latencyMs: number;
}

function configStatRows(records: readonly ConfigLatencyRecord[], p: number): ConfigStatRow[] {
  const byKey = new Map<string, number[]>();
  for (const rec of records) {
    const key = `${labelOf(rec)} ${rec.op}`;
    const list = byKey.get(key) ?? [];
    list.push(usToMs(rec.latencyUs));
    byKey.set(key, list);
  }
  const rows: ConfigStatRow[] = [];
  for (const config of configOrder(records)) {
    for (const op of OPS) {
      const list = byKey.get(`${config} ${op}`);
      if (list === undefined) continue;
      rows.push({ config, op, latencyMs: percentileOfSorted(sortedAscending(list), p) });
    }
  }
  return rows;
}

/**
 * Grouped bars of one percentile (50 for the median, 99 for p99) of GET and PUT latency
 * per configuration. The p99 axis is logarithmic: a p99 is a run's few slowest requests,
 * and one configuration's stall flattens every other bar against zero on a linear axis.
 */
export function configPercentileSpec(records: readonly ConfigLatencyRecord[], p: 50 | 99): TopLevelSpec {
  const order = configOrder(records);
  const name = p === 50 ? 'Median' : 'p99';
  const log = p === 99;
  return {
    ...chartFrame(`${name} latency per (N, W, R) configuration`, [
      CONFIG_CLUSTERS,
      `Nearest-rank ${p === 50 ? 'median' : '99th percentile'} of each configuration's GETs and PUTs${log ? ' (log scale)' : ''}.`,
    ]),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values: configStatRows(records, p) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'config', type: 'nominal', sort: order, title: 'Configuration (N_W_R)', axis: CONFIG_AXIS },
      xOffset: { field: 'op', type: 'nominal', sort: [...OPS] },
      y: log
        ? // Not stacked: a stacked bar starts at zero, which a log scale cannot place, and
          // Vega would then draw no bar at all. Unstacked bars start at the bottom of the axis.
          { field: 'latencyMs', type: 'quantitative', scale: { type: 'log' }, stack: null, title: `${name} latency (ms, log scale)` }
        : { field: 'latencyMs', type: 'quantitative', title: `${name} latency (ms)` },
      color: { field: 'op', type: 'nominal', scale: OP_COLOR_SCALE, title: 'Operation' },
    },
  };
}

/** Which quorum size an N=20 sweep varies; the other one is held at 10. */
export type N20Sweep = 'R' | 'W';

/** The quorum sizes the seed swept at N=20. */
export const N20_SWEEP_VALUES: readonly number[] = [1, 5, 10, 15, 20];

/** The records of one N=20 sweep: N=20 with the other quorum at 10 and the varied one in the sweep. */
export function n20SweepRecords(records: readonly ConfigLatencyRecord[], sweep: N20Sweep): ConfigLatencyRecord[] {
  return records.filter((rec) => {
    if (rec.n !== 20) return false;
    const [varied, fixed] = sweep === 'R' ? [rec.r, rec.w] : [rec.w, rec.r];
    return fixed === 10 && N20_SWEEP_VALUES.includes(varied);
  });
}

/**
 * Median and p99 latency of GET and PUT at N=20 as R (W fixed at 10) or W (R fixed at 10)
 * goes from 1 to 20: the seed's picture of how quorum size costs latency. The latency axis
 * is logarithmic: one stalled p99 would otherwise squash every median into a flat line.
 */
export function n20SweepSpec(records: readonly ConfigLatencyRecord[], sweep: N20Sweep): TopLevelSpec {
  const fixed = sweep === 'R' ? 'W' : 'R';
  const groups = new Map<string, { x: number; op: OpKind; ms: number[] }>();
  for (const rec of n20SweepRecords(records, sweep)) {
    const x = sweep === 'R' ? rec.r : rec.w;
    const key = `${x} ${rec.op}`;
    const group = groups.get(key) ?? { x, op: rec.op, ms: [] };
    group.ms.push(usToMs(rec.latencyUs));
    groups.set(key, group);
  }
  const values: { x: number; op: OpKind; statistic: string; latencyMs: number }[] = [];
  for (const { x, op, ms } of groups.values()) {
    const sorted = sortedAscending(ms);
    values.push({ x, op, statistic: 'median', latencyMs: percentileOfSorted(sorted, 50) });
    values.push({ x, op, statistic: 'p99', latencyMs: percentileOfSorted(sorted, 99) });
  }
  values.sort((a, b) => a.x - b.x);
  return {
    ...chartFrame(`N=20, ${fixed}=10: latency as ${sweep} grows`, [
      `N=20 ${fixed}=10 on ${configNodes(20)} nodes; ${sweep} in ${N20_SWEEP_VALUES.join(', ')}.`,
      'Median (solid) and p99 (dashed) of GET and PUT (log scale).',
    ]),
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    data: { values },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        scale: { domain: [0, 21] },
        axis: { values: [...N20_SWEEP_VALUES] },
        title: sweep === 'R' ? 'Read quorum R (nodes)' : 'Write quorum W (nodes)',
      },
      y: { field: 'latencyMs', type: 'quantitative', scale: { type: 'log' }, title: 'Latency (ms, log scale)' },
      color: { field: 'op', type: 'nominal', scale: OP_COLOR_SCALE, title: 'Operation' },
    },
    // Lines and points are separate layers, not `point: true`: the overlay would make the
    // dash legend draw invisible circles instead of solid and dashed strokes.
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          strokeDash: { field: 'statistic', type: 'nominal', sort: ['median', 'p99'], title: 'Statistic', legend: DASH_LEGEND },
          order: { field: 'x', type: 'quantitative' },
        },
      },
      { mark: { type: 'point', filled: true, size: 40 } },
    ],
  };
}
