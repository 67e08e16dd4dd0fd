/**
 * Command-line arguments of `node dist/bench.js <ops> <N> <W> <R> [options]`.
 *
 * Parsing is pure: nothing is printed and the process never exits from here. The caller gets
 * back what to do (run, or print help or the version) or a BenchArgsError whose message is one
 * line naming what is wrong; the CLI prints it to stderr and exits with code 2.
 */
import { randomInt } from 'node:crypto';
import yargs from 'yargs';
import { parseCommandLine, withHouseRules } from '../src/util/command-line.js';
import { readPackageManifest } from './packages.js';
import type { CoordinationMode as Coordination } from '../src/index.js';
import { propertyOverrideTexts, splitPropertyOverride } from './ycsb/overrides.js';
import type { PropertyOverride } from './ycsb/properties.js';
import { WARMUP_CONCURRENCY } from './warmup.js';
import { BenchArgsError } from './bench-args-error.js';
import { STORAGE_OPTIONS, storageOf, type BenchStorage } from './storage-args.js';

/** A mistake in the command line. `message` is one line; print it without a stack trace. */
export { BenchArgsError } from './bench-args-error.js';

/** What the bench does: one run, the seed's suite, a YCSB workload, or re-rendering charts. */
export type BenchMode = 'run' | 'suite' | 'ycsb' | 'charts';

/** Who coordinates a request: a Dynamo node (as in the paper), or the client library itself. */
export type { CoordinationMode as Coordination } from '../src/index.js';

/** Validated bench arguments, with every default filled in. */
export interface BenchArgs {
  readonly mode: BenchMode;
  /** Measured operations (after warm-up). */
  readonly ops: number;
  /** Replicas per key. */
  readonly N: number;
  /** Write quorum. */
  readonly W: number;
  /** Read quorum. */
  readonly R: number;
  /**
   * Whether <ops> was given. When it was not (allowed with --suite, --ycsb and --charts), ops
   * N W R hold the seed's headline run, 1000 3 2 2; <ops> alone leaves N W R at 3 2 2 (the
   * seed's `real_benchmark 100`).
   */
  readonly opsGiven: boolean;
  /** Dynamo nodes (worker threads) in the cluster. */
  readonly nodes: number;
  /** Virtual nodes per node on the ring. */
  readonly vnodes: number;
  /** Distinct keys, key0 .. key{keys-1}, all preloaded before measuring. */
  readonly keys: number;
  readonly valueBytes: number;
  /** Fraction of operations that are GETs, in [0, 1]. */
  readonly readRatio: number;
  /** Closed-loop clients (or, with a rate, the most operations in flight). */
  readonly concurrency: number;
  /** Open-loop target rate; undefined means closed loop. */
  readonly rateOpsPerS: number | undefined;
  readonly coordination: Coordination;
  /** Operations run before measuring starts. */
  readonly warmupOps: number;
  readonly timeoutMs: number;
  readonly seed: number;
  /** Whether the seed came from --seed or was drawn at random (the report prints it either way). */
  readonly seedSource: 'given' | 'random';
  readonly outDir: string;
  readonly json: boolean;
  /**
   * Whether to measure the MessagePort ping-pong and the replicated floor before the run
   * (and each suite run): false with --no-baseline, for quick runs without multiples.
   */
  readonly baseline: boolean;
  /** Print the GET and PUT .hgrm distributions on stdout too (they are always written to --out). */
  readonly hgrm: boolean;
  /** With --suite: measured operations per configuration (the seed used 200). */
  readonly configOps: number;
  /** The workload file; set exactly when mode is 'ycsb'. */
  readonly ycsbFile: string | undefined;
  /** With --ycsb: `-p name=value` overrides of the file's properties, in command-line order. */
  readonly ycsbOverrides: readonly PropertyOverride[];
  /** The directory of existing logs; set exactly when mode is 'charts'. */
  readonly chartsDir: string | undefined;
  /** Where the clusters keep their data (storage-args.ts). */
  readonly storage: BenchStorage;
}

/** What the CLI should do: run with these arguments, or print `text` to stdout and exit 0. */
export type BenchCommand =
  | { readonly kind: 'run'; readonly args: BenchArgs }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string };

/** Test seams: the source of a random seed when --seed is absent. */
export interface ParseOptions {
  readonly randomSeed?: () => number;
}

