/**
 * `node dist/bench.js --suite`: the seed's protocol done right. A headline run (1000 ops at
 * N=3 W=2 R=2 unless <ops> <N> <W> <R> say otherwise), then the seed's 24 (N,W,R)
 * configurations, then two scaling sweeps of ours (throughput against concurrency, latency
 * against N, both coordination modes). Runs that need the same cluster share one, warm, with
 * their own R and W per request (cluster-pool.ts); every run writes every key first and has
 * its own floor (bench/floor.ts) for its N/W/R, nodes, coordination and concurrency, measured
 * before its cluster starts. Writes the logs, one .hgrm per configuration, scaling.json,
 * suite.json and the twelve charts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchArgs } from './args.js';
import { measureBaseline, type BaselineResult } from './baseline.js';
import { renderCharts } from './charts/pool.js';
import { buildCharts } from './charts/specs.js';
import { SCALING_JSON } from './charts/from-logs.js';
import type { LatencyByNPoint, ScalingData, ThroughputPoint } from './charts/types.js';
import { createLatencyHistogram, toHgrm } from './hdr.js';
import { configLabel, configNodes, formatConfigLine, formatLatencyLine, type ConfigLatencyRecord } from './logs.js';
import type { Progress } from './progress.js';
import { prepareOutDir } from './out-dir.js';
import { hgrmFilesLine } from './report.js';
import { measureRun, type MeasuredRun } from './run.js';
import { ClusterPool, clusterKeyOf } from './cluster-pool.js';
import { runSpecOf } from './single.js';
import { floorSizing, type FloorSizing } from './floor-sizing.js';
import { FloorPool } from './floor-pool.js';
import type { RunSpec } from './run.js';
import type { RunBaseline } from './summary.js';
import { storageSetting } from './cluster-data.js';
import { formatSuiteReport, suiteResult, type ConfigResult, type ScalingFloor } from './suite-report.js';

/** The seed's 24 configurations, (N, W, R), in its order. */
export const SEED_CONFIGS: readonly (readonly [number, number, number])[] = [
  [3, 1, 1], [3, 1, 2], [3, 2, 2], [3, 2, 3], [3, 3, 3],
  [5, 1, 1], [5, 2, 2], [5, 3, 3], [5, 3, 4], [5, 5, 5],
  [10, 1, 1], [10, 3, 3], [10, 5, 5], [10, 6, 6], [10, 10, 10],
  [20, 10, 1], [20, 10, 5], [20, 10, 10], [20, 10, 15], [20, 10, 20],
  [20, 1, 10], [20, 5, 10], [20, 15, 10], [20, 20, 10],
];

export const SCALING_CONCURRENCY = [1, 4, 16, 64] as const;
export const SCALING_N = [1, 3, 5, 10] as const;
/** Requests per closed-loop client at a throughput point (unless --config-ops is smaller). */
const OPS_PER_CLIENT = 50;
const MODES = ['node', 'client'] as const;
/** A mode's scaling points: its throughput points, then its latency-against-N points. */
const SCALING_POINTS_PER_MODE = SCALING_CONCURRENCY.length + SCALING_N.length;
/** The cluster of every throughput point: the seed's headline configuration. */
export const THROUGHPUT_CLUSTER = { N: 3, W: 2, R: 2, nodes: 5 } as const;

