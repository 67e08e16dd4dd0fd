/**
 * `node dist/bench.js --ycsb FILE`: a YCSB CoreWorkload against a fresh cluster. The load
 * phase writes recordcount records; the transaction phase runs operationcount operations
 * (or <ops> when given) with --concurrency clients, timing each into a histogram per type.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, DynamoError, type Context } from '../../src/index.js';
import { BenchArgsError, type BenchArgs } from '../args.js';
import { createLatencyHistogram, recordLatencyUs, summarize, type Histogram } from '../hdr.js';
import { prepareOutDir } from '../out-dir.js';
import type { Progress } from '../progress.js';
import { valueLimitBytes } from '../run.js';
import { parseYcsbProperties } from './properties.js';
import { formatYcsbReport, ycsbSection, type YcsbOpStats } from './report.js';
import { planYcsb, type YcsbOperation, type YcsbOperationKind } from './workload.js';

/** YCSB's operation kinds, in the order the report lists them. */
const KINDS: readonly YcsbOperationKind[] = ['READ', 'UPDATE', 'INSERT', 'READMODIFYWRITE'];

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
  const workload = args.opsGiven ? { ...parsed, operationCount: args.ops } : parsed;
  const plan = planYcsb(workload, args.seed);
  await prepareOutDir(args.outDir);
  const cluster = await Cluster.start({
    nodes: args.nodes,
    n: args.N,
    r: args.R,
    w: args.W,
    vnodes: args.vnodes,
    coordination: args.coordination,
    requestTimeoutMs: args.timeoutMs,
    // A record is fieldcount fields of fieldlength characters, plus names and framing.
    maxValueBytes: valueLimitBytes(workload.fieldCount * (workload.fieldLengthBytes + 16)),
  });
  try {
    const contexts = new Map<string, Context>();
    const records = plan.load();
    progress.start('ycsb load', workload.recordCount);
    await parallel(args.concurrency, async () => {
      for (let next = records.next(); !next.done; next = records.next()) {
        // The load phase is not measured: a cold cluster gets a generous time budget.
        const { context } = await cluster.put(next.value.key, next.value.value, { w: args.N, timeoutMs: Math.max(args.timeoutMs, 10_000) });
        contexts.set(next.value.key, context);
        progress.advance();
      }
    });
    progress.done();

    // Made before the clock starts, so that no operation pays for a histogram's allocation.
    const tallies = new Map<YcsbOperationKind, OpTally>(KINDS.map((kind) => [kind, { histogram: createLatencyHistogram(), errors: 0 }]));
    const tally = (kind: YcsbOperationKind): OpTally => tallies.get(kind) ?? { histogram: createLatencyHistogram(), errors: 0 };
    /** Runs one timed step into `kind`'s tally; false when it failed. */
    const timed = async (kind: YcsbOperationKind, step: () => Promise<void>): Promise<boolean> => {
      const started = process.hrtime.bigint();
      try {
        await step();
        recordLatencyUs(tally(kind).histogram, Number(process.hrtime.bigint() - started) / 1000);
        return true;
      } catch (error) {
        if (!(error instanceof DynamoError)) throw error;
        tally(kind).errors++;
        return false;
      }
    };
    const read = async (key: string): Promise<void> => {
      contexts.set(key, (await cluster.get(key)).context);
    };
    const write = async (key: string, value: unknown): Promise<void> => {
      const context = contexts.get(key);
      contexts.set(key, (await cluster.put(key, value, context ? { context } : {})).context);
    };
    const transactions = plan.transactions(args.concurrency > 1 ? 'explicit' : 'immediate');
    let operations = 0;
    const execute = async (op: YcsbOperation): Promise<void> => {
      operations++;
      if (op.kind === 'READ') await timed('READ', () => read(op.key));
      else if (op.kind === 'UPDATE' || op.kind === 'INSERT') await timed(op.kind, () => write(op.key, op.value));
      else {
        // As YCSB: the read and the update are also counted as a READ and an UPDATE, and the
        // read-modify-write as a whole gets its own latency.
        const whole = process.hrtime.bigint();
        const ok = (await timed('READ', () => read(op.key))) && (await timed('UPDATE', () => write(op.key, op.value)));
        if (ok) recordLatencyUs(tally('READMODIFYWRITE').histogram, Number(process.hrtime.bigint() - whole) / 1000);
        else tally('READMODIFYWRITE').errors++;
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
    for (const [kind, { histogram, errors }] of tallies) {
      const s = summarize(histogram);
      if (s.count + errors > 0) perOp.set(kind, { ...s, count: s.count + errors, errors });
    }
    const report = formatYcsbReport(perOp, { runtimeMs, operations });
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
