/**
 * The errors of the public API: one class, told apart by `code`. The codes are the engine's
 * one outcome vocabulary (src/protocol/outcomes.ts); this is the one place a failure of the
 * engine becomes a DynamoError.
 */
import { ErrorCode } from '../protocol/outcomes.js';
import type { Failure } from '../protocol/outcomes.js';
import { EngineError } from '../runtime/engine-error.js';

/** Every code a DynamoError may carry. */
export const DynamoErrorCode = ErrorCode;
export type DynamoErrorCode = ErrorCode;

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
  return new DynamoError(ErrorCode.InvalidArgument, message);
}

/** A failed request as the DynamoError it rejects with. */
export function fromFailure(outcome: Failure): DynamoError {
  return new DynamoError(outcome.code, outcome.message);
}

/** Whatever a call below the API threw, as a DynamoError (INTERNAL when it was not the engine's own). */
export function toDynamoError(error: unknown): DynamoError {
  if (error instanceof DynamoError) return error;
  if (error instanceof EngineError) return new DynamoError(error.code, error.message, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new DynamoError(ErrorCode.Internal, `internal error: ${message}`, { cause: error });
}

/**
 * Reads what a caller handed in; anything the reading itself throws (a getter that throws, a
 * proxy) is the caller's input at fault, so it is INVALID_ARGUMENT like any other bad input.
 */
export function readInput<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DynamoError) throw error;
    throw new DynamoError(ErrorCode.InvalidArgument, `the arguments could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Runs an engine call so that it can only reject with a DynamoError. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toDynamoError(error);
  }
}
