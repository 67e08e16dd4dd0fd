// What V8's optimizing compiler does in a steady run of a real cluster: the workload of
// scripts/steady-workload.mjs (N=3 W=2 R=2, 5 nodes, 100 keys, half gets) at `concurrency`,
// `warmup` requests, then `requests` more, under `node --trace-opt --trace-deopt`. Prints, for
// the measured phase and for the whole run, how many functions were optimized, how many
// optimized functions were thrown away and why (a "wrong map" is an object of a shape the
// code was not compiled for; "code dependencies", a shape or field the code relied on that
// changed), and the compilers' time. Every thread's isolate counts. A run of the engine in
// its steady state should compile little; docs/PERFORMANCE.md ("The twelfth round") quotes it.
//
//   node scripts/deopt-count.mjs [node|client] [concurrency] [warmup] [requests]   (after npm run build)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkMode, checkWholeNumbers, startWorkload } from './steady-workload.mjs';

const START = '=== measured phase ===';
const END = '=== end of the measured phase ===';

if (process.argv[2] === '--inner') {
  const [, , , mode, concurrency, warmup, requests] = process.argv;
  const { cluster, run } = await startWorkload(mode);
  try {
    await run(Number(concurrency), Number(warmup));
    console.log(START);
    await run(Number(concurrency), Number(requests));
    console.log(END);
  } finally {
    await cluster.stop();
  }
} else {
  const [mode = 'node', concurrency = '64', warmup = '60000', requests = '120000'] = process.argv.slice(2);
  checkMode(mode);
  checkWholeNumbers([['concurrency', Number(concurrency)], ['requests', Number(requests)]], 1);
  checkWholeNumbers([['warmup', Number(warmup)]], 0);
  const trace = execFileSync(process.execPath, ['--trace-opt', '--trace-deopt', fileURLToPath(import.meta.url), '--inner', mode, concurrency, warmup, requests], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lines = trace.split('\n');
  const from = lines.indexOf(START);
  const to = lines.indexOf(END);
  if (from < 0 || to < from) throw new Error('the run did not mark its measured phase');
  const summarize = (label, part) => {
    const optimized = part.filter((line) => line.startsWith('[completed optimizing')).length;
    let compileMs = 0;
    for (const line of part) {
      const took = /^\[completed compiling .* took [\d.]+, ([\d.]+), [\d.]+ ms\]/.exec(line);
      if (took) compileMs += Number(took[1]);
    }
    const reasons = new Map();
    for (const line of part) {
      const reason = /^\[bailout \(kind: [^,]+, reason: (.+?)\): begin/.exec(line)?.[1] ?? (line.includes('for deoptimization, reason: code dependencies') ? 'code dependencies' : undefined);
      if (reason !== undefined) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const thrownAway = [...reasons.values()].reduce((sum, n) => sum + n, 0);
    const byReason = [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${n} ${reason}`).join(', ');
    console.log(`${label}: ${optimized} functions optimized (${Math.round(compileMs)} ms optimizing, wall time of the compiler threads), ${thrownAway} optimized functions thrown away${byReason ? `: ${byReason}` : ''}`);
  };
  console.log(`${mode} coordination, concurrency ${concurrency}, ${warmup} requests of warm-up, then ${requests}`);
  summarize('measured phase', lines.slice(from + 1, to));
  summarize('whole run', lines);
}