/**
 * Warm-up of one run: six threads each compile the engine's hot code on a machine that may
 * have two cores, and the engine has far more code to compile than the floor. Measured in
 * docs/PERFORMANCE.md ("Warm-up"): at concurrency 1, GET p50 in node coordination was 400 us
 * after 2,000 warm-up requests, 221 after 20,000 and 179 after 60,000, while the floor's
 * barely moved; at concurrency 64, throughput kept rising for about 60,000 requests. One run
 * warms up three times as long as it measures, from 200 operations to RUN_WARMUP_OPS: a long
 * run is one whose figures are meant to be read closely, so it gets close to the steady
 * state; a short one stays quick. Nine tenths of a warm-up, default or given, run at
 * concurrency 64 (warmup.ts), where they take a fraction of the time they would one at a time.
 * The floor warms up at least as long, the same way (floor-sizing.ts, floor.ts). The suite's
 * runs are many and short and share clusters, and its clusters share threads: a cluster warms
 * up with the seed's 200, once, and only when one of its threads is new or its coordination
 * mode is (bench/cluster-pool.ts).
 */
export const RUN_WARMUP_OPS = 60_000;
export const SUITE_WARMUP_OPS = 200;
/** A run's default warm-up, as a multiple of its measured operations. */
const WARMUP_PER_MEASURED_OP = 3;

function defaultWarmup(mode: BenchMode, ops: number): number {
  if (mode === 'suite') return SUITE_WARMUP_OPS;
  return Math.max(SUITE_WARMUP_OPS, Math.min(RUN_WARMUP_OPS, WARMUP_PER_MEASURED_OP * ops));
}

/** The largest accepted --value-bytes: 1 MiB. */
export const MAX_VALUE_BYTES = 1024 * 1024;

/** ops, N, W, R when the positionals are left out (N, W, R also when <ops> comes alone). */
export const DEFAULT_POSITIONALS = { ops: 1000, N: 3, W: 2, R: 2 } as const;

const SCRIPT = 'node dist/bench.js';
const DEFAULT_QUORUMS = `${DEFAULT_POSITIONALS.N} ${DEFAULT_POSITIONALS.W} ${DEFAULT_POSITIONALS.R}`;
const DEFAULT_HEADLINE = `${DEFAULT_POSITIONALS.ops} ${DEFAULT_QUORUMS}`;
const POSITIONALS = ['ops', 'N', 'W', 'R'] as const;

/**
 * Parses and validates the bench's command line (without the `node script` prefix, i.e.
 * `process.argv.slice(2)`). Throws BenchArgsError on any user mistake.
 */
export function parseBenchArgs(argv: readonly string[], options: ParseOptions = {}): BenchCommand {
  const command = parseCommandLine(buildParser(), argv, (message, cause) => new BenchArgsError(message, { cause }), (error) => error instanceof BenchArgsError);
  if (command.kind !== 'parsed') return command;
  const parsed = command.raw;
  return { kind: 'run', args: validate(parsed, argv, options) };
}

