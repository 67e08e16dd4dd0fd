/**
 * dynamo-workers: Amazon's Dynamo on Node.js worker threads. This is the whole public API;
 * nothing else is exported.
 */
export { Cluster } from './api/cluster.js';
export type { Context, GetOptions, GetResult, PutOptions, PutResult, InspectEntry, ClusterStats, ChaosRule, ChaosSelector, FaultCounters } from './api/cluster.js';
export type { ClusterOptions } from './api/options.js';
export { NodeThreads } from './api/node-threads.js';
export type { NodeThreadsOptions } from './api/node-threads.js';
export { DynamoError, DynamoErrorCode } from './api/errors.js';
export type { CoordinationMode } from './core/client.js';
export type { VectorClock, ClockEntry, Gap } from './protocol/data.js';
