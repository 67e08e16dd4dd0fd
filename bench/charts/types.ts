import type { ConfigLatencyRecord, LatencyRecord, OpKind } from '../logs.js';
import type { CoordinationMode as Coordination } from '../../src/index.js';

/** How requests reach a coordinator: through a node, or coordinated by the client itself. */
export type { CoordinationMode as Coordination } from '../../src/index.js';

/**
 * The cluster a measurement ran on. The scaling points carry it and are written to
 * scaling.json as they are, so their fields follow the JSON convention of summary.json:
 * snake_case with units, N, W and R upper case as in the paper.
 */
export interface MeasuredCluster {
  N: number;
  W: number;
  R: number;
  nodes: number;
}

/** Throughput measured at one closed-loop concurrency level. */
export interface ThroughputPoint extends MeasuredCluster {
  concurrency: number;
  coordination: Coordination;
  throughput_ops_s: number;
}

/** Latency percentiles of one operation type measured at one replication factor N. */
export interface LatencyByNPoint extends MeasuredCluster {
  coordination: Coordination;
  op: OpKind;
  p50_us: number;
  p99_us: number;
}

/** Contents of the optional `scaling.json` written by the suite. */
export interface ScalingData {
  throughput: ThroughputPoint[];
  latency_by_N: LatencyByNPoint[];
}

/** Everything the charts are drawn from. */
export interface ChartInputs {
  basic: LatencyRecord[];
  /** The cluster of the basic run (latency.log does not say it); absent when unknown. */
  basicCluster?: MeasuredCluster;
  configs: ConfigLatencyRecord[];
  throughput?: ThroughputPoint[];
  latencyByN?: LatencyByNPoint[];
}
