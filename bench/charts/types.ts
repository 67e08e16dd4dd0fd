import type { ConfigLatencyRecord, LatencyRecord, OpKind } from '../logs.js';
import type { CoordinationMode as Coordination } from '../../src/index.js';

/** How requests reach a coordinator: through a node, or coordinated by the client itself. */
export type { CoordinationMode as Coordination } from '../../src/index.js';

/** Throughput measured at one closed-loop concurrency level. */
export interface ThroughputPoint {
  concurrency: number;
  coordination: Coordination;
  throughputOpsS: number;
}

/** Latency percentiles of one operation type measured at one replication factor N. */
export interface LatencyByNPoint {
  n: number;
  coordination: Coordination;
  op: OpKind;
  p50Us: number;
  p99Us: number;
}

/** Contents of the optional `scaling.json` written by the suite. */
export interface ScalingData {
  throughput: ThroughputPoint[];
  latencyByN: LatencyByNPoint[];
}

/** Everything the charts are drawn from. */
export interface ChartInputs {
  basic: LatencyRecord[];
  configs: ConfigLatencyRecord[];
  throughput?: ThroughputPoint[];
  latencyByN?: LatencyByNPoint[];
}
