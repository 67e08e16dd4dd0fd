/**
 * `node dist/bench.js <ops> <N> <W> <R>`: one run, its report, and its files in --out.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchArgs } from './args.js';
import { measureBaseline } from './baseline.js';
import { buildCharts } from './charts/specs.js';
import { floorSizing } from './floor-sizing.js';
import { FloorPool } from './floor-pool.js';
import { renderCharts } from './charts/pool.js';
import { toHgrm } from './hdr.js';
import { formatLatencyLine } from './logs.js';
import type { Progress } from './progress.js';
import { formatRunReport, hgrmFilesLine } from './report.js';
import { prepareOutDir } from './out-dir.js';
import { measureRun, type MeasuredRun, type RunSpec } from './run.js';
import { freshClusterData } from './cluster-data.js';
import type { RunBaseline } from './summary.js';

export function runSpecOf(args: BenchArgs): RunSpec {
  return {
    ops: args.ops,
    N: args.N,
    W: args.W,
    R: args.R,
    nodes: args.nodes,
    concurrency: args.concurrency,
    coordination: args.coordination,
    rateOpsPerS: args.rateOpsPerS,
    keys: args.keys,
    valueBytes: args.valueBytes,
    readRatio: args.readRatio,
    seed: args.seed,
    vnodes: args.vnodes,
    timeoutMs: args.timeoutMs,
    warmupOps: args.warmupOps,
  };
}

/**
 * The ping-pong and the floor of one run, measured before its cluster starts, on an otherwise
 * idle process; the floor's threads are gone before the cluster's start.
 */
async function measureRunBaseline(spec: RunSpec): Promise<RunBaseline> {
  const pingPong = await measureBaseline();
  const floors = new FloorPool();
  try {
    return { ...pingPong, floor: await floors.measure(spec, floorSizing(spec.ops, spec.warmupOps, spec.concurrency)) };
  } finally {
    await floors.close();
  }
}

export async function runSingle(args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  await prepareOutDir(args.outDir);
  const spec = runSpecOf(args);
  // Made before the floor is measured, so that a --data-dir that cannot hold data fails at once.
  const data = await freshClusterData(args.storage);
  let measured: MeasuredRun;
  try {
    const baseline = args.baseline ? await measureRunBaseline(spec) : null;
    measured = await measureRun(spec, baseline, progress, 'measuring', data);
  } finally {
    await data.release();
  }
  const { summary, phase } = measured;
  await Promise.all([
    writeFile(join(args.outDir, 'latency.log'), phase.records.map((r) => `${formatLatencyLine(r)}\n`).join('')),
    writeFile(join(args.outDir, 'get.hgrm'), toHgrm(phase.get)),
    writeFile(join(args.outDir, 'put.hgrm'), toHgrm(phase.put)),
    writeFile(join(args.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`),
  ]);
  const charts = await renderCharts(buildCharts({ basic: phase.records, basicCluster: summary, configs: [] }), args.outDir);
  if (args.json) {
    print(JSON.stringify(summary));
    return;
  }
  print(formatRunReport(summary, phase, { hgrm: args.hgrm }));
  print(`files in ${args.outDir}: latency.log get.hgrm put.hgrm summary.json ${charts.map((c) => `${c.name}.png`).join(' ')}`);
  print(hgrmFilesLine(args.outDir, ['get.hgrm', 'put.hgrm'], !args.hgrm));
}
