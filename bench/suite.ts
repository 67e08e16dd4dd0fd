/**
 * `node dist/bench.js --suite`: the seed's protocol done right. A headline run (1000 ops at
 * N=3 W=2 R=2 unless <ops> <N> <W> <R> say otherwise), then the seed's 24 (N,W,R)
 * configurations, then two scaling sweeps of ours (throughput against concurrency, latency
 * against N, both coordination modes), every run on a fresh cluster with every key written
 * first. Writes the logs, one .hgrm per configuration, scaling.json, suite.json and the
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
import type { RunSummary } from './summary.js';

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
const THROUGHPUT_CLUSTER = { N: 3, W: 2, R: 2, nodes: 5 } as const;

interface ConfigResult {
  readonly label: string;
  readonly summary: RunSummary;
}

export async function runSuite(args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  await prepareOutDir(args.outDir);
  const baseline = await measureBaseline();
  let seed = args.seed;
  const nextSeed = (): number => (seed = (seed + 1) % Number.MAX_SAFE_INTEGER);
  const base = runSpecOf(args);

  const headline = await measureRun(base, baseline, progress, `headline N${base.N} W${base.W} R${base.R}`);
  await Promise.all([
    writeFile(join(args.outDir, 'latency.log'), headline.phase.records.map((r) => `${formatLatencyLine(r)}\n`).join('')),
    writeFile(join(args.outDir, 'get.hgrm'), toHgrm(headline.phase.get)),
    writeFile(join(args.outDir, 'put.hgrm'), toHgrm(headline.phase.put)),
    writeFile(join(args.outDir, 'summary.json'), `${JSON.stringify(headline.summary, null, 2)}\n`),
  ]);

  const configRecords: ConfigLatencyRecord[] = [];
  const configs: ConfigResult[] = [];
  for (const [N, W, R] of SEED_CONFIGS) {
    const label = configLabel(N, W, R);
    const run = await measureRun(
      { ...base, ops: args.configOps, N, W, R, nodes: configNodes(N), concurrency: 1, rateOpsPerS: undefined, coordination: args.coordination, seed: nextSeed() },
      baseline,
      progress,
      label,
    );
    for (const record of run.phase.records) configRecords.push({ ...record, n: N, w: W, r: R });
    configs.push({ label, summary: run.summary });
    await writeFile(join(args.outDir, `${label}.hgrm`), combinedHgrm(run));
  }
  await writeFile(join(args.outDir, 'latency_configs.log'), configRecords.map((r) => `${formatConfigLine(r)}\n`).join(''));

  const throughput: ThroughputPoint[] = [];
  const latencyByN: LatencyByNPoint[] = [];
  for (const coordination of MODES) {
    for (const concurrency of SCALING_CONCURRENCY) {
      // Enough operations that every client runs many requests, so the point measures a
      // steady state rather than the ramp-up of the first requests; a --config-ops below that
      // asks for a quick look, not a steady state, and sets the requests per client instead.
      const ops = Math.max(args.configOps, Math.min(args.configOps, OPS_PER_CLIENT) * concurrency);
      const spec = { ...base, ...THROUGHPUT_CLUSTER, ops, concurrency, rateOpsPerS: undefined, coordination, seed: nextSeed() };
      const run = await measureRun(spec, baseline, progress, `${coordination} c=${concurrency}`);
      throughput.push({ ...THROUGHPUT_CLUSTER, concurrency, coordination, throughput_ops_s: run.summary.throughput_ops_s });
    }
    for (const n of SCALING_N) {
      const quorum = Math.floor(n / 2) + 1;
      const cluster = { N: n, W: quorum, R: quorum, nodes: configNodes(n) };
      const spec = { ...base, ...cluster, ops: args.configOps, concurrency: 1, rateOpsPerS: undefined, coordination, seed: nextSeed() };
      const { summary } = await measureRun(spec, baseline, progress, `${coordination} N=${n}`);
      latencyByN.push({ ...cluster, coordination, op: 'GET', p50_us: summary.get.p50_us, p99_us: summary.get.p99_us });
      latencyByN.push({ ...cluster, coordination, op: 'PUT', p50_us: summary.put.p50_us, p99_us: summary.put.p99_us });
    }
  }
  const scaling: ScalingData = { throughput, latency_by_N: latencyByN };
  await writeFile(join(args.outDir, SCALING_JSON), `${JSON.stringify(scaling, null, 2)}\n`);

  const charts = await renderCharts(buildCharts({ basic: headline.phase.records, basicCluster: headline.summary, configs: configRecords, throughput, latencyByN }), args.outDir);
  const result = suiteResult(baseline, headline.summary, configs, scaling);
  await writeFile(join(args.outDir, 'suite.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) {
    print(JSON.stringify(result));
    return;
  }
  print(formatSuiteReport(result));
  print('');
  print(`files in ${args.outDir}: latency.log latency_configs.log summary.json scaling.json suite.json, ${charts.length} charts (.png and .vl.json)`);
  print(hgrmFilesLine(args.outDir, ['get.hgrm', 'put.hgrm', 'N<N>_W<W>_R<R>.hgrm (one per configuration)'], false));
}

function combinedHgrm(run: MeasuredRun): string {
  const all = createLatencyHistogram();
  all.add(run.phase.get);
  all.add(run.phase.put);
  return toHgrm(all);
}

/** suite.json, in summary.json's convention: snake_case with units, N, W, R upper case. */
interface SuiteResult {
  readonly baseline: BaselineResult;
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
  }[];
  readonly throughput: ThroughputPoint[];
  readonly latency_by_N: LatencyByNPoint[];
}

