/**
 * What `--suite` reports: suite.json (the ping-pong, the headline run's summary, a row per
 * configuration with its floor, the scaling points) and its human form.
 */
import type { BaselineResult } from './baseline.js';
import type { LatencyByNPoint, ThroughputPoint } from './charts/types.js';
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

export interface SuiteResult {
  /** The MessagePort ping-pong, measured once; null with --no-baseline. */
  readonly baseline: BaselineResult | null;
  /** Time the floors took, their threads' start included (0 with --no-baseline). */
  readonly floor_seconds: number;
  readonly headline: RunSummary;
  readonly configs: {
    readonly config: string;
    readonly N: number;
    readonly W: number;
    readonly R: number;
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
  readonly latencyByN: LatencyByNPoint[];
  readonly scaling_floors: ScalingFloor[];
}

export function suiteResult(
  baseline: BaselineResult | null,
  floorSeconds: number,
  headline: RunSummary,
  configs: readonly ConfigResult[],
  throughput: ThroughputPoint[],
  latencyByN: LatencyByNPoint[],
  scalingFloors: ScalingFloor[],
): SuiteResult {
  return {
    baseline,
    floor_seconds: Math.round(floorSeconds * 100) / 100,
    headline,
    configs: configs.map(({ label, summary: s }) => ({
      config: label,
      N: s.N,
      W: s.W,
      R: s.R,
      get_p50_us: s.get.p50_us,
      get_p99_us: s.get.p99_us,
      put_p50_us: s.put.p50_us,
      put_p99_us: s.put.p99_us,
      get_hit_rate: s.get.hit_rate,
      errors: s.errors,
      floor: s.baseline?.floor ?? null,
    })),
    throughput,
    latencyByN,
    scaling_floors: scalingFloors,
  };
}

export function formatSuiteReport(result: SuiteResult): string {
  const h = result.headline;
  const floorOf = (point: string): FloorFigures | null => result.scaling_floors.find((f) => f.point === point)?.floor ?? null;
  const num = (value: number | undefined, width: number): string => (value === undefined ? '-' : value.toFixed(0)).padStart(width);
  const times = (value: number, floor: FloorFigures | null, width: number): string => (floor ? formatMultiple(value, floor.p50_us) : '-').padStart(width);
  const lines = [
    result.baseline
      ? `baseline round trip p50 ${result.baseline.rtt_p50_us} us, pipelined ${Math.round(result.baseline.pipelined_rt_per_s)} rt/s; floors measured in ${result.floor_seconds} s`
      : 'baseline and floors skipped (--no-baseline)',
    `headline N=${h.N} W=${h.W} R=${h.R}: GET p50 ${h.get.p50_us} us p99 ${h.get.p99_us} us, PUT p50 ${h.put.p50_us} us p99 ${h.put.p99_us} us, hit rate ${h.get.hit_rate}, ${h.throughput_ops_s} ops/s` +
      (h.baseline ? `; floor p50 ${h.baseline.floor.p50_us} us, ${h.baseline.floor.throughput_ops_s} ops/s` : ''),
    '',
    `${'config'.padEnd(14)}${'GET p50'.padStart(10)}${'GET p99'.padStart(10)}${'PUT p50'.padStart(10)}${'PUT p99'.padStart(10)}${'hits'.padStart(8)}${'errors'.padStart(8)}${'floor p50'.padStart(11)}${'floor p99'.padStart(11)}${'GET x'.padStart(9)}${'PUT x'.padStart(9)}`,
    ...result.configs.map(
      (c) =>
        `${c.config.padEnd(14)}${num(c.get_p50_us, 10)}${num(c.get_p99_us, 10)}${num(c.put_p50_us, 10)}${num(c.put_p99_us, 10)}${c.get_hit_rate.toFixed(2).padStart(8)}${String(c.errors).padStart(8)}` +
        `${num(c.floor?.p50_us, 11)}${num(c.floor?.p99_us, 11)}${times(c.get_p50_us, c.floor, 9)}${times(c.put_p50_us, c.floor, 9)}`,
    ),
    "(latencies in us; x = p50 as a multiple of the floor's p50, same N/W/R, nodes, coordination, concurrency)",
    '',
    'throughput against concurrency (N=3 W=2 R=2, 5 nodes):',
    ...result.throughput.map((t) => {
      const floor = floorOf(`${t.coordination} c=${t.concurrency}`);
      return `  ${t.coordination.padEnd(7)} concurrency ${String(t.concurrency).padStart(3)}: ${t.throughputOpsS} ops/s${floor ? ` (floor ${floor.throughput_ops_s} ops/s)` : ''}`;
    }),
    'latency against N (W=R=majority):',
    ...result.latencyByN.map((p) => {
      const floor = floorOf(`${p.coordination} N=${p.n}`);
      return `  ${p.coordination.padEnd(7)} N=${String(p.n).padStart(2)} ${p.op}: p50 ${p.p50Us} us, p99 ${p.p99Us} us${floor ? ` (floor p50 ${floor.p50_us} us, p99 ${floor.p99_us} us)` : ''}`;
    }),
  ];
  return lines.join('\n');
}
