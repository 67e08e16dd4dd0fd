/**
 * `node dist/bench.js --suite`: the seed's protocol done right. A headline run (1000 ops at
 * N=3 W=2 R=2 unless <ops> <N> <W> <R> say otherwise), then the seed's 24 (N,W,R)
 * configurations, then two scaling sweeps of ours (throughput against concurrency, latency
 * against N, both coordination modes), every run on a fresh cluster with every key written
 * first, each after its floor (bench/floor.ts) for its own N/W/R, nodes, coordination and
 * concurrency. Writes the logs, one .hgrm per configuration, scaling.json, suite.json and the
 * twelve charts.
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
import { runSpecOf } from './single.js';
import { floorSizing, type FloorSizing } from './floor.js';
import { FloorPool } from './floor-pool.js';
import type { RunSpec } from './run.js';
import type { RunBaseline } from './summary.js';
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
/** The cluster of every throughput point: the seed's headline configuration. */
export const THROUGHPUT_CLUSTER = { N: 3, W: 2, R: 2, nodes: 5 } as const;

export async function runSuite(args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  await prepareOutDir(args.outDir);
  const pingPong = args.baseline ? await measureBaseline() : null;
  let seed = args.seed;
  const nextSeed = (): number => (seed = (seed + 1) % Number.MAX_SAFE_INTEGER);
  const base = runSpecOf(args);
  const runner = new SuiteRunner(pingPong, progress);

  const configRecords: ConfigLatencyRecord[] = [];
  const configs: ConfigResult[] = [];
  const throughput: ThroughputPoint[] = [];
  const latencyByN: LatencyByNPoint[] = [];
  const scalingFloors: ScalingFloor[] = [];
  let headline: MeasuredRun;
  try {
    headline = await runner.run(base, `headline N${base.N} W${base.W} R${base.R}`, floorSizing(base.ops));
    await Promise.all([
      writeFile(join(args.outDir, 'latency.log'), headline.phase.records.map((r) => `${formatLatencyLine(r)}\n`).join('')),
      writeFile(join(args.outDir, 'get.hgrm'), toHgrm(headline.phase.get)),
      writeFile(join(args.outDir, 'put.hgrm'), toHgrm(headline.phase.put)),
      writeFile(join(args.outDir, 'summary.json'), `${JSON.stringify(headline.summary, null, 2)}\n`),
    ]);

    for (const [N, W, R] of SEED_CONFIGS) {
      const label = configLabel(N, W, R);
      const spec = { ...base, ops: args.configOps, N, W, R, nodes: configNodes(N), concurrency: 1, rateOpsPerS: undefined, coordination: args.coordination, seed: nextSeed() };
      const run = await runner.run(spec, label, suiteFloorSizing(spec.ops));
      for (const record of run.phase.records) configRecords.push({ ...record, n: N, w: W, r: R });
      configs.push({ label, summary: run.summary });
      await writeFile(join(args.outDir, `${label}.hgrm`), combinedHgrm(run));
    }
    await writeFile(join(args.outDir, 'latency_configs.log'), configRecords.map((r) => `${formatConfigLine(r)}\n`).join(''));

    for (const coordination of MODES) {
      for (const concurrency of SCALING_CONCURRENCY) {
        // Enough operations that every client runs many requests, so the point measures a
        // steady state rather than the ramp-up of the first requests; a --config-ops below that
        // asks for a quick look, not a steady state, and sets the requests per client instead.
        const ops = Math.max(args.configOps, Math.min(args.configOps, OPS_PER_CLIENT) * concurrency);
        const spec = { ...base, ...THROUGHPUT_CLUSTER, ops, concurrency, rateOpsPerS: undefined, coordination, seed: nextSeed() };
        const label = `${coordination} c=${concurrency}`;
        const run = await runner.run(spec, label, suiteFloorSizing(spec.ops));
        throughput.push({ ...THROUGHPUT_CLUSTER, concurrency, coordination, throughput_ops_s: run.summary.throughput_ops_s });
        scalingFloors.push({ point: label, floor: run.summary.baseline?.floor ?? null });
      }
      for (const n of SCALING_N) {
        const quorum = Math.floor(n / 2) + 1;
        const cluster = { N: n, W: quorum, R: quorum, nodes: configNodes(n) };
        const spec = { ...base, ...cluster, ops: args.configOps, concurrency: 1, rateOpsPerS: undefined, coordination, seed: nextSeed() };
        const label = `${coordination} N=${n}`;
        const { summary } = await runner.run(spec, label, suiteFloorSizing(spec.ops));
        latencyByN.push({ ...cluster, coordination, op: 'GET', p50_us: summary.get.p50_us, p99_us: summary.get.p99_us });
        latencyByN.push({ ...cluster, coordination, op: 'PUT', p50_us: summary.put.p50_us, p99_us: summary.put.p99_us });
        scalingFloors.push({ point: label, floor: summary.baseline?.floor ?? null });
      }
    }
  } finally {
    await runner.close();
  }
  const scaling: ScalingData = { throughput, latency_by_N: latencyByN };
  await writeFile(join(args.outDir, SCALING_JSON), `${JSON.stringify(scaling, null, 2)}\n`);

  const charts = await renderCharts(buildCharts({ basic: headline.phase.records, basicCluster: headline.summary, configs: configRecords, throughput, latencyByN }), args.outDir);
  const result = suiteResult(pingPong, runner.floorSeconds, headline.summary, configs, scaling, scalingFloors);
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

/**
 * Runs the suite's runs one by one, each after its own floor (unless --no-baseline), and owns
 * the floors' threads until close().
 */
class SuiteRunner {
  private readonly floors = new FloorPool();
  /** Time spent measuring floors (threads started included), for the report. */
  floorSeconds = 0;

  constructor(
    private readonly pingPong: BaselineResult | null,
    private readonly progress: Progress,
  ) {}

  async run(spec: RunSpec, label: string, sizing: FloorSizing): Promise<MeasuredRun> {
    let baseline: RunBaseline | null = null;
    if (this.pingPong) {
      const startedMs = performance.now();
      baseline = { ...this.pingPong, floor: await this.floors.measure(spec, sizing) };
      this.floorSeconds += (performance.now() - startedMs) / 1000;
    }
    return measureRun(spec, baseline, this.progress, label);
  }

  close(): Promise<void> {
    return this.floors.close();
  }
}

function combinedHgrm(run: MeasuredRun): string {
  const all = createLatencyHistogram();
  all.add(run.phase.get);
  all.add(run.phase.put);
  return toHgrm(all);
}
