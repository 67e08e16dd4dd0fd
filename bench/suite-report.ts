/**
 * What `--suite` reports: suite.json (the ping-pong, the headline run's summary, a row per
 * configuration with its floor, the scaling points) and its human form.
 */
import type { BaselineResult } from './baseline.js';
import { describeStorageSetting, type StorageSetting } from './cluster-data.js';
import type { LatencyByNPoint, ScalingData, ThroughputPoint } from './charts/types.js';
import type { FloorFigures } from './floor.js';
import { formatMultiple } from './hdr.js';
import type { RunSummary } from './summary.js';

/** One of the seed's configurations, measured. */
export interface ConfigResult {
  readonly label: string;
  readonly summary: RunSummary;
}

/** The floor measured before a scaling point (`node c=16`, `client N=5`); null with --no-baseline. */
export interface ScalingFloor {
  readonly point: string;
  readonly floor: FloorFigures | null;
}

/** suite.json, in summary.json's convention: snake_case with units, N, W, R upper case. */
export interface SuiteResult {
  /** The MessagePort ping-pong, measured once; null with --no-baseline. */
  readonly baseline: BaselineResult | null;
  /** Time the floors took, their threads' start included (0 with --no-baseline). */
  readonly floor_seconds: number;
  /** Clusters the suite started: its runs share one where they can (bench/cluster-pool.ts). */
  readonly clusters_started: number;
  /**
   * Those of them that warmed up before their first run: a cluster with a thread new to the
   * suite, or the first of its coordination mode. The others start on code compiled already.
   * With --warmup 0 none warms up, and this is 0.
   */
  readonly clusters_warmed_up: number;
  /** Where every cluster kept its data (each run's summary names its cluster's own directory). */
  readonly storage: StorageSetting;
  readonly headline: RunSummary;
  readonly configs: {
    readonly config: string;
    readonly N: number;
    readonly W: number;
    readonly R: number;
    readonly nodes: number;
    readonly get_p50_us: number;
    readonly get_p99_us: number;
    readonly put_p50_us: number;
    readonly put_p99_us: number;
    readonly get_hit_rate: number;
    readonly errors: number;
    /** The floor of this configuration (its N/W/R on its nodes, concurrency 1); null with --no-baseline. */
    readonly floor: FloorFigures | null;
  }[];
  readonly throughput: ThroughputPoint[];
  readonly latency_by_N: LatencyByNPoint[];
  readonly scaling_floors: ScalingFloor[];
}

export function suiteResult(
  baseline: BaselineResult | null,
  floorSeconds: number,
  headline: RunSummary,
  configs: readonly ConfigResult[],
  scaling: ScalingData,
  scalingFloors: ScalingFloor[],
  clustersStarted: number,
  clustersWarmedUp: number,
  storage: StorageSetting,
): SuiteResult {
  return {
    baseline,
    floor_seconds: Math.round(floorSeconds * 100) / 100,
    clusters_started: clustersStarted,
    clusters_warmed_up: clustersWarmedUp,
    storage,
    headline,
    configs: configs.map(({ label, summary: s }) => ({
      config: label,
      N: s.N,
      W: s.W,
      R: s.R,
      nodes: s.nodes,
      get_p50_us: s.get.p50_us,
      get_p99_us: s.get.p99_us,
      put_p50_us: s.put.p50_us,
      put_p99_us: s.put.p99_us,
      get_hit_rate: s.get.hit_rate,
      errors: s.errors,
      floor: s.baseline?.floor ?? null,
    })),
    throughput: scaling.throughput,
    latency_by_N: scaling.latency_by_N,
    scaling_floors: scalingFloors,
  };
}

const MODES = ['node', 'client'] as const;
const MODE_COLUMN = 9;
const CELL = 12;

/**
 * The human report, on one screen (about 45 lines): the 24 configurations one per line with
 * their floors, and each scaling sweep as a small table rather than a line per point.
 */