export async function runSuite(args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  await prepareOutDir(args.outDir);
  const pingPong = args.baseline ? await measureBaseline() : null;
  let seed = args.seed;
  const nextSeed = (): number => (seed = (seed + 1) % Number.MAX_SAFE_INTEGER);
  const base = runSpecOf(args);

  // Results go to their place in the report's order, whatever order the runs take.
  let headline: MeasuredRun | undefined;
  const configRecords: ConfigLatencyRecord[][] = [];
  const configs: ConfigResult[] = [];
  const throughput: ThroughputPoint[] = [];
  const latencyByN: LatencyByNPoint[] = [];
  const scalingFloors: ScalingFloor[] = [];
  const plan: PlannedRun[] = [];
  plan.push({
    spec: base,
    label: `headline N${base.N} W${base.W} R${base.R}`,
    sizing: floorSizing(base.ops, base.warmupOps, base.concurrency),
    // Its files are written at once, so that a suite that fails later still leaves them.
    take: async (run) => {
      headline = run;
      await Promise.all([
        writeFile(join(args.outDir, 'latency.log'), run.phase.records.map((r) => `${formatLatencyLine(r)}\n`).join('')),
        writeFile(join(args.outDir, 'get.hgrm'), toHgrm(run.phase.get)),
        writeFile(join(args.outDir, 'put.hgrm'), toHgrm(run.phase.put)),
        writeFile(join(args.outDir, 'summary.json'), `${JSON.stringify(run.summary, null, 2)}\n`),
      ]);
    },
  });
  SEED_CONFIGS.forEach(([N, W, R], index) => {
    const label = configLabel(N, W, R);
    const spec = { ...base, ops: args.configOps, N, W, R, nodes: configNodes(N), concurrency: 1, rateOpsPerS: undefined, coordination: args.coordination, seed: nextSeed() };
    plan.push({
      spec,
      label,
      sizing: suiteFloorSizing(spec.ops),
      take: async (run) => {
        configRecords[index] = run.phase.records.map((record) => ({ ...record, n: N, w: W, r: R }));
        configs[index] = { label, summary: run.summary };
        await writeFile(join(args.outDir, `${label}.hgrm`), combinedHgrm(run));
      },
    });
  });
  for (const coordination of MODES) {
    const modeIndex = MODES.indexOf(coordination);
    SCALING_CONCURRENCY.forEach((concurrency, index) => {
      // Enough operations that every client runs many requests, so the point measures a
      // steady state rather than the ramp-up of the first requests; a --config-ops below that
      // asks for a quick look, not a steady state, and sets the requests per client instead.
      const ops = Math.max(args.configOps, Math.min(args.configOps, OPS_PER_CLIENT) * concurrency);
      const spec = { ...base, ...THROUGHPUT_CLUSTER, ops, concurrency, rateOpsPerS: undefined, coordination, seed: nextSeed() };
      const label = `${coordination} c=${concurrency}`;
      const slot = modeIndex * SCALING_CONCURRENCY.length + index;
      plan.push({
        spec,
        label,
        sizing: suiteFloorSizing(spec.ops),
        take: (run) => {
          throughput[slot] = { ...THROUGHPUT_CLUSTER, concurrency, coordination, throughput_ops_s: run.summary.throughput_ops_s };
          scalingFloors[modeIndex * SCALING_POINTS_PER_MODE + index] = { point: label, floor: run.summary.baseline?.floor ?? null };
        },
      });
    });
    SCALING_N.forEach((n, index) => {
      const quorum = Math.floor(n / 2) + 1;
      const cluster = { N: n, W: quorum, R: quorum, nodes: configNodes(n) };
      const spec = { ...base, ...cluster, ops: args.configOps, concurrency: 1, rateOpsPerS: undefined, coordination, seed: nextSeed() };
      const label = `${coordination} N=${n}`;
      const slot = modeIndex * SCALING_N.length + index;
      plan.push({
        spec,
        label,
        sizing: suiteFloorSizing(spec.ops),
        take: ({ summary }) => {
          latencyByN[2 * slot] = { ...cluster, coordination, op: 'GET', p50_us: summary.get.p50_us, p99_us: summary.get.p99_us };
          latencyByN[2 * slot + 1] = { ...cluster, coordination, op: 'PUT', p50_us: summary.put.p50_us, p99_us: summary.put.p99_us };
          scalingFloors[modeIndex * SCALING_POINTS_PER_MODE + SCALING_CONCURRENCY.length + index] = { point: label, floor: summary.baseline?.floor ?? null };
        },
      });
    });
  }

  // The floors' threads are started once, as many as the largest run needs (FloorPool).
  const runner = new SuiteRunner(pingPong, progress, Math.max(...plan.map(({ spec }) => spec.nodes)), new ClusterPool(args.storage));
  try {
    for (const group of byCluster(plan)) await runner.runGroup(group);
  } finally {
    await runner.close();
  }
  if (!headline) throw new Error('the suite ended without its headline run');
  await writeFile(join(args.outDir, 'latency_configs.log'), configRecords.flat().map((r) => `${formatConfigLine(r)}\n`).join(''));
  const scaling: ScalingData = { throughput, latency_by_N: latencyByN };
  await writeFile(join(args.outDir, SCALING_JSON), `${JSON.stringify(scaling, null, 2)}\n`);

  const charts = await renderCharts(buildCharts({ basic: headline.phase.records, basicCluster: headline.summary, configs: configRecords.flat(), throughput, latencyByN }), args.outDir);
  const result = suiteResult(pingPong, runner.floorSeconds, headline.summary, configs, scaling, scalingFloors, runner.clustersStarted, runner.clustersWarmedUp, storageSetting(args.storage));
  await writeFile(join(args.outDir, 'suite.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) {
    print(JSON.stringify(result));
    return;
  }
  print(formatSuiteReport(result));
  print(`files in ${args.outDir}: latency.log latency_configs.log summary.json scaling.json suite.json, ${charts.length} charts (.png and .vl.json)`);
  print(hgrmFilesLine(args.outDir, ['get.hgrm', 'put.hgrm', 'N<N>_W<W>_R<R>.hgrm (one per configuration)'], false));
}

/**
 * The floor of a suite run: as many requests as the run itself (at least 200) and a short
 * warm-up, as a pooled mesh is warm from the runs before (a fresh one warms up longer, see
 * FloorPool). The headline run keeps the single run's sizing.
 */
function suiteFloorSizing(runOps: number): FloorSizing {
  const ops = Math.min(20_000, Math.max(200, runOps));
  return { ops, warmupOps: Math.max(50, Math.round(ops / 10)) };
}

/** One run of the suite, and where its results go. */
interface PlannedRun {
  readonly spec: RunSpec;
  readonly label: string;
  readonly sizing: FloorSizing;
  readonly take: (run: MeasuredRun) => void | Promise<void>;
}

/**
 * The runs grouped by the cluster they need, groups in the order of their first run and runs
 * in their order within a group: the suite starts each cluster once (15 clusters for 41 runs
 * in one coordination mode, instead of a fresh one per run).
 */
export function byCluster<T extends { readonly spec: RunSpec }>(runs: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const run of runs) {
    const key = clusterKeyOf(run.spec);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()];
}

