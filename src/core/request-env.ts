/**
 * What one request's state machine (get-request.ts, put-request.ts) works with, and what it
 * answers the coordinator (coordinator.ts), which finds it by request id.
 */
import type { Siblings } from '../protocol/data.js';
import type { ReplicaReadReply, ReplicaWriteAck } from '../protocol/messages.js';
import type { ContextLimits } from './causal-context.js';
import type { EngineTuning } from './config.js';
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import type { Ring } from './ring.js';

/** The coordinator's own node, when it is one (in client coordination it is not). */
export interface LocalReplica {
  readonly nodeId: string;
  read(key: string): Siblings;
  write(key: string, siblings: Siblings, hintFor: string | null): void;
}

export interface CoordinatorStats {
  gets: number;
  puts: number;
  quorumFailures: number;
  readRepairs: number;
  clockPrunes: number;
  siblingReads: number;
}

/**
 * What a request's state machine works with: one per coordinator, shared by all its
 * requests (each request keeps its own id), so that starting a request makes no environment.
 */
export interface RequestEnv {
  readonly tuning: EngineTuning;
  readonly sink: EffectSink;
  readonly detector: FailureDetector;
  /** The ring now: a request reads its preference list from it once, as it starts. */
  readonly ring: () => Ring;
  readonly nowMs: () => number;
  readonly local: LocalReplica | null;
  readonly stats: CoordinatorStats;
  /** Limits of the contexts handed to clients (§4.4). */
  readonly clientLimits: ContextLimits;
  /** The request `reqId` is over: forget it (late answers are then dropped). */
  finished(reqId: number): void;
}

/** A request waiting for replicas. */
export interface PendingRequest {
  onReadReply(from: string, msg: ReplicaReadReply): void;
  onWriteAck(from: string, msg: ReplicaWriteAck): void;
}

/** One replica gets at most half the request's time, so a replacement can still answer. */
export function attemptTimeoutMs(tuning: EngineTuning, requestTimeoutMs: number): number {
  return Math.max(1, Math.min(tuning.replicaTimeoutMs, Math.floor(requestTimeoutMs / 2)));
}

export function quorumMessage(op: 'get' | 'put', filled: number, needed: number, afterMs?: number): string {
  const when = afterMs === undefined ? 'no more replicas to try' : `timed out after ${afterMs} ms`;
  return op === 'put' ? `put reached ${filled} of W=${needed} acknowledgements (${when})` : `get reached ${filled} of R=${needed} replies (${when})`;
}
