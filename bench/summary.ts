/**
 * The JSON summary of one run (the shape ../shared/DESIGN.md fixes for --json), and how it
 * is built from a measured phase.
 */
import { summarize, type LatencySummary } from './hdr.js';
import type { BaselineResult } from './baseline.js';
import type { PhaseResult } from './driver.js';

type Percentiles = Pick<LatencySummary, 'count' | 'mean_us' | 'p50_us' | 'p90_us' | 'p99_us' | 'p999_us' | 'max_us'>;

/** What describes a run, in the bench's own (camelCase) terms. */
export interface RunDescription {
  readonly ops: number;
  readonly N: number;
  readonly W: number;
  readonly R: number;
  readonly nodes: number;
  readonly concurrency: number;
  readonly coordination: 'node' | 'client';
  readonly rateOpsPerS: number | undefined;
  readonly keys: number;
  readonly valueBytes: number;
  readonly readRatio: number;
  readonly seed: number;
}

/** The JSON summary: the run's description (snake_case where DESIGN.md names it so) and its results. */
export interface RunSummary extends Pick<RunDescription, 'ops' | 'N' | 'W' | 'R' | 'nodes' | 'concurrency' | 'coordination' | 'keys' | 'seed'> {
  readonly rate_ops_s: number | null;
  readonly value_bytes: number;
  readonly read_ratio: number;
  readonly get: Percentiles & { readonly hits: number; readonly hit_rate: number; readonly sibling_reads: number };
  readonly put: Percentiles;
  readonly read_repairs: number;
  readonly throughput_ops_s: number;
  readonly duration_s: number;
  /** Failed operations in total, and by error code. */
  readonly errors: number;
  readonly errors_by_code: Record<string, number>;
  readonly baseline: BaselineResult;
  /** Each p50 as a multiple of the baseline round trip (what the engine adds to the transport). */
  readonly baseline_multiples: { readonly get_p50: number; readonly put_p50: number };
}

function percentiles(summary: LatencySummary): Percentiles {
  const { count, mean_us, p50_us, p90_us, p99_us, p999_us, max_us } = summary;
  return { count, mean_us, p50_us, p90_us, p99_us, p999_us, max_us };
}

const ratio = (value: number, base: number): number => (base > 0 ? Math.round((value / base) * 100) / 100 : 0);

export function buildSummary(run: RunDescription, phase: PhaseResult, readRepairs: number, baseline: BaselineResult): RunSummary {
  const get = summarize(phase.get);
  const put = summarize(phase.put);
  const errors = Object.values(phase.errors).reduce((a, b) => a + b, 0);
  const done = get.count + put.count + errors;
  return {
    ops: run.ops,
    N: run.N,
    W: run.W,
    R: run.R,
    nodes: run.nodes,
    concurrency: run.concurrency,
    coordination: run.coordination,
    rate_ops_s: run.rateOpsPerS ?? null,
    keys: run.keys,
    value_bytes: run.valueBytes,
    read_ratio: run.readRatio,
    seed: run.seed,
    get: { ...percentiles(get), hits: phase.hits, hit_rate: get.count > 0 ? Math.round((phase.hits / get.count) * 1e4) / 1e4 : 0, sibling_reads: phase.siblingReads },
    put: percentiles(put),
    read_repairs: readRepairs,
    throughput_ops_s: Math.round((done / (phase.elapsedMs / 1000)) * 10) / 10,
    duration_s: Math.round(phase.elapsedMs) / 1000,
    errors,
    errors_by_code: phase.errors,
    baseline,
    baseline_multiples: { get_p50: ratio(get.p50_us, baseline.rtt_p50_us), put_p50: ratio(put.p50_us, baseline.rtt_p50_us) },
  };
}
