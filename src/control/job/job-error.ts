/**
 * How a job file is refused: one line a person can act on, naming the file and either the
 * line and column of a TOML syntax error or the entry and field whose meaning is wrong.
 */

/** `JOB_FILE_SYNTAX`: not TOML at all. `JOB_FILE_INVALID`: TOML, but not a job we can run. */
export const JobFileErrorCode = {
  Syntax: 'JOB_FILE_SYNTAX',
  Invalid: 'JOB_FILE_INVALID',
} as const;
export type JobFileErrorCode = (typeof JobFileErrorCode)[keyof typeof JobFileErrorCode];

/** A job file `dynamo job` cannot run; `message` is one line, starting with the file's name. */
export class JobFileError extends Error {
  override readonly name = 'JobFileError';

  constructor(
    readonly code: JobFileErrorCode,
    readonly fileName: string,
    message: string,
    /** Where a syntax error is, 1-based; undefined for errors of meaning. */
    readonly position?: { readonly line: number; readonly column: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A problem of meaning found while reading the parsed document. The readers do not know the
 * file's name, so they throw this and parseJobFile prefixes the name as it turns it into a
 * JobFileError.
 */
export class JobProblem extends Error {
  override readonly name = 'JobProblem';
}

/** `where: field "name": detail`, the shape of every error about one field. */
export function fieldProblem(where: string, field: string, detail: string): JobProblem {
  return new JobProblem(`${where}: field "${field}": ${detail}`);
}

/** A value as a message shows it: strings quoted, arrays and tables named, short. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `the date ${value.toISOString()}`;
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text.length <= 60 ? text : 'an array';
  }
  if (typeof value === 'object' && value !== null) return 'a table';
  return String(value);
}
