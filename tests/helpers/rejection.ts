import { DynamoError } from '../../src/index.js';

/** The DynamoError `promise` rejects with; anything else (or no rejection) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<DynamoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DynamoError)) throw new Error(`expected a DynamoError, got ${String(error)}`);
  return error;
}