function suiteResult(baseline: BaselineResult, headline: RunSummary, configs: readonly ConfigResult[], scaling: ScalingData): SuiteResult {
  return {
    baseline,
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
    })),
    ...scaling,
  };
}

/**
 * The human report, on one screen (about 40 lines): the 24 configurations one per line, and
 * each scaling sweep as a small table rather than a line per point.
 */
function formatSuiteReport(result: SuiteResult): string {
  const h = result.headline;
  const lines = [
    `baseline round trip p50 ${result.baseline.rtt_p50_us} us, pipelined ${Math.round(result.baseline.pipelined_rt_per_s)} rt/s`,
    `headline N=${h.N} W=${h.W} R=${h.R}, ${h.nodes} nodes: GET p50 ${h.get.p50_us} us p99 ${h.get.p99_us} us, PUT p50 ${h.put.p50_us} us p99 ${h.put.p99_us} us, hit rate ${h.get.hit_rate}, ${h.throughput_ops_s} ops/s`,
    '',
    `${'config (us)'.padEnd(14)}${'GET p50'.padStart(10)}${'GET p99'.padStart(10)}${'PUT p50'.padStart(10)}${'PUT p99'.padStart(10)}${'hits'.padStart(8)}${'errors'.padStart(8)}`,
    ...result.configs.map((c) =>
      `${c.config.padEnd(14)}${c.get_p50_us.toFixed(0).padStart(10)}${c.get_p99_us.toFixed(0).padStart(10)}${c.put_p50_us.toFixed(0).padStart(10)}${c.put_p99_us.toFixed(0).padStart(10)}${c.get_hit_rate.toFixed(2).padStart(8)}${String(c.errors).padStart(8)}`,
    ),
    '',
    ...throughputTable(result.throughput),
    '',
    ...latencyByNTable(result.latency_by_N),
  ];
  return lines.join('\n');
}

const MODE_COLUMN = 9;
const CELL = 12;

/** Throughput in ops/s, a row per coordination mode and a column per concurrency level. */
function throughputTable(points: readonly ThroughputPoint[]): string[] {
  const levels = [...new Set(points.map((p) => p.concurrency))];
  const cell = (coordination: string, concurrency: number): string =>
    String(points.find((p) => p.coordination === coordination && p.concurrency === concurrency)?.throughput_ops_s ?? '-').padStart(CELL);
  const c = THROUGHPUT_CLUSTER;
  return [
    `throughput (ops/s) against concurrency, N=${c.N} W=${c.W} R=${c.R}, ${c.nodes} nodes:`,
    `${'clients'.padEnd(MODE_COLUMN)}${levels.map((level) => String(level).padStart(CELL)).join('')}`,
    ...MODES.map((mode) => `${mode.padEnd(MODE_COLUMN)}${levels.map((level) => cell(mode, level)).join('')}`),
  ];
}

/** p50/p99 latency in us against N, a row per N and a column per coordination mode and op. */
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
