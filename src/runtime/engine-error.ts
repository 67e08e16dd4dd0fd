/**
 * How the runtime fails: an Error with a code of the one vocabulary (src/protocol/outcomes.ts).
 * The public API turns it into a DynamoError; the runtime never imports the API.
 */
import type { ErrorCode } from '../protocol/outcomes.js';

export class EngineError extends Error {
  override readonly name = 'EngineError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
