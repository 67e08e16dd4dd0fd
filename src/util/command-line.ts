/**
 * Command-line plumbing the bench and the simulator share: running a yargs parser without
 * letting it exit the process, one-line error messages, and a closed stdout taken calmly.
 * Only yargs' types are imported: the parser itself is passed in.
 */
import type { Argv } from 'yargs';

/** The `parse` method of a yargs parser built with `.exitProcess(false)`. */
export interface CommandParser {
  parse(args: string[], context: object, done: (error: unknown, result: Record<string, unknown>, output: string) => void): unknown;
}

export type ParsedCommandLine =
  | { readonly kind: 'help' | 'version'; readonly text: string }
  | { readonly kind: 'parsed'; readonly raw: Record<string, unknown> };

/**
 * Parses `argv`; `--help` and `--version` give their text. A parser's own mistake reports
 * (`isMistake`) pass through; anything else it throws becomes `mistake(message)`.
 */
export function parseCommandLine(
  parser: CommandParser,
  argv: readonly string[],
  mistake: (message: string, cause?: unknown) => Error,
  isMistake: (error: unknown) => boolean,
): ParsedCommandLine {
  let parsed: Record<string, unknown> | undefined;
  let output = '';
  try {
    parser.parse([...argv], {}, (_error, result, text) => {
      parsed = result;
      output = text;
    });
  } catch (error) {
    if (isMistake(error)) throw error;
    throw mistake(oneLine(error instanceof Error ? error.message : String(error)), error);
  }
  if (parsed === undefined) throw mistake('could not parse the command line');
  if (parsed['help'] === true) return { kind: 'help', text: output };
  if (parsed['version'] === true) return { kind: 'version', text: output };
  return { kind: 'parsed', raw: parsed };
}

/**
 * The rules both CLIs parse by: numbers stay strings until checked, a repeated option takes
 * its last value, unknown options are mistakes, `-h`, a version, English messages whatever the
 * locale, and a mistake thrown as `mistake(message)` instead of an exit.
 */
export function withHouseRules<T>(parser: Argv<T>, version: string, mistake: (message: string, cause?: unknown) => Error): Argv<T> {
  return (
    parser
      .parserConfiguration({
        'parse-numbers': false,
        'parse-positional-numbers': false,
        // A repeated option takes its last value, as most CLIs do, instead of becoming an array.
        'duplicate-arguments-array': false,
      })
      .strict()
      .help()
      .alias('help', 'h')
      .version(version)
      // Pinned so that messages and help do not depend on the machine's locale or terminal.
      .locale('en')
      .wrap(100)
      .exitProcess(false)
      .fail((message: string | undefined, error: Error | undefined) => {
        throw mistake(oneLine(message ?? error?.message ?? 'invalid arguments'), error);
      })
  );
}

/** A message on one line (yargs wraps its own). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** `... | head` closes stdout early: that is the reader's choice, not an error. */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Resolves with the first SIGINT or SIGTERM: how a server command is told to stop. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** A server command's log: one line on stderr, stamped with the time. */
export function logToStderr(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/**
 * A command's parsed arguments, or the exit code when there is nothing to run: 0 after
 * printing --help or --version, 2 after printing the mistake (`name: message`) on stderr.
 */
export function argumentsOrExitCode<T>(name: string, parse: () => { readonly kind: 'help' | 'version'; readonly text: string } | { readonly kind: 'run'; readonly args: T }): { readonly args: T } | number {
  let parsed;
  try {
    parsed = parse();
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    return 2;
  }
  if (parsed.kind !== 'run') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  return { args: parsed.args };
}
