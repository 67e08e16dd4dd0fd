/**
 * `node dist/bench.js --ycsb FILE`: a YCSB CoreWorkload against a fresh cluster. The load
 * phase writes recordcount records; the transaction phase runs operationcount operations
 * (or <ops> when given) with --concurrency clients, timing each into a histogram per type.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, DynamoError, type Context } from '../../src/index.js';
import { BenchArgsError, type BenchArgs } from '../args.js';
import { createLatencyHistogram, recordLatencyUs, summarize, type Histogram } from '../hdr.js';
import type { Progress } from '../progress.js';
import { parseYcsbProperties } from './properties.js';
import { formatYcsbReport, ycsbSection, type YcsbOpStats } from './report.js';
import { planYcsb, type YcsbOperation, type YcsbOperationKind } from './workload.js';

interface OpTally {
  readonly histogram: Histogram;
  errors: number;
}

export async function runYcsb(args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  const file = args.ycsbFile ?? '';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BenchArgsError(`cannot read the YCSB workload ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseYcsbProperties(text);
  const workload = args.positionalsGiven ? { ...parsed, operationCount: args.ops } : parsed;
  const plan = planYcsb(workload, args.seed);
  const cluster = await Cluster.start({
    nodes: args.nodes,
    n: args.N,
    r: args.R,
    w: args.W,
    vnodes: args.vnodes,
    coordination: args.coordination,
    requestTimeoutMs: args.timeoutMs,
  });
  try {
    const contexts = new Map<string, Context>();
    const records = plan.load();
    progress.start('ycsb load', workload.recordCount);
    await parallel(args.concurrency, async () => {
      for (let next = records.next(); !next.done; next = records.next()) {
        const { context } = await cluster.put(next.value.key, next.value.value, { w: args.N });
        contexts.set(next.value.key, context);
        progress.advance();
      }
    });
    progress.done();

    const tallies = new Map<YcsbOperationKind, OpTally>();
    const transactions = plan.transactions(args.concurrency > 1 ? 'explicit' : 'immediate');
    const execute = async (op: YcsbOperation): Promise<void> => {
      const started = process.hrtime.bigint();
      let tally = tallies.get(op.kind);
      if (!tally) tallies.set(op.kind, (tally = { histogram: createLatencyHistogram(), errors: 0 }));
      try {
        if (op.kind === 'READ' || op.kind === 'READMODIFYWRITE') {
          const read = await cluster.get(op.key);
          contexts.set(op.key, read.context);
        }
        if (op.kind !== 'READ') {
          const context = contexts.get(op.key);
          const { context: written } = await cluster.put(op.key, op.value, context ? { context } : {});
          contexts.set(op.key, written);
        }
        recordLatencyUs(tally.histogram, Number(process.hrtime.bigint() - started) / 1000);
      } catch (error) {
        if (!(error instanceof DynamoError)) throw error;
        tally.errors++;
      }
      if (op.kind === 'INSERT' && args.concurrency > 1) transactions.acknowledgeInsert(op.keynum);
      progress.advance();
    };
    progress.start('ycsb run', workload.operationCount);
    const startedMs = performance.now();
    await parallel(args.concurrency, async () => {
      for (let next = transactions.next(); !next.done; next = transactions.next()) await execute(next.value);
    });
    const runtimeMs = Math.max(performance.now() - startedMs, 0.001);
    progress.done();

    const perOp = new Map<string, YcsbOpStats>();
    let operations = 0;
    for (const [kind, tally] of tallies) {
      const s = summarize(tally.histogram);
      operations += s.count + tally.errors;
      perOp.set(kind, { ...s, count: s.count + tally.errors, errors: tally.errors });
    }
    const report = formatYcsbReport(perOp, { runtimeMs, operations });
    await mkdir(args.outDir, { recursive: true });
    await writeFile(join(args.outDir, 'ycsb.txt'), report);
    if (args.json) {
      const byOp = Object.fromEntries([...perOp].map(([kind, stats]) => [ycsbSection(kind), stats]));
      print(JSON.stringify({ workload: { ...workload, ignored: undefined }, seed: args.seed, runtime_ms: Math.round(runtimeMs), operations, throughput_ops_s: operations / (runtimeMs / 1000), ops: byOp }));
    } else {
      print(report.trimEnd());
    }
  } finally {
    await cluster.stop();
  }
}

/** Runs `count` copies of a worker loop that share one iterator. */
async function parallel(count: number, worker: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, count) }, worker));
}
