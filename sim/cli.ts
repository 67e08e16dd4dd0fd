/**
 * The simulator CLI: `node dist/sim.js [--seeds N] [--from S] [--threads T] [--json]`, or
 * `--seed S [--trace]` for one run. Many seeds run in a pool of worker threads (pool.ts); one
 * seed runs here. User mistakes print one line on stderr and exit 2 before anything runs; a
 * failing seed makes the exit code 1. Loaded by main.ts once its packages are known to be
 * installed.
 */
import { exitQuietlyWhenStdoutCloses } from '../src/util/command-line.js';
import { SimArgsError, parseSimArgs, type SimArgs } from './args.js';
import { runSeedsInPool } from './pool.js';
import { createSeedProgress } from './progress.js';
import { exitCodeOf, formatFailure, formatSummary, programName, summaryJson, type RunReport } from './report.js';
import { runSeeds, type Tally } from './tally.js';

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  const command = parseSimArgs(argv);
  if (command.kind !== 'run') {
    print(command.text);
    return 0;
  }
  const { args } = command;
  const program = programName(process.argv[1]);
  const startMs = performance.now();
  const tally = args.single ? runOne(args) : await runMany(args, program);
  const report: RunReport = { from: args.from, tally, wallMs: performance.now() - startMs, threads: args.single ? 0 : Math.min(args.threads, args.seeds) };
  if (args.json) {
    print(JSON.stringify(summaryJson(report, program)));
  } else {
    // Many seeds printed their failures as they came; one seed prints its own here.
    if (args.single) for (const failure of tally.failures) print(formatFailure(failure, program));
    print(formatSummary(report, program));
  }
  return exitCodeOf(tally);
}

/** One seed, on this thread; with --trace its events go to stdout as they happen. */
function runOne(args: SimArgs): Tally {
  if (!args.trace) return runSeeds(args.from, 1);
  // A run has thousands of events: write them in chunks, not a write per line.
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length > 0) process.stdout.write(`${chunk.join('\n')}\n`);
    chunk = [];
  };
  const tally = runSeeds(args.from, 1, {
    trace: (line) => {
      chunk.push(line);
      if (chunk.length >= 1000) flush();
    },
  });
  flush();
  return tally;
}

async function runMany(args: SimArgs, program: string): Promise<Tally> {
  const progress = createSeedProgress(args.seeds, !args.json && process.stdout.isTTY === true && process.stderr.isTTY === true);
  try {
    return await runSeedsInPool({
      from: args.from,
      count: args.seeds,
      threads: args.threads,
      onBatch: (batch, total) => {
        if (!args.json) for (const failure of batch.failures) progress.print(formatFailure(failure, program));
        progress.update(total.seeds, total.failures.length);
      },
    });
  } finally {
    progress.done();
  }
}

exitQuietlyWhenStdoutCloses();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof SimArgsError) {
      process.stderr.write(`sim: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`sim: failed: ${message}\n`);
    process.exitCode = 1;
  },
);
