/**
 * One measured run against a fresh cluster: start it, write every key, warm up, measure,
 * stop. Used by the single run, the suite's configurations and its scaling points.
 */
import { Cluster } from '../src/index.js';
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

/** Preload writes in flight at once. */
const PRELOAD_PARALLELISM = 16;
const PRELOAD_TIMEOUT_MS = 10_000;

/**
 * The cluster's value limit for a run: the engine's default (1 MiB, serialized), or more when
 * the values asked for need it (a string serializes to its length plus a few header bytes).
 */
export function valueLimitBytes(valueBytes: number): number {
  return Math.max(1024 * 1024, valueBytes + 1024);
}

/** Measures `spec` on a fresh cluster; `baseline` (measured before, or null) goes into its summary. */
export async function measureRun(spec: RunSpec, baseline: RunBaseline | null, progress: Progress, label: string): Promise<MeasuredRun> {
  const cluster = await Cluster.start({
    nodes: spec.nodes,
    n: spec.N,
    r: spec.R,
    w: spec.W,
    vnodes: spec.vnodes,
    coordination: spec.coordination,
    requestTimeoutMs: spec.timeoutMs,
    maxValueBytes: valueLimitBytes(spec.valueBytes),
  });
  try {
    const plan = new OpPlan(spec.seed, spec.keys, spec.readRatio, spec.valueBytes);
    const contexts: ContextCache = new Map();
    await preload(cluster, plan, contexts, spec.timeoutMs);
    if (spec.warmupOps > 0) {
      await runPhase(cluster, plan, contexts, { ops: spec.warmupOps, concurrency: spec.concurrency, timeoutMs: spec.timeoutMs });
    }
    const repairsBefore = (await cluster.stats()).totals.readRepairs;
    progress.start(label, spec.ops);
    const phase = await runPhase(cluster, plan, contexts, {
      ops: spec.ops,
      concurrency: spec.concurrency,
      rateOpsPerS: spec.rateOpsPerS,
      timeoutMs: spec.timeoutMs,
      onDone: () => progress.advance(),
    });
    progress.done();
    const repairs = (await cluster.stats()).totals.readRepairs - repairsBefore;
    return { summary: buildSummary(spec, phase, repairs, baseline), phase };
  } finally {
    await cluster.stop();
  }
}

/**
 * Writes every key to all N replicas before anything is measured, so that every GET of the
 * run reads a key that holds data (the seed's GETs never did).
 */
async function preload(cluster: Cluster, plan: OpPlan, contexts: ContextCache, timeoutMs: number): Promise<void> {
  const n = cluster.config.n;
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < plan.keys.length) {
      const index = next++;
      const key = plan.keys[index] ?? 'key0';
      // The preload runs on a cold cluster and is not measured: it gets a generous time budget,
    // whatever --timeout-ms says about the measured requests.
    const { context } = await cluster.put(key, plan.preloadValue(index), { w: n, timeoutMs: Math.max(timeoutMs, PRELOAD_TIMEOUT_MS) });
      contexts.set(key, context);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PRELOAD_PARALLELISM, plan.keys.length) }, writer));
}