function buildParser() {
  return withHouseRules(
    yargs()
      .scriptName(SCRIPT)
      .usage(
        [
          'Benchmark a Dynamo cluster of worker threads with real requests.',
          '',
          'Usage:',
          `${SCRIPT} <ops> [<N> <W> <R>] [options]`,
          `${SCRIPT} --suite [<ops> [<N> <W> <R>]] [options]`,
          `${SCRIPT} --ycsb FILE [<ops> [<N> <W> <R>]] [-p name=value ...] [options]`,
          `${SCRIPT} --charts DIR`,
        ].join('\n'),
      )
      // Examples, not the usage text, explain each form: yargs strips the indentation of
      // usage lines, and examples keep their two columns.
      .example([
        [`${SCRIPT} 100`, `100 operations at N W R = ${DEFAULT_QUORUMS}, the default`],
        [`${SCRIPT} 500 5 3 3`, '500 operations at N=5 replicas, quorums W=3 and R=3'],
        [`${SCRIPT} --suite`, `${DEFAULT_HEADLINE}, then the seed's 24 (N,W,R) configurations`],
        [`${SCRIPT} --ycsb workloada 5000`, 'a YCSB workload file; 5000 overrides its operationcount'],
        [`${SCRIPT} --charts reports/`, 're-render the charts from the logs in reports/'],
        [`${SCRIPT} 2000 --storage lmdb`, 'nodes on LMDB, in a new temporary directory removed after the run'],
      ])
      // Positionals stay strings (parse-positional-numbers off) so that validation can quote
      // exactly what the user typed, e.g. `N must be an integer, got "3x"`.
      .command('$0 [ops] [N] [W] [R]', false, (command) =>
        command
          .positional('ops', { describe: 'operations to measure (integer >= 1); may come alone' })
          .positional('N', { describe: `replicas per key (integer >= 1); give N W R together, or none for ${DEFAULT_QUORUMS}` })
          .positional('W', { describe: 'write quorum (1 <= W <= N)' })
          .positional('R', { describe: 'read quorum (1 <= R <= N)' }),
      )
      .option('nodes', { describe: 'Dynamo nodes (worker threads); N <= nodes', requiresArg: true, defaultDescription: 'max(N, 5)' })
      .option('vnodes', { describe: 'virtual nodes per node on the ring', requiresArg: true, default: 10 })
      .option('keys', { describe: 'distinct keys; every key is written before measuring', requiresArg: true, default: 100 })
      .option('value-bytes', { describe: `bytes per value (0 .. ${MAX_VALUE_BYTES})`, requiresArg: true, default: 100 })
      .option('read-ratio', { describe: 'fraction of operations that are GETs, in [0, 1]', requiresArg: true, default: 0.5 })
      .option('concurrency', { describe: 'closed-loop clients, each waiting for its reply before the next request', requiresArg: true, default: 1 })
      .option('rate', { describe: 'open-loop target in ops/s; latency counts from each intended start time', requiresArg: true, defaultDescription: 'closed loop' })
      .option('coordination', { describe: 'who coordinates requests: "node" or "client"', requiresArg: true, default: 'node' })
      .option('warmup', {
        describe: `operations run before measuring starts (not recorded), so that the JIT of every thread settles; nine tenths of them at concurrency ${WARMUP_CONCURRENCY} where --concurrency is lower (then every key back to one version), the rest at --concurrency, closed loop; --ycsb warms up with its load phase`,
        requiresArg: true,
        defaultDescription: `${WARMUP_PER_MEASURED_OP} times <ops>, from ${SUITE_WARMUP_OPS} to ${RUN_WARMUP_OPS}; ${SUITE_WARMUP_OPS} for each cluster of --suite that starts a thread or a coordination mode anew (its runs share clusters and threads)`,
      })
      .option('timeout-ms', { describe: 'per-request timeout in milliseconds', requiresArg: true, default: 1000 })
      .option('seed', { describe: 'seed of every random choice; the report prints it, to replay a run', requiresArg: true, defaultDescription: 'random' })
      .option('out', { describe: 'directory for every file written: logs, *.hgrm, JSON, charts, YCSB reports', requiresArg: true, type: 'string', default: 'reports/' })
      .option('json', { describe: 'print only the JSON summary on stdout', type: 'boolean', default: false })
      .option('baseline', {
        describe: 'measure the MessagePort ping-pong and the floor (same threads and messages, no Dynamo logic) before the run; --no-baseline skips both',
        type: 'boolean',
        default: true,
      })
      .option('hgrm', { describe: 'one run: also print the GET and PUT latency distributions (written to --out as get.hgrm, put.hgrm either way)', type: 'boolean', default: false })
      .option('suite', { describe: "run the seed's suite instead of one run", type: 'boolean', default: false })
      .option('config-ops', { describe: 'with --suite: operations per (N,W,R) configuration and per latency-by-N point; a throughput point runs min(this, 50) requests per client', requiresArg: true, default: 200 })
      .option('ycsb', { describe: 'run a YCSB CoreWorkload properties file', requiresArg: true, type: 'string' })
      .option('p', { describe: "with --ycsb: name=value overrides the file's property, as YCSB's -p (repeatable)", requiresArg: true, type: 'string' })
      .option('charts', { describe: 'only re-render charts from the logs in this directory', requiresArg: true, type: 'string' })
      .options(STORAGE_OPTIONS),
    readPackageVersion(import.meta.url),
    (message, cause) => new BenchArgsError(message, { cause }),
  );
}

