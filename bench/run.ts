/**
 * One measured run: on a fresh cluster (a single run), or on one the suite's runs share (see
 * cluster-pool.ts); write every key, warm up, measure, with the run's own R and W on every
 * request.
 */
import type { Cluster } from '../src/index.js';
import { MEMORY_SUMMARY, type ClusterData } from './cluster-data.js';
import { ClusterPool, startRunCluster } from './cluster-pool.js';
import { runPhase, type ContextCache, type PhaseResult } from './driver.js';
import type { Progress } from './progress.js';
import { buildSummary, type RunBaseline, type RunDescription, type RunSummary } from './summary.js';
import { warmupPhases } from './warmup.js';
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
 * Measures `spec` on a cluster of a pool's, or on a fresh one stopped after it, its data in
 * `clusters` (a directory its caller made, and removes after; memory by default); `baseline`
 * (measured before, or null) goes into its summary. The warm-up runs only where code is still
 * to compile (see AcquiredCluster.warm).
 */
export async function measureRun(spec: RunSpec, baseline: RunBaseline | null, progress: Progress, label: string, clusters?: ClusterPool | ClusterData): Promise<MeasuredRun> {
  const pool = clusters instanceof ClusterPool ? clusters : undefined;
  const data = clusters instanceof ClusterPool ? undefined : clusters;
  const { cluster, warm, written, storage } = pool
    ? await pool.acquire(spec)
    : { cluster: await startRunCluster(spec, undefined, data?.option), warm: false, written: null, storage: data?.summary ?? MEMORY_SUMMARY };
  try {
    const plan = new OpPlan(spec.seed, spec.keys, spec.readRatio, spec.valueBytes);
    const contexts: ContextCache = new Map();
    const rewrite = written === null || written.keys < spec.keys || written.valueBytes !== spec.valueBytes;
    await preload(cluster, plan, contexts, spec.timeoutMs, rewrite);
    pool?.wrote(cluster, { keys: spec.keys, valueBytes: spec.valueBytes });
    if (spec.warmupOps > 0 && !warm) {
      await warmUp(cluster, plan, contexts, { ops: spec.warmupOps, concurrency: spec.concurrency, timeoutMs: spec.timeoutMs, r: spec.R, w: spec.W });
      pool?.warmedUp();
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
    return { summary: buildSummary(spec, phase, repairs, baseline, storage), phase };
  } finally {
    if (!pool) await cluster.stop();
  }
}

export interface WarmupOptions {
  readonly ops: number;
  /** The run's concurrency. */
  readonly concurrency: number;
  /** The run's time budget per request. */
  readonly timeoutMs: number;
  readonly r?: number | undefined;
  readonly w?: number | undefined;
}

/**
 * Warms `cluster` up as a run does (bench/warmup.ts), its results not kept: first the part at
 * concurrency 64, then every key brought back to one version (clients writing one key at once
 * leave siblings, which a run at a lower concurrency would otherwise start with), then the
 * part at the run's own concurrency, so that the measuring starts right after requests like
 * its own. The part at 64 may be the first load a cold cluster meets: its requests get the
 * preload's time budget, since one that timed out would leave its replicas suspected and
 * hints queued for the run.
 */
export async function warmUp(cluster: Cluster, plan: OpPlan, contexts: ContextCache, options: WarmupOptions): Promise<void> {
  const { concurrency, timeoutMs, r, w } = options;
  for (const phase of warmupPhases(options.ops, concurrency)) {
    if (phase.concurrency > concurrency) {
      await runPhase(cluster, plan, contexts, { ops: phase.ops, concurrency: phase.concurrency, timeoutMs: Math.max(timeoutMs, PRELOAD_TIMEOUT_MS), r, w });
      await preload(cluster, plan, contexts, timeoutMs, false);
    } else {
      await runPhase(cluster, plan, contexts, { ops: phase.ops, concurrency: phase.concurrency, timeoutMs, r, w });
    }
  }
}

/**
 * Makes every key hold one version on all N replicas before anything is measured, so that
 * every GET of the run reads a key that holds data (the seed's GETs never did), and notes
 * each key's context for the run's writes. Each key is read from all N replicas first. With
 * `rewrite` (a new cluster, or keys or a value size that earlier runs did not write) it is
 * then written to all N over that read's context: on a cluster an earlier run used, a blind
 * write would leave that run's version beside the new one as a sibling. Without it, a key
 * is written only when the read did not find exactly one value (the bench never deletes):
 * the read of all N brings any replica behind up to date (read repair), and a write would
 * only replace the value with another of the same size. Either way every key starts the run
 * with one version, as on a fresh cluster; the suite's runs after the first on a cluster
 * send half the requests.
 */
async function preload(cluster: Cluster, plan: OpPlan, contexts: ContextCache, timeoutMs: number, rewrite: boolean): Promise<void> {
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
      if (!rewrite && read.values.length === 1) {
        contexts.set(key, read.context);
        continue;
      }
      const { context } = await cluster.put(key, plan.preloadValue(index), { context: read.context, w: n, timeoutMs: budgetMs });
      contexts.set(key, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PRELOAD_PARALLELISM, plan.keys.length) }, writer));
}
