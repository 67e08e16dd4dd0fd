/**
 * Command-line arguments of `node dist/sim.js`.
 *
 * Parsing is pure: nothing is printed and the process never exits from here. The caller gets
 * back what to do (run, or print help or the version) or a SimArgsError whose message is one
 * line naming what is wrong; the CLI prints it to stderr and exits with code 2, before any
 * seed runs.
 */
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { parseCommandLine, withHouseRules } from '../src/util/command-line.js';
import { readPackageManifest } from '../src/util/packages.js';

export interface SimArgs {
  /** The first seed, and how many seeds from it (1 with --seed). */
  readonly from: number;
  readonly seeds: number;
  /** True with --seed: one run, here on the main thread. */
  readonly single: boolean;
  /** Print the run's events (only with --seed). */
  readonly trace: boolean;
  /** Worker threads of the pool. */
  readonly threads: number;
  /** Print only the summary, as JSON. */
  readonly json: boolean;
}

/** What the CLI should do: run with these arguments, or print `text` to stdout and exit 0. */
export type SimCommand =
  | { readonly kind: 'run'; readonly args: SimArgs }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string };

/** A mistake in the command line. `message` is one line; print it without a stack trace. */
export class SimArgsError extends Error {
  override readonly name = 'SimArgsError';
  /** The exit code the CLI uses for a usage error. */
  readonly exitCode = 2;
}

export const DEFAULT_SEEDS = 1000;
const SCRIPT = 'node dist/sim.js';

/** Parses `process.argv.slice(2)`; throws SimArgsError on any user mistake. */
export function parseSimArgs(argv: readonly string[], cores: number = availableParallelism()): SimCommand {
  const command = parseCommandLine(buildParser(cores), argv, (message, cause) => new SimArgsError(message, { cause }), (error) => error instanceof SimArgsError);
  if (command.kind !== 'parsed') return command;
  const parsed = command.raw;
  return { kind: 'run', args: validate(parsed) };
}

function buildParser(cores: number) {
  return withHouseRules(
    yargs()
      .scriptName(SCRIPT)
      .usage(
        [
          'Run seeded simulations of the Dynamo cluster under faults, in parallel, and check each run.',
          '',
          'Usage:',
          `  ${SCRIPT} [--seeds N] [--from S]   seeds S .. S+N-1 on every core`,
          `  ${SCRIPT} --seed S [--trace]       one seed, here; --trace prints its events`,
          '',
          'One seed derives a whole run: nodes, N/R/W, node or client coordination, clock pruning,',
          'message delays, clients, and a schedule of partitions, one-way cuts, slow links, a crash',
          'and restart, joins and leaves, and for half the seeds chaos (random loss, duplication',
          'and delay). Anti-entropy and tombstone reaping run throughout. Clients add to sets by',
          'read-merge-write and write then delete other keys; then the network heals. Liveness:',
          'without a read, the run must go quiet (no hint, handoff or suspicion left, every key\'s',
          'primaries identical) within 10 virtual seconds. Safety, from final reads: writes',
          'acknowledged at W are in W replica slots, no acknowledged add is lost, no acknowledged',
          'delete comes back, no value appears that nobody wrote, one write is one version, every',
          'context within bounds.',
          '',
          'A failing seed prints its violations and the command that replays it with a trace.',
          'Exit code: 0 when every seed passes, 1 when any fails, 2 for a bad command line.',
        ].join('\n'),
      )
      .option('seeds', { describe: 'how many seeds to run (integer >= 1)', requiresArg: true, default: DEFAULT_SEEDS })
      .option('from', { describe: 'the first seed (integer >= 0)', requiresArg: true, default: 1 })
      .option('seed', { describe: 'run this one seed (integer >= 0) on the main thread', requiresArg: true })
      .option('trace', { describe: 'with --seed: print every event of the run, one per line (messages delivered and dropped, faults, client requests and outcomes)', type: 'boolean', default: false })
      .option('threads', { describe: 'worker threads running seeds', requiresArg: true, default: cores, defaultDescription: `available cores (${cores})` })
      .option('json', { describe: 'print only the summary, as JSON', type: 'boolean', default: false })
      .example(`${SCRIPT} --seeds 10000`, 'seeds 1 .. 10000')
      .example(`${SCRIPT} --seed 1234 --trace`, 'replay seed 1234 and print its events'),
    readPackageManifest(import.meta.url)?.version ?? 'unknown',
    (message, cause) => new SimArgsError(message, { cause }),
  );
}

function validate(raw: Record<string, unknown>): SimArgs {
  const positionals = Array.isArray(raw['_']) ? raw['_'] : [];
  if (positionals.length > 0) throw new SimArgsError(`unexpected argument ${JSON.stringify(String(positionals[0]))}: options only, see --help`);
  const trace = raw['trace'] === true;
  const json = raw['json'] === true;
  const threads = integer(raw, 'threads', 1);
  if (raw['seed'] !== undefined) {
    const given = ['seeds', 'from'].filter((name) => wasGiven(raw, name));
    if (given.length > 0) throw new SimArgsError(`--seed runs one seed: it cannot be combined with ${given.map((n) => `--${n}`).join(' or ')}`);
    if (trace && json) throw new SimArgsError('--trace and --json cannot be combined: the trace is text');
    return { from: integer(raw, 'seed', 0), seeds: 1, single: true, trace, threads, json };
  }
  if (trace) throw new SimArgsError('--trace needs --seed S: it traces one run (e.g. --seed 1234 --trace)');
  const from = integer(raw, 'from', 0);
  const seeds = integer(raw, 'seeds', 1);
  if (from > Number.MAX_SAFE_INTEGER - (seeds - 1)) throw new SimArgsError(`--from ${from} with --seeds ${seeds} passes the largest seed, ${Number.MAX_SAFE_INTEGER}`);
  return { from, seeds, single: false, trace, threads, json };
}

/** Defaults arrive as numbers, what the user typed as strings. */
function wasGiven(raw: Record<string, unknown>, name: string): boolean {
  return typeof raw[name] === 'string';
}

const INTEGER = /^[+-]?\d+$/;

function integer(raw: Record<string, unknown>, name: string, min: number): number {
  const value = raw[name];
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !INTEGER.test(value.trim())) throw new SimArgsError(`--${name} must be an integer, got ${JSON.stringify(value)}`);
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new SimArgsError(`--${name} must be a safe integer, got ${JSON.stringify(value)}`);
  if (parsed < min) throw new SimArgsError(`--${name} must be at least ${min}, got ${parsed}`);
  return parsed;
}