function validate(raw: Record<string, unknown>, argv: readonly string[], options: ParseOptions): BenchArgs {
  const mode = pickMode(raw);
  const ycsbOverrides = propertyOverrides(raw, argv, mode);
  const given = givenPositionals(raw, mode);
  const opsGiven = given.length > 0;
  const quorumsGiven = given.length === POSITIONALS.length;
  const ops = opsGiven ? integer(raw, 'ops', 1) : DEFAULT_POSITIONALS.ops;
  const concurrency = integer(raw, 'concurrency', 1);
  const N = quorumsGiven ? integer(raw, 'N', 1) : DEFAULT_POSITIONALS.N;
  const W = quorumsGiven ? integer(raw, 'W', 1) : DEFAULT_POSITIONALS.W;
  const R = quorumsGiven ? integer(raw, 'R', 1) : DEFAULT_POSITIONALS.R;
  if (W > N) throw new BenchArgsError(`W (${W}) must not exceed N (${N})`);
  if (R > N) throw new BenchArgsError(`R (${R}) must not exceed N (${N})`);

  const nodes = raw['nodes'] === undefined ? Math.max(N, 5) : integer(raw, 'nodes', 1);
  if (N > nodes) throw new BenchArgsError(`N (${N}) must not exceed --nodes (${nodes})`);

  const valueBytes = integer(raw, 'value-bytes', 0);
  if (valueBytes > MAX_VALUE_BYTES) {
    throw new BenchArgsError(`--value-bytes must be at most ${MAX_VALUE_BYTES} (1 MiB), got ${valueBytes}`);
  }
  const readRatio = number(raw, 'read-ratio');
  if (readRatio < 0 || readRatio > 1) throw new BenchArgsError(`--read-ratio must be between 0 and 1, got ${readRatio}`);

  let rateOpsPerS: number | undefined;
  if (raw['rate'] !== undefined) {
    rateOpsPerS = number(raw, 'rate');
    if (rateOpsPerS <= 0) throw new BenchArgsError(`--rate must be greater than 0, got ${rateOpsPerS}`);
  }

  if (mode === 'ycsb' && rateOpsPerS !== undefined) {
    throw new BenchArgsError('--rate does not apply to --ycsb: YCSB workloads run closed loop with --concurrency clients');
  }

  const hgrm = raw['hgrm'] === true;
  if (hgrm && mode !== 'run') {
    throw new BenchArgsError(`--hgrm prints a single run's GET and PUT distributions: it does not apply to --${mode}`);
  }
  if (hgrm && raw['json'] === true) throw new BenchArgsError('--hgrm and --json cannot be combined: --json prints only the JSON summary');

  const coordination = raw['coordination'];
  if (coordination !== 'node' && coordination !== 'client') {
    throw new BenchArgsError(`--coordination must be "node" or "client", got ${JSON.stringify(coordination)}`);
  }

  let seed: number;
  let seedSource: 'given' | 'random';
  if (raw['seed'] === undefined) {
    seed = (options.randomSeed ?? defaultRandomSeed)();
    seedSource = 'random';
  } else {
    seed = integer(raw, 'seed', 0);
    seedSource = 'given';
  }

  return {
    mode,
    ops,
    N,
    W,
    R,
    opsGiven,
    nodes,
    vnodes: integer(raw, 'vnodes', 1),
    keys: integer(raw, 'keys', 1),
    valueBytes,
    readRatio,
    concurrency,
    rateOpsPerS,
    coordination,
    warmupOps: raw['warmup'] === undefined ? defaultWarmup(mode, ops) : integer(raw, 'warmup', 0),
    timeoutMs: integer(raw, 'timeout-ms', 1),
    seed,
    seedSource,
    outDir: path(raw, 'out'),
    json: raw['json'] === true,
    baseline: raw['baseline'] !== false,
    hgrm,
    configOps: integer(raw, 'config-ops', 1),
    ycsbFile: mode === 'ycsb' ? path(raw, 'ycsb') : undefined,
    ycsbOverrides,
    chartsDir: mode === 'charts' ? path(raw, 'charts') : undefined,
    storage: storageOf(raw, mode),
  };
}

/**
 * The positionals given, checked against what the mode does with them: <ops> alone (as the
 * seed's `real_benchmark 100`) or all four; --charts runs nothing, so it takes none rather
 * than dropping them silently.
 */
