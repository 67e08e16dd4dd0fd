/**
 * One measured run: on a fresh cluster (a single run), or on one the suite's runs share (see
 * cluster-pool.ts); write every key, warm up, measure, with the run's own R and W on every
 * request.
 */
import type { Cluster } from '../src/index.js';
import { startRunCluster, type ClusterPool } from './cluster-pool.js';
import { runPhase, type ContextCache, type PhaseResult } from './driver.js';
import type { Progress } from './progress.js';
import { buildSummary, type RunBaseline, type RunDescription, type RunSummary } from './summary.js';
import { OpPlan } from './workload.js';

export interface RunSpec extends RunDescription {
  readonly vnodes: number;
  readonly timeoutMs: number;
  readonly warmupOps: number;
}

export interface MeasuredRun {
  readonly summary: RunSummary;
  readonly phase: PhaseResult;
}

/**
 * Preload writes in flight at once. Each key is read and written by one writer, so more in
 * flight costs nothing in conflicts, and larger batches per turn make the preload of a
 * 20-node cluster (every request to all 20) about a third faster than 16 did: the suite's
 * preloads took 4.1 s instead of 6.5 s (docs/PERFORMANCE.md).
 */
const PRELOAD_PARALLELISM = 64;
const PRELOAD_TIMEOUT_MS = 10_000;

/**
 * Measures `spec` on a cluster of `pool`'s, or on a fresh one stopped after it; `baseline`
 * (measured before, or null) goes into its summary. The warm-up runs on a cluster that has
 * not run before: one warm from earlier runs has its code compiled already.
 */
export async function measureRun(spec: RunSpec, baseline: RunBaseline | null, progress: Progress, label: string, pool?: ClusterPool): Promise<MeasuredRun> {
  const { cluster, warm } = pool ? await pool.acquire(spec) : { cluster: await startRunCluster(spec), warm: false };
  try {
    const plan = new OpPlan(spec.seed, spec.keys, spec.readRatio, spec.valueBytes);
    const contexts: ContextCache = new Map();
    await preload(cluster, plan, contexts, spec.timeoutMs);
    if (spec.warmupOps > 0 && !warm) {
      await runPhase(cluster, plan, contexts, { ops: spec.warmupOps, concurrency: spec.concurrency, timeoutMs: spec.timeoutMs, r: spec.R, w: spec.W });
    }
    const repairsBefore = (await cluster.stats()).totals.readRepairs;
    progress.start(label, spec.ops);
    const phase = await runPhase(cluster, plan, contexts, {
      ops: spec.ops,
      concurrency: spec.concurrency,
      rateOpsPerS: spec.rateOpsPerS,
      timeoutMs: spec.timeoutMs,
      r: spec.R,
      w: spec.W,
      onDone: () => progress.advance(),
    });
    progress.done();
    const repairs = (await cluster.stats()).totals.readRepairs - repairsBefore;
    return { summary: buildSummary(spec, phase, repairs, baseline), phase };
  } finally {
    if (!pool) await cluster.stop();
  }
}

/**
 * Writes every key to all N replicas before anything is measured, so that every GET of the
 * run reads a key that holds data (the seed's GETs never did). Each write carries the context
 * of a read of all N replicas first: on a cluster an earlier run of the suite used, a blind
 * write would leave that run's version beside the new one as a sibling, and the run would
 * measure reads of two versions; over the read it supersedes them, and every key starts the
 * run with one version, as on a fresh cluster.
 */
async function preload(cluster: Cluster, plan: OpPlan, contexts: ContextCache, timeoutMs: number): Promise<void> {
  const n = cluster.config.n;
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < plan.keys.length) {
      const index = next++;
      const key = plan.keys[index] ?? 'key0';
      // The preload may run on a cold cluster and is not measured: it gets a generous time
      // budget, whatever --timeout-ms says about the measured requests.
      const budgetMs = Math.max(timeoutMs, PRELOAD_TIMEOUT_MS);
      const read = await cluster.get(key, { r: n, timeoutMs: budgetMs });
      const { context } = await cluster.put(key, plan.preloadValue(index), { context: read.context, w: n, timeoutMs: budgetMs });
      contexts.set(key, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PRELOAD_PARALLELISM, plan.keys.length) }, writer));
}
