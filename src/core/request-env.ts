/**
 * What one request's state machine (get-request.ts, put-request.ts) works with, and what it
 * answers the coordinator (coordinator.ts), which finds it by request id.
 */
import type { Siblings } from '../protocol/data.js';
import type { ReplicaReadReply, ReplicaWriteAck } from '../protocol/messages.js';
import type { ContextLimits } from './causal-context.js';
import type { EngineTuning } from './config.js';
import { isDue, type EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import type { ReplicaFanout } from './replica-fanout.js';
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

/**
 * What a request has to do first at `nowMs`, of the moments it waits for: its deadline, a
 * launch of attempts timing out (its number), or the end of its window (a get's read-repair
 * window, made after the launches up to `windowAfterWave`); null when none is due. Earliest
 * first, and of moments due together the one made first, in the order separate timers ran:
 * the deadline, the launches in turn, the window among them. Pass +Infinity for a moment the
 * request no longer waits for.
 */
export function dueFirst(nowMs: number, deadlineMs: number, fanout: ReplicaFanout, windowMs: number, windowAfterWave: number): 'deadline' | 'window' | number | null {
  const next = fanout.nextDue();
  const attemptsMs = next?.dueMs ?? Number.POSITIVE_INFINITY;
  const earliestMs = Math.min(deadlineMs, windowMs, attemptsMs);
  if (!isDue(earliestMs, nowMs)) return null;
  if (earliestMs === deadlineMs) return 'deadline';
  if (next !== null && earliestMs === attemptsMs && (earliestMs !== windowMs || next.wave <= windowAfterWave)) return next.wave;
  return 'window';
}
