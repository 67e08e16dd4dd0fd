// What durable storage costs the bench's figures: the same bench run in memory, on LMDB with
// durability 'commit' and on LMDB with 'flush', interleaved round by round (memory, commit,
// flush, memory, ...) so that the machine's noise, large on a shared VM, falls on every mode
// alike. Each run is `node dist/bench.js <ops> 3 2 2 --concurrency C --seed S --json
// --no-baseline [--storage lmdb --durability D]` in a child process (5 nodes, a new cluster
// and, on LMDB, a new temporary directory each). Prints each round's figures, then per mode
// the median and range of each figure, and throughput as a ratio to memory's, round by round.
// With --builds, every mode runs on each of several builds in turn (before and after a
// change). docs/PERFORMANCE.md ("Durable storage (LMDB)") quotes it.
//
//   node scripts/storage-cost.mjs [--rounds 5] [--ops 60000] [--concurrency 64] [--seed 7]
//                                 [--modes memory,commit,flush] [--builds NAME=DIST,...]
//                                 [--timeout-s 600]   (after npm run build)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';

const OWN_DIST = fileURLToPath(new URL('../dist', import.meta.url));
const MODES = { memory: [], commit: ['--storage', 'lmdb', '--durability', 'commit'], flush: ['--storage', 'lmdb', '--durability', 'flush'] };
const HELP = `Usage: node scripts/storage-cost.mjs [options]   (after npm run build)

Runs the bench in memory and on LMDB ('commit' and 'flush' durability), interleaved round by
round, N=3 W=2 R=2 on 5 nodes, and prints each round's throughput and GET/PUT p50/p99, then
the median and range per mode and throughput as a ratio to memory's in the same round.

  --rounds R        rounds, each one run per mode (1-50; default 5)
  --ops OPS         measured operations per run (default 60000; the bench warms up 3x that, at most 60000)
  --concurrency C   closed-loop clients (default 64)
  --seed S          the bench's --seed, the same in every run (default 7)
  --modes LIST      comma-separated, from memory, commit, flush (default all three, in that order)
  --builds LIST     comma-separated NAME=DIR, each DIR a built dist/ (its bench.js is run); each
                    mode runs on each build in turn, in this order (default: this checkout's dist)
  --timeout-s T     a run taking longer is killed and the script fails (default 600)
  -h, --help        this text`;

