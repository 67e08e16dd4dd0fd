/**
 * The JSON summary of one run (the shape ../shared/DESIGN.md fixes for --json), and how it
 * is built from a measured phase.
 */
import { summarize, type LatencySummary } from './hdr.js';
import type { BaselineResult } from './baseline.js';
import type { PhaseResult } from './driver.js';
import type { FloorFigures } from './floor.js';
import type { StorageSummary } from './cluster-data.js';

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

/** What a run is compared with, measured before its cluster started. */
export interface RunBaseline extends BaselineResult {
  /**
   * The replicated floor (bench/floor.ts): the same threads, mesh, batching and message count
   * per request as the engine for this run's N/W/R, nodes, coordination, concurrency and
   * workload, without the Dynamo logic.
   */
  readonly floor: FloorFigures;
}

/** The engine's figures over the floor's (engine / floor): like over like. */
export interface FloorMultiples {
  /** GET p50 over the floor's p50; PUT likewise. */
  readonly get_p50: number;
  readonly put_p50: number;
  /** GET p99 over the floor's p99; PUT likewise. */
  readonly get_p99: number;
  readonly put_p99: number;
  /** The engine's throughput over the floor's (below 1: the engine does less per second). */
  readonly throughput: number;
}

/** The JSON summary: the run's description (snake_case where DESIGN.md names it so) and its results. */
export interface RunSummary extends Pick<RunDescription, 'ops' | 'N' | 'W' | 'R' | 'nodes' | 'concurrency' | 'coordination' | 'keys' | 'seed'> {
  readonly rate_ops_s: number | null;
  readonly value_bytes: number;
  readonly read_ratio: number;
  /** Where the nodes kept their data: memory, or LMDB with its durability and directory. */
  readonly storage: StorageSummary;
  readonly get: Percentiles & { readonly hits: number; readonly hit_rate: number; readonly sibling_reads: number };
  readonly put: Percentiles;
  readonly read_repairs: number;
  readonly throughput_ops_s: number;
  readonly duration_s: number;
  /** Failed operations in total, and by error code. */
  readonly errors: number;
  readonly errors_by_code: Record<string, number>;
  /** The ping-pong and the floor; null when the run was started with --no-baseline. */
  readonly baseline: RunBaseline | null;
  /** Each p50 as a multiple of the ping-pong's round trip p50; null with --no-baseline. */
  readonly baseline_multiples: { readonly get_p50: number; readonly put_p50: number } | null;
  /** The engine over the floor (see FloorMultiples); null with --no-baseline. */
  readonly floor_multiples: FloorMultiples | null;
}

function percentiles(summary: LatencySummary): Percentiles {
  const { count, mean_us, p50_us, p90_us, p99_us, p999_us, max_us } = summary;
  return { count, mean_us, p50_us, p90_us, p99_us, p999_us, max_us };
}

/** value / base to `decimals` places; 0 when there is no base to compare with. */
const ratio = (value: number, base: number, decimals = 2): number => (base > 0 ? Math.round((value / base) * 10 ** decimals) / 10 ** decimals : 0);

export function buildSummary(run: RunDescription, phase: PhaseResult, readRepairs: number, baseline: RunBaseline | null, storage: StorageSummary): RunSummary {
  const get = summarize(phase.get);
  const put = summarize(phase.put);
  const errors = Object.values(phase.errors).reduce((a, b) => a + b, 0);
  const done = get.count + put.count + errors;
  const throughputOpsS = Math.round((done / (phase.elapsedMs / 1000)) * 10) / 10;
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
    storage,
    get: { ...percentiles(get), hits: phase.hits, hit_rate: get.count > 0 ? Math.round((phase.hits / get.count) * 1e4) / 1e4 : 0, sibling_reads: phase.siblingReads },
    put: percentiles(put),
    read_repairs: readRepairs,
    throughput_ops_s: throughputOpsS,
    duration_s: Math.round(phase.elapsedMs) / 1000,
    errors,
    errors_by_code: phase.errors,
    baseline,
    baseline_multiples: baseline && { get_p50: ratio(get.p50_us, baseline.rtt_p50_us), put_p50: ratio(put.p50_us, baseline.rtt_p50_us) },
    floor_multiples: baseline && {
      get_p50: ratio(get.p50_us, baseline.floor.p50_us),
      put_p50: ratio(put.p50_us, baseline.floor.p50_us),
      get_p99: ratio(get.p99_us, baseline.floor.p99_us),
      put_p99: ratio(put.p99_us, baseline.floor.p99_us),
      // Often well below 1: three places keep 0.027 from reading as 0.03.
      throughput: ratio(throughputOpsS, baseline.floor.throughput_ops_s, 3),
    },
  };
}
