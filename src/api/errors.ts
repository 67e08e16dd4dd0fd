/**
 * The errors of the public API: one class, told apart by `code`.
 */

export const DynamoErrorCode = {
  /** A bad key, value, option, N/R/W or node id. */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** The value's serialized size is above `maxValueBytes`. */
  ValueTooLarge: 'VALUE_TOO_LARGE',
  /** The coordinator gave up: fewer than W (or R) replicas answered in time. */
  QuorumFailed: 'QUORUM_FAILED',
  /** No coordinator answered in time. */
  Timeout: 'TIMEOUT',
  /** The cluster was stopped. */
  Stopped: 'STOPPED',
  /** The caller's AbortSignal fired; a write may still complete in the cluster. */
  Aborted: 'ABORTED',
} as const;

export type DynamoErrorCode = (typeof DynamoErrorCode)[keyof typeof DynamoErrorCode];

/** Every error the engine's API rejects with. */
export class DynamoError extends Error {
  override readonly name = 'DynamoError';

  constructor(
    readonly code: DynamoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function invalidArgument(message: string): DynamoError {
  return new DynamoError(DynamoErrorCode.InvalidArgument, message);
}