/**
 * Runs the suite's runs a cluster at a time: the floors of a group first (unless
 * --no-baseline), while no cluster runs beside them, then its runs on one cluster. Owns the
 * floors' threads and the cluster until close().
 */
class SuiteRunner {
  private readonly floors: FloorPool;
  /** Time spent measuring floors (threads started included), for the report. */
  floorSeconds = 0;

  constructor(
    private readonly pingPong: BaselineResult | null,
    private readonly progress: Progress,
    floorNodes: number,
    /** The suite's clusters, with their data where --storage says. */
    private readonly clusters: ClusterPool,
  ) {
    this.floors = new FloorPool(floorNodes);
  }

  get clustersStarted(): number {
    return this.clusters.started;
  }

  get clustersWarmedUp(): number {
    return this.clusters.warmUps;
  }

  async runGroup(group: readonly PlannedRun[]): Promise<void> {
    await this.clusters.stopKept();
    const baselines: (RunBaseline | null)[] = [];
    for (const { spec, sizing } of group) baselines.push(await this.baseline(spec, sizing));
    for (const [index, planned] of group.entries()) {
      const run = await measureRun(planned.spec, baselines[index] ?? null, this.progress, planned.label, this.clusters);
      await planned.take(run);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.floors.close(), this.clusters.close()]);
  }

  private async baseline(spec: RunSpec, sizing: FloorSizing): Promise<RunBaseline | null> {
    if (!this.pingPong) return null;
    const startedMs = performance.now();
    const floor = await this.floors.measure(spec, sizing);
    this.floorSeconds += (performance.now() - startedMs) / 1000;
    return { ...this.pingPong, floor };
  }
}

function combinedHgrm(run: MeasuredRun): string {
  const all = createLatencyHistogram();
  all.add(run.phase.get);
  all.add(run.phase.put);
  return toHgrm(all);
}
