/**
 * A mistake in the bench's command line (args.ts, storage-args.ts), or in what it names (an
 * --out or --data-dir that cannot be used). Its own module so that every parser of the
 * command line can throw it without importing the others.
 */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
  readonly code = 'BENCH_ARGS';
  /** The exit code the CLI uses for a usage error. */
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
