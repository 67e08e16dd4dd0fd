/**
 * How the HTTP API says no: every error body is `{ code, message }`. A DynamoError keeps its
 * code and gets its status from one table; the HTTP layer's own refusals (a bad body, a
 * missing token, an unknown path) are HttpProblems; anything else is a bug below us, which is
 * logged in full and answered with a generic 500 so that no internal detail leaves the process.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DynamoError } from '../../api/errors.js';
import { ErrorCode } from '../../protocol/outcomes.js';

/** Codes only the HTTP layer gives (the engine's own are ErrorCode's). */
export const HttpErrorCode = {
  Unauthorized: 'UNAUTHORIZED',
  /** Authenticated by cookie, but a state-changing request without the CSRF header. */
  Forbidden: 'FORBIDDEN',
  /** An unknown path, or a key that holds no value. */
  NotFound: 'NOT_FOUND',
  /** Too many event streams open at once. */
  Unavailable: 'UNAVAILABLE',
} as const;

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** Every `code` an error body may carry. */
export type ApiErrorCode = ErrorCode | HttpErrorCode;

/** The body of every error answer. */
export interface ApiErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** The status of each engine error code. A Record, so that a new code cannot be forgotten. */
export const STATUS_OF_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  [ErrorCode.InvalidArgument]: 400,
  [ErrorCode.ValueTooLarge]: 413,
  [ErrorCode.QuorumFailed]: 503,
  [ErrorCode.Stopped]: 503,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.Storage]: 507,
  [ErrorCode.Aborted]: 503,
  [ErrorCode.Internal]: 500,
};

/** A refusal of the HTTP layer itself: thrown by a handler, answered by `errorResponse`. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A 400 INVALID_ARGUMENT naming what is wrong with the request. */
export function badRequest(message: string): HttpProblem {
  return new HttpProblem(400, ErrorCode.InvalidArgument, message);
}

/** Where errors the caller should not see go (the app's injected log). */
export type ErrorSink = (message: string) => void;

/** The JSON answer for anything a handler threw. Never throws itself. */
export function errorResponse(c: Context, error: unknown, logError: ErrorSink): Response {
  if (error instanceof HttpProblem) return c.json<ApiErrorBody>({ code: error.code, message: error.message }, error.status);
  if (error instanceof DynamoError) {
    // A code this table does not know (a newer engine) is still an answer, not a crash.
    const status = STATUS_OF_CODE[error.code] ?? 500;
    return c.json<ApiErrorBody>({ code: error.code, message: error.message }, status);
  }
  logError(`${c.req.method} ${c.req.path} failed: ${describe(error)}`);
  return c.json<ApiErrorBody>({ code: ErrorCode.Internal, message: 'internal error (see the node controller log)' }, 500);
}

/** An error's message and stack, for the log. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