function givenPositionals(raw: Record<string, unknown>, mode: BenchMode): (typeof POSITIONALS)[number][] {
  // yargs fills the positionals in order, so the given ones are always a prefix.
  const given = POSITIONALS.filter((name) => raw[name] !== undefined);
  if (mode === 'charts' && given.length > 0) {
    throw new BenchArgsError(`--charts re-renders existing logs and runs nothing, so it takes no <ops> <N> <W> <R>: remove ${given.map((name) => String(raw[name])).join(' ')}`);
  }
  if (given.length === 0 && mode === 'run') {
    throw new BenchArgsError(`missing <ops> (usage: ${SCRIPT} <ops> [<N> <W> <R>] [options], or --help)`);
  }
  if (given.length > 1 && given.length < POSITIONALS.length) {
    const missing = POSITIONALS.filter((name) => raw[name] === undefined);
    throw new BenchArgsError(`missing ${missing.join(', ')}: give <ops> alone (N W R then default to ${DEFAULT_QUORUMS}) or all of <ops> <N> <W> <R>`);
  }
  return given;
}

/** `-p name=value`, repeatable as YCSB's own: only with --ycsb, whose file it overrides. */
function propertyOverrides(raw: Record<string, unknown>, argv: readonly string[], mode: BenchMode): PropertyOverride[] {
  if (raw['p'] === undefined) return [];
  if (mode !== 'ycsb') throw new BenchArgsError('-p overrides a property of a YCSB workload: it needs --ycsb FILE');
  const texts = propertyOverrideTexts(argv);
  // yargs kept the last -p; reading the command line again must have found it there too.
  if (texts.at(-1) !== raw['p']) throw new BenchArgsError(`could not read the -p options of: ${argv.join(' ')}`);
  return texts.map((text) => {
    const override = splitPropertyOverride(text);
    if (override === undefined) throw new BenchArgsError(`-p needs name=value, as YCSB's -p, got ${JSON.stringify(text)}`);
    return override;
  });
}

function pickMode(raw: Record<string, unknown>): BenchMode {
  const chosen: string[] = [];
  if (raw['suite'] === true) chosen.push('--suite');
  if (raw['ycsb'] !== undefined) chosen.push('--ycsb');
  if (raw['charts'] !== undefined) chosen.push('--charts');
  if (chosen.length > 1) throw new BenchArgsError(`${chosen.join(' and ')} cannot be combined: choose one`);
  switch (chosen[0]) {
    case '--suite':
      return 'suite';
    case '--ycsb':
      return 'ycsb';
    case '--charts':
      return 'charts';
    default:
      return 'run';
  }
}

/** Decimal numbers only: Number() alone would also accept "", " ", "0x10" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function label(name: string): string {
  return (POSITIONALS as readonly string[]).includes(name) ? name : `--${name}`;
}

function number(raw: Record<string, unknown>, name: string): number {
  const value = raw[name];
  // Defaults arrive as numbers; what the user typed arrives as a string.
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) {
    throw new BenchArgsError(`${label(name)} must be a number, got ${JSON.stringify(value)}`);
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new BenchArgsError(`${label(name)} must be a finite number, got ${JSON.stringify(value)}`);
  return parsed;
}

function integer(raw: Record<string, unknown>, name: string, min: number): number {
  const value = number(raw, name);
  if (!Number.isSafeInteger(value)) throw new BenchArgsError(`${label(name)} must be an integer, got ${JSON.stringify(raw[name])}`);
  if (value < min) throw new BenchArgsError(`${label(name)} must be at least ${min}, got ${value}`);
  return value;
}

function path(raw: Record<string, unknown>, name: string): string {
  const value = raw[name];
  if (typeof value !== 'string' || value.trim() === '') throw new BenchArgsError(`--${name} needs a non-empty path`);
  return value;
}

function defaultRandomSeed(): number {
  // 32 bits keep a printed seed short enough to retype; the PRNG accepts any safe integer.
  return randomInt(0, 0x1_0000_0000);
}

/** The version in the package's package.json (found from `moduleUrl`, see readPackageManifest). */
export function readPackageVersion(moduleUrl: string): string {
  return readPackageManifest(moduleUrl)?.version ?? 'unknown';
}

