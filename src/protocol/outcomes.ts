/**
 * The one vocabulary of outcomes: the coordinator, the client state machine, the client
 * driver and the wire all speak it, and the public API maps it to `DynamoError` once.
 */
import type { CausalContext, Version } from './data.js';

/** Why a request or a call failed. */
export const ErrorCode = {
  /** A bad key, value, option, N/R/W, context or node id. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The value's serialized size is above `maxValueBytes`. */
  ValueTooLarge: 'VALUE_TOO_LARGE',
  /** The coordinator gave up: fewer than W (or R) replicas answered in time. */
  QuorumFailed: 'QUORUM_FAILED',
  /** No coordinator answered in time (or a control call did not). */
  Timeout: 'TIMEOUT',
  /** The cluster was stopped. */
  Stopped: 'STOPPED',
  /** The caller's AbortSignal fired; a write may still complete in the cluster. */
  Aborted: 'ABORTED',
  /** A durable node's storage cannot be opened or written: the message names the path and what to do. */
  Storage: 'STORAGE',
  /** The engine could not do it for a reason that is not the caller's: a worker thread failed, or a bug. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A request that failed, as plain data (never an Error object across a port). */
export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export type GetOutcome =
  | {
      readonly ok: true;
      /** Every concurrent version read, tombstones included. */
      readonly versions: readonly Version[];
      /** Covers every version read; hand it to the write that resolves them. */
      readonly context: CausalContext;
      /** Replicas that answered, the fastest first. */
      readonly repliedBy: readonly string[];
    }
  | Failure;

export type PutOutcome =
  | {
      readonly ok: true;
      /** Covers the version just written. */
      readonly context: CausalContext;
      readonly ackedBy: readonly string[];
    }
  | Failure;

export function failure(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}
