/**
 * The bench CLI: `node dist/bench.js <ops> <N> <W> <R> [options]`, `--suite`, `--ycsb FILE`,
 * `--charts DIR`. User mistakes print one line on stderr and exit 2, without a stack trace.
 * Loaded by main.ts once the bench's packages are known to be installed.
 */
import { exitQuietlyWhenStdoutCloses } from '../src/util/command-line.js';
import { setFlagsFromString } from 'node:v8';
import { BenchArgsError, parseBenchArgs } from './args.js';
import { ChartInputError, renderChartsFromDir } from './charts/from-logs.js';
import { createProgress } from './progress.js';
import { runSingle } from './single.js';
import { runSuite } from './suite.js';
import { YcsbError } from './ycsb/properties.js';
import { runYcsb } from './ycsb/run.js';
import { DynamoError } from '../src/index.js';

/**
 * V8's parallel scavenger hands each young-generation collection to helper threads. On a
 * 2-core machine running a thread per node those helpers wait for a core while the collecting
 * thread waits for them: collections of ~0.3 ms took 3-8 ms and set the p99. Scavenging on
 * the collecting thread alone removes that stall (docs/PERFORMANCE.md). The flag is read at
 * each collection, so setting it here covers this thread and every worker started later.
 */
if (process.env['DYNAMO_BENCH_PARALLEL_GC'] !== '1') setFlagsFromString('--no-parallel-scavenge');

async function main(argv: readonly string[]): Promise<number> {
  const command = parseBenchArgs(argv);
  if (command.kind !== 'run') {
    process.stdout.write(`${command.text}\n`);
    return 0;
  }
  const args = command.args;
  const print = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const progress = createProgress(process.stdout.isTTY === true && !args.json);
  switch (args.mode) {
    case 'run':
      await runSingle(args, progress, print);
      return 0;
    case 'suite':
      await runSuite(args, progress, print);
      return 0;
    case 'ycsb':
      await runYcsb(args, progress, print, (text) => process.stderr.write(`${text}\n`));
      return 0;
    case 'charts': {
      const charts = await renderChartsFromDir(args.chartsDir ?? '.');
      print(args.json ? JSON.stringify(charts) : charts.map((c) => `${c.pngPath} (${c.widthPx}x${c.heightPx})`).join('\n'));
      return 0;
    }
  }
}

exitQuietlyWhenStdoutCloses();

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof BenchArgsError || error instanceof YcsbError || error instanceof ChartInputError) {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof DynamoError && error.code === 'INVALID_ARGUMENT') {
      process.stderr.write(`bench: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: failed: ${message}\n`);
    process.exitCode = 1;
  },
);
