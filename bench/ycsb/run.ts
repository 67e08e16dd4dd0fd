/**
 * `node dist/bench.js --ycsb FILE`: a YCSB CoreWorkload against a fresh cluster. The load
 * phase writes recordcount records; the transaction phase runs operationcount operations
 * (or <ops> when given) with --concurrency clients. Each phase is timed per operation kind
 * and reported as YCSB reports it, the load phase as YCSB's `load` command does ([INSERT]).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster, Context } from '../../src/index.js';
import { BenchArgsError, type BenchArgs } from '../args.js';
import { prepareOutDir } from '../out-dir.js';
import type { Progress } from '../progress.js';
import { startRunCluster } from '../cluster-pool.js';
import { describeStorage, freshClusterData, type ClusterData } from '../cluster-data.js';
import { parseYcsbProperties, type YcsbWorkload } from './properties.js';
import { formatYcsbReport } from './report.js';
import { ycsbResult, type PhaseOutcome } from './result.js';
import { PhaseTally } from './tally.js';
import { planYcsb, type YcsbOperation, type YcsbPlan } from './workload.js';

/** The files a YCSB run writes to --out. */
const LOAD_REPORT = 'ycsb-load.txt';
const RUN_REPORT = 'ycsb.txt';
const RESULT_JSON = 'ycsb.json';

/** The load phase is not what a workload measures: a cold cluster gets a generous time budget. */
const LOAD_TIMEOUT_MS = 10_000;

type ContextCache = Map<string, Context>;

/**
 * Runs the workload. `print` takes the report (stdout); `note` takes remarks that are not
 * part of it (stderr), such as the properties this bench ignored.
 */
export async function runYcsb(args: BenchArgs, progress: Progress, print: (text: string) => void, note: (text: string) => void): Promise<void> {
  const workload = await readWorkload(args);
  if (workload.ignored.length > 0) note(`ycsb: properties this bench does not use, ignored: ${workload.ignored.join(', ')}`);
  const plan = planYcsb(workload, args.seed);
  await prepareOutDir(args.outDir);
  const data = await freshClusterData(args.storage);
  try {
    await runOn(data, workload, plan, args, progress, print);
  } finally {
    await data.release();
  }
}

/** The workload on a new cluster with its data in `data`, stopped after it. */
async function runOn(data: ClusterData, workload: YcsbWorkload, plan: YcsbPlan, args: BenchArgs, progress: Progress, print: (text: string) => void): Promise<void> {
  // A record is fieldcount fields of fieldlength characters, plus names and framing.
  const cluster = await startRunCluster({ ...args, valueBytes: workload.fieldCount * (workload.fieldLengthBytes + 16) }, undefined, data.option);
  try {
    const contexts: ContextCache = new Map();
    const load = await loadPhase(cluster, plan, contexts, args, progress);
    const run = await transactionPhase(cluster, plan, contexts, args, progress);
    const loadReport = formatYcsbReport(load.stats, load);
    const runReport = formatYcsbReport(run.stats, run);
    const result = ycsbResult(workload, args, load, run, data.summary);
    await Promise.all([
      writeFile(join(args.outDir, LOAD_REPORT), loadReport),
      writeFile(join(args.outDir, RUN_REPORT), runReport),
      writeFile(join(args.outDir, RESULT_JSON), `${JSON.stringify(result, null, 2)}\n`),
    ]);
    if (args.json) {
      print(JSON.stringify(result));
      return;
    }
    print(`YCSB load: ${workload.recordCount} records of ${workload.fieldCount} fields x ${workload.fieldLengthBytes} bytes, written to all N=${args.N} replicas (W=N) by ${args.concurrency} client${args.concurrency === 1 ? '' : 's'}`);
    print(loadReport);
    print(`YCSB run: ${describeWorkload(workload)} at N=${args.N} W=${args.W} R=${args.R}, ${args.nodes} nodes, ${args.coordination} coordination, concurrency ${args.concurrency}, seed ${args.seed}`);
    print(runReport);
    print(describeStorage(data.summary));
    print(`files in ${args.outDir}: ${LOAD_REPORT} ${RUN_REPORT} ${RESULT_JSON}`);
  } finally {
    await cluster.stop();
  }
}

async function readWorkload(args: BenchArgs): Promise<YcsbWorkload> {
  const file = args.ycsbFile ?? '';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BenchArgsError(`cannot read the YCSB workload ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseYcsbProperties(text, args.ycsbOverrides);
  return args.opsGiven ? { ...parsed, operationCount: args.ops } : parsed;
}

function describeWorkload(workload: YcsbWorkload): string {
  const p = workload.proportions;
  const mix = [['read', p.read], ['update', p.update], ['insert', p.insert], ['read-modify-write', p.readModifyWrite]] as const;
  const shares = mix.filter(([, share]) => share > 0).map(([name, share]) => `${name} ${share}`);
  return `${workload.operationCount} operations (${shares.join(', ')}; ${workload.requestDistribution})`;
}

/**
 * Writes recordcount records to all N replicas, so that every read of the run finds data
 * wherever it lands; each write is timed as YCSB's load times its inserts.
 */
async function loadPhase(cluster: Cluster, plan: YcsbPlan, contexts: ContextCache, args: BenchArgs, progress: Progress): Promise<PhaseOutcome> {
  const tally = new PhaseTally();
  const records = plan.load();
  progress.start('ycsb load', plan.workload.recordCount);
  const startedMs = performance.now();
  await parallel(args.concurrency, async () => {
    for (let next = records.next(); !next.done; next = records.next()) {
      const { key, value } = next.value;
      await tally.timed('INSERT', async () => {
        contexts.set(key, (await cluster.put(key, value, { w: args.N, timeoutMs: Math.max(args.timeoutMs, LOAD_TIMEOUT_MS) })).context);
      });
      progress.advance();
    }
  });
  const runtimeMs = Math.max(performance.now() - startedMs, 0.001);
  progress.done();
  return { runtimeMs, operations: plan.workload.recordCount, stats: tally.stats() };
}

/** Runs operationcount operations with --concurrency closed-loop clients. */
async function transactionPhase(cluster: Cluster, plan: YcsbPlan, contexts: ContextCache, args: BenchArgs, progress: Progress): Promise<PhaseOutcome> {
  const tally = new PhaseTally();
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
    if (op.kind === 'READ') await tally.timed('READ', () => read(op.key));
    else if (op.kind === 'UPDATE' || op.kind === 'INSERT') await tally.timed(op.kind, () => write(op.key, op.value));
    else {
      // As YCSB: the read and the update are also counted as a READ and an UPDATE, and the
      // read-modify-write as a whole gets its own latency.
      const whole = process.hrtime.bigint();
      const ok = (await tally.timed('READ', () => read(op.key))) && (await tally.timed('UPDATE', () => write(op.key, op.value)));
      if (ok) tally.record('READMODIFYWRITE', Number(process.hrtime.bigint() - whole) / 1000);
      else tally.fail('READMODIFYWRITE');
    }
    if (op.kind === 'INSERT' && args.concurrency > 1) transactions.acknowledgeInsert(op.keynum);
    progress.advance();
  };
  progress.start('ycsb run', plan.workload.operationCount);
  const startedMs = performance.now();
  await parallel(args.concurrency, async () => {
    for (let next = transactions.next(); !next.done; next = transactions.next()) await execute(next.value);
  });
  const runtimeMs = Math.max(performance.now() - startedMs, 0.001);
  progress.done();
  return { runtimeMs, operations, stats: tally.stats() };
}

/** Runs `count` copies of a worker loop that share one iterator. */
async function parallel(count: number, worker: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, count) }, worker));
}
