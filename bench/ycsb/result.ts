/**
 * A YCSB run as JSON (printed with --json, written to ycsb.json), in the convention of every
 * JSON the bench writes (summary.json's): snake_case with units in the names, and N, W, R
 * upper case as in the paper. Operation kinds keep YCSB's section names (READ,
 * READ-MODIFY-WRITE), as in the text report.
 */
import type { BenchArgs } from '../args.js';
import type { StorageSummary } from '../cluster-data.js';
import type { YcsbWorkload } from './properties.js';
import { ycsbSection, type YcsbOpStats } from './report.js';
import type { PhaseStats } from './tally.js';

/** What one phase (load or run) measured. */
export interface PhaseOutcome {
  /** Wall-clock time of the phase. */
  readonly runtimeMs: number;
  /** Operations done (for the load phase, records written). */
  readonly operations: number;
  readonly stats: PhaseStats;
}

export interface YcsbPhaseResult {
  readonly runtime_ms: number;
  readonly operations: number;
  readonly throughput_ops_s: number;
  readonly ops: Record<string, YcsbOpStats>;
}

export interface YcsbResult {
  readonly workload: {
    readonly record_count: number;
    readonly operation_count: number;
    readonly proportions: { readonly read: number; readonly update: number; readonly insert: number; readonly read_modify_write: number };
    readonly request_distribution: string;
    readonly field_count: number;
    readonly field_length_bytes: number;
  };
  /** Properties of the file (or -p) that this bench does not use. */
  readonly ignored_properties: readonly string[];
  readonly N: number;
  readonly W: number;
  readonly R: number;
  readonly nodes: number;
  readonly vnodes: number;
  readonly concurrency: number;
  readonly coordination: 'node' | 'client';
  readonly seed: number;
  /** Where the nodes kept their data, as in summary.json. */
  readonly storage: StorageSummary;
  readonly load: YcsbPhaseResult;
  readonly run: YcsbPhaseResult;
}

export function ycsbResult(workload: YcsbWorkload, args: BenchArgs, load: PhaseOutcome, run: PhaseOutcome, storage: StorageSummary): YcsbResult {
  const p = workload.proportions;
  return {
    workload: {
      record_count: workload.recordCount,
      operation_count: workload.operationCount,
      proportions: { read: p.read, update: p.update, insert: p.insert, read_modify_write: p.readModifyWrite },
      request_distribution: workload.requestDistribution,
      field_count: workload.fieldCount,
      field_length_bytes: workload.fieldLengthBytes,
    },
    ignored_properties: workload.ignored,
    N: args.N,
    W: args.W,
    R: args.R,
    nodes: args.nodes,
    vnodes: args.vnodes,
    concurrency: args.concurrency,
    coordination: args.coordination,
    seed: args.seed,
    storage,
    load: phaseResult(load),
    run: phaseResult(run),
  };
}

function phaseResult({ runtimeMs, operations, stats }: PhaseOutcome): YcsbPhaseResult {
  return {
    runtime_ms: Math.round(runtimeMs),
    operations,
    throughput_ops_s: Math.round((operations / (runtimeMs / 1000)) * 10) / 10,
    ops: Object.fromEntries([...stats].map(([kind, s]) => [ycsbSection(kind), s])),
  };
}
