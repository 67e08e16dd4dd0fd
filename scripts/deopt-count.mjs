// What V8's optimizing compiler does in a steady run of a real cluster: the workload of
// scripts/steady-workload.mjs (N=3 W=2 R=2, 5 nodes, 100 keys, half gets) at `concurrency`,
// `warmup` requests, then `requests` more, under `node --trace-opt --trace-deopt`. Prints, for
// the measured phase and for the whole run, how many functions were optimized (in the measured
// phase also how many of those compiles were a function's first and how many compiled it again),
// how many optimized functions were thrown away and why (a "wrong map" is an object of a
// shape the code was not compiled for; "code dependencies", a shape, a field or an allocation
// site's pretenuring decision the code relied on that changed), and the compilers' time. Every
// thread's isolate counts. A run of the engine in its steady state should compile little;
// docs/PERFORMANCE.md ("The twelfth round", "The thirteenth round") quotes it.
//
//   node scripts/deopt-count.mjs [node|client] [concurrency] [warmup] [requests] [--bench-warmup] [V8 flags...]   (after npm run build)
//
// The warm-up runs at `concurrency`, or with --bench-warmup as the bench's does (bench/run.ts
// `warmUp`: nine tenths at concurrency 64 where `concurrency` is lower, every key back to one
// version, then the rest at `concurrency`). Any other argument starting with -- is a V8 flag
// for the measured process, written --name or --name=value (e.g.
// --no-allocation-site-pretenuring, --max-semi-space-size=16).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { warmupPhases } from '../dist/bench/warmup.js';
import { checkMode, checkWholeNumbers, startWorkload } from './steady-workload.mjs';

const START = '=== measured phase ===';
const END = '=== end of the measured phase ===';
const BENCH_WARMUP = '--bench-warmup';

if (process.argv[2] === '--inner') {
  const [, , , mode, concurrency, warmup, requests, warmupKind] = process.argv;
  const { cluster, run, warmUp } = await startWorkload(mode);
  try {
    if (warmupKind === 'bench') await warmUp(Number(concurrency), Number(warmup));
    else if (Number(warmup) > 0) await run(Number(concurrency), Number(warmup));
    console.log(START);
    await run(Number(concurrency), Number(requests));
    console.log(END);
  } finally {
    await cluster.stop();
  }
} else {
  const args = process.argv.slice(2);
  const benchWarmup = args.includes(BENCH_WARMUP);
  const v8Flags = args.filter((arg) => arg.startsWith('--') && arg !== BENCH_WARMUP);
  const [mode = 'node', concurrency = '64', warmup = '60000', requests = '120000'] = args.filter((arg) => !arg.startsWith('--'));
  checkMode(mode);
  checkWholeNumbers([['concurrency', Number(concurrency)], ['requests', Number(requests)]], 1);
  checkWholeNumbers([['warmup', Number(warmup)]], 0);
  const trace = execFileSync(process.execPath, ['--trace-opt', '--trace-deopt', ...v8Flags, fileURLToPath(import.meta.url), '--inner', mode, concurrency, warmup, requests, benchWarmup ? 'bench' : 'plain'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lines = trace.split('\n');
  const from = lines.indexOf(START);
  const to = lines.indexOf(END);
  if (from < 0 || to < from) throw new Error('the run did not mark its measured phase');
  const compiled = /^\[completed compiling .*?\(sfi = (0x[0-9a-f]+)\)>.* took [\d.]+, ([\d.]+), [\d.]+ ms\]/;
  // Functions by their shared function info, which every closure of one function in one
  // isolate shares: compiled before the measured phase or not. (An address can move in a
  // compaction of the old generation; the split is a close count, not an exact one.)
  const compiledBefore = new Set();
  for (const line of lines.slice(0, from)) {
    const match = compiled.exec(line);
    if (match) compiledBefore.add(match[1]);
  }
  const summarize = (label, part, splitFirst) => {
    const optimized = part.filter((line) => line.startsWith('[completed optimizing')).length;
    let compileMs = 0;
    let firstMs = 0;
    let first = 0;
    const seen = new Set(compiledBefore);
    for (const line of part) {
      const match = compiled.exec(line);
      if (!match) continue;
      compileMs += Number(match[2]);
      if (!seen.has(match[1])) {
        first++;
        firstMs += Number(match[2]);
        // Compiled again later in the phase, it counts as compiled again.
        seen.add(match[1]);
      }
    }
    const reasons = new Map();
    for (const line of part) {
      const reason = /^\[bailout \(kind: [^,]+, reason: (.+?)\): begin/.exec(line)?.[1] ?? (line.includes('for deoptimization, reason: code dependencies') ? 'code dependencies' : undefined);
      if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const thrownAway = [...reasons.values()].reduce((sum, n) => sum + n, 0);
    const byReason = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${reason}`).join(', ');
    const split = splitFirst ? `; of the compiles, ${first} a function's first (${Math.round(firstMs)} ms), the others again (${Math.round(compileMs - firstMs)} ms)` : '';
    console.log(`${label}: ${optimized} functions optimized (${Math.round(compileMs)} ms optimizing, wall time of the compiler threads${split}), ${thrownAway} optimized functions thrown away${byReason ? `: ${byReason}` : ''}`);
  };
  const warmupText = benchWarmup ? `${warmup} requests of warm-up as the bench's (${warmupPhases(Number(warmup), Number(concurrency)).map((phase) => `${phase.ops} at concurrency ${phase.concurrency}`).join(', then ')})` : `${warmup} requests of warm-up`;
  console.log(`${mode} coordination, concurrency ${concurrency}, ${warmupText}, then ${requests}${v8Flags.length > 0 ? `; V8 flags ${v8Flags.join(' ')}` : ''}`);
  summarize('measured phase', lines.slice(from + 1, to), true);
  summarize('whole run', lines, false);
}