export function formatSuiteReport(result: SuiteResult): string {
  const h = result.headline;
  const num = (value: number | undefined, width: number): string => (value === undefined ? '-' : value.toFixed(0)).padStart(width);
  const times = (value: number, floor: FloorFigures | null, width: number): string => (floor ? formatMultiple(value, floor.p50_us) : '-').padStart(width);
  const lines = [
    (result.baseline
      ? `baseline round trip p50 ${result.baseline.rtt_p50_us} us, pipelined ${Math.round(result.baseline.pipelined_rt_per_s)} rt/s; floors measured in ${result.floor_seconds} s`
      : 'baseline and floors skipped (--no-baseline)') + `; ${result.clusters_started} clusters, ${result.clusters_warmed_up} warmed up${result.storage.kind === 'memory' ? ', data in memory' : ''}`,
    // A line of its own only on LMDB, where there is a directory to name: the report of the
    // default (memory) keeps to one screen.
    ...(result.storage.kind === 'memory' ? [] : [describeStorageSetting(result.storage)]),
    `headline N=${h.N} W=${h.W} R=${h.R}, ${h.nodes} nodes: GET p50 ${h.get.p50_us} us p99 ${h.get.p99_us} us, PUT p50 ${h.put.p50_us} us p99 ${h.put.p99_us} us, hit rate ${h.get.hit_rate}, ${h.throughput_ops_s} ops/s` +
      (h.baseline ? `; floor p50 ${h.baseline.floor.p50_us} us, ${h.baseline.floor.throughput_ops_s} ops/s` : ''),
    '',
    `${'config (us)'.padEnd(14)}${'GET p50'.padStart(10)}${'GET p99'.padStart(10)}${'PUT p50'.padStart(10)}${'PUT p99'.padStart(10)}${'hits'.padStart(8)}${'errors'.padStart(8)}${'floor p50'.padStart(11)}${'floor p99'.padStart(11)}${'GET x'.padStart(9)}${'PUT x'.padStart(9)}`,
    ...result.configs.map(
      (c) =>
        `${c.config.padEnd(14)}${num(c.get_p50_us, 10)}${num(c.get_p99_us, 10)}${num(c.put_p50_us, 10)}${num(c.put_p99_us, 10)}${c.get_hit_rate.toFixed(2).padStart(8)}${String(c.errors).padStart(8)}` +
        `${num(c.floor?.p50_us, 11)}${num(c.floor?.p99_us, 11)}${times(c.get_p50_us, c.floor, 9)}${times(c.put_p50_us, c.floor, 9)}`,
    ),
    "(x = p50 as a multiple of the floor's p50, same N/W/R, nodes, coordination, concurrency)",
    '',
    ...throughputTable(result.throughput, result.scaling_floors),
    '',
    ...latencyByNTable(result.latency_by_N),
  ];
  return lines.join('\n');
}

/** Throughput in ops/s, a row per coordination mode (and its floor) and a column per concurrency level. */
function throughputTable(points: readonly ThroughputPoint[], floors: readonly ScalingFloor[]): string[] {
  const levels = [...new Set(points.map((p) => p.concurrency))];
  const cell = (coordination: string, concurrency: number): string =>
    String(points.find((p) => p.coordination === coordination && p.concurrency === concurrency)?.throughput_ops_s ?? '-').padStart(CELL);
  const floorCell = (coordination: string, concurrency: number): string =>
    String(floors.find((f) => f.point === `${coordination} c=${concurrency}`)?.floor?.throughput_ops_s ?? '-').padStart(CELL);
  const c = points[0];
  const cluster = c === undefined ? '' : `, N=${c.N} W=${c.W} R=${c.R}, ${c.nodes} nodes`;
  return [
    `throughput (ops/s) against concurrency${cluster}:`,
    `${'clients'.padEnd(MODE_COLUMN)}${levels.map((level) => String(level).padStart(CELL)).join('')}`,
    ...MODES.flatMap((mode) => [
      `${mode.padEnd(MODE_COLUMN)}${levels.map((level) => cell(mode, level)).join('')}`,
      ...(floors.some((f) => f.floor !== null) ? [`${'  floor'.padEnd(MODE_COLUMN)}${levels.map((level) => floorCell(mode, level)).join('')}`] : []),
    ]),
  ];
}

/** p50/p99 in us, a row per N and a column per coordination mode and operation. */
function latencyByNTable(points: readonly LatencyByNPoint[]): string[] {
  const ns = [...new Set(points.map((p) => p.N))];
  const columns = MODES.flatMap((coordination) => (['GET', 'PUT'] as const).map((op) => ({ coordination, op })));
  const cell = (n: number, coordination: string, op: string): string => {
    const point = points.find((p) => p.N === n && p.coordination === coordination && p.op === op);
    return (point === undefined ? '-' : `${Math.round(point.p50_us)}/${Math.round(point.p99_us)}`).padStart(CELL + 2);
  };
  return [
    'latency p50/p99 (us) against N, W=R=majority, max(N, 5) nodes:',
    `${'N'.padEnd(MODE_COLUMN)}${columns.map((c) => `${c.coordination} ${c.op}`.padStart(CELL + 2)).join('')}`,
    ...ns.map((n) => `${String(n).padEnd(MODE_COLUMN)}${columns.map((c) => cell(n, c.coordination, c.op)).join('')}`),
  ];
}