function fail(message) {
  process.stderr.write(`storage-cost: ${message}\n`);
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        rounds: { type: 'string', default: '5' },
        ops: { type: 'string', default: '60000' },
        concurrency: { type: 'string', default: '64' },
        seed: { type: 'string', default: '7' },
        modes: { type: 'string', default: 'memory,commit,flush' },
        builds: { type: 'string' },
        'timeout-s': { type: 'string', default: '600' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    fail(`${error.message} (--help lists the options)`);
  }
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const whole = (name, min, max) => {
    const value = Number(parsed[name]);
    if (!/^\d+$/.test(parsed[name]) || value < min || value > max) fail(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(parsed[name])}`);
    return value;
  };
  const modes = parsed.modes.split(',');
  for (const mode of modes) if (!(mode in MODES)) fail(`--modes takes memory, commit and flush, got ${JSON.stringify(mode)}`);
  const builds = (parsed.builds ?? `this=${OWN_DIST}`).split(',').map((entry) => {
    const at = entry.indexOf('=');
    if (at < 1 || at === entry.length - 1) fail(`--builds takes NAME=DIR entries, got ${JSON.stringify(entry)}`);
    const bench = join(resolve(entry.slice(at + 1)), 'bench.js');
    if (!existsSync(bench)) fail(`--builds: ${bench} does not exist (build it first)`);
    return { name: entry.slice(0, at), bench };
  });
  return {
    rounds: whole('rounds', 1, 50),
    ops: whole('ops', 1, 10_000_000),
    concurrency: whole('concurrency', 1, 4096),
    seed: whole('seed', 0, Number.MAX_SAFE_INTEGER),
    timeoutMs: whole('timeout-s', 1, 86_400) * 1000,
    modes,
    builds,
  };
}

/** One bench run in a child process: its JSON summary, or a thrown error saying why not. */
function benchRun(bench, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bench, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`node ${bench} ${args.join(' ')} ${signal === 'SIGKILL' ? `was killed after ${timeoutMs / 1000} s` : `exited ${code}`}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`node ${bench} ${args.join(' ')} printed no JSON summary: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

const FIGURES = [
  ['ops/s', (s) => s.throughput_ops_s],
  ['GET p50', (s) => s.get.p50_us],
  ['GET p99', (s) => s.get.p99_us],
  ['PUT p50', (s) => s.put.p50_us],
  ['PUT p99', (s) => s.put.p99_us],
];
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
/** Whole figures (ops/s, microseconds) as they are, ratios to two places. */
const format = (value) => (value >= 100 || Number.isInteger(value) ? Math.round(value).toLocaleString('en-US') : value.toFixed(2));
const spread = (values) => `${format(median(values))} (${format(Math.min(...values))}-${format(Math.max(...values))})`;

const { rounds, ops, concurrency, seed, timeoutMs, modes, builds } = options();
// A run is a mode on a build: named by the mode alone when there is one build.
const runs = modes.flatMap((mode) => builds.map((build) => ({ mode, build, label: builds.length === 1 ? mode : `${mode} ${build.name}` })));
const width = Math.max(8, ...runs.map((run) => run.label.length + 2));
const line = (label, summary) => `${label.padEnd(width)}${FIGURES.map(([name, of]) => `${name} ${format(of(summary))}`.padEnd(18)).join('')}errors ${summary.errors}`;
const out = mkdtempSync(join(tmpdir(), 'dynamo-storage-cost-'));
const results = new Map(runs.map((run) => [run.label, []]));
/** Memory's summary in `round` on `build`, what the other modes' throughput is a ratio to. */
const memoryOf = (build, round) => results.get(runs.find((run) => run.mode === 'memory' && run.build === build)?.label)?.[round];
try {
  console.log(`node <dist>/bench.js ${ops} 3 2 2 --concurrency ${concurrency} --seed ${seed} --json --no-baseline [--storage lmdb --durability commit|flush], ${rounds} rounds of ${runs.map((run) => run.label).join(', ')}`);
  for (const build of builds) console.log(`  ${build.name}: ${build.bench}`);
  for (let round = 0; round < rounds; round++) {
    console.log(`round ${round + 1}`);
    for (const run of runs) {
      const args = [String(ops), '3', '2', '2', '--concurrency', String(concurrency), '--seed', String(seed), '--json', '--no-baseline', '--out', join(out, run.mode), ...MODES[run.mode]];
      const summary = await benchRun(run.build.bench, args, timeoutMs);
      results.get(run.label).push(summary);
      const memory = run.mode === 'memory' ? undefined : memoryOf(run.build, round);
      const ratio = memory === undefined ? '' : `  ${(summary.throughput_ops_s / memory.throughput_ops_s).toFixed(2)}x memory`;
      console.log(`  ${line(run.label, summary)}${ratio}`);
    }
  }
  console.log(`\nmedian (min-max) over ${rounds} rounds; latencies in us`);
  for (const run of runs) {
    const summaries = results.get(run.label);
    console.log(`  ${run.label.padEnd(width)}${FIGURES.map(([name, of]) => `${name} ${spread(summaries.map(of))}`).join(', ')}`);
  }
  for (const run of runs.filter((r) => r.mode !== 'memory' && memoryOf(r.build, 0) !== undefined)) {
    const ratios = results.get(run.label).map((summary, round) => summary.throughput_ops_s / memoryOf(run.build, round).throughput_ops_s);
    console.log(`  ${run.label} throughput / memory's, round by round: ${spread(ratios)} [${ratios.map((r) => r.toFixed(2)).join(' ')}]`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
