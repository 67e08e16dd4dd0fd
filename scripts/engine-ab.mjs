// Two builds' engines against each other in one process: five node threads each, the same
// workload (scripts/steady-workload.mjs) driven by this checkout's bench driver, in
// alternating phases with the order swapped every round, so that the machine's moods fall on
// both alike. A whole-system before/after figure; this machine moves one build's throughput
// by a tenth or more between phases, so read the median of the rounds' ratios, and run it
// more than once.
//
//   node scripts/engine-ab.mjs <before-dir> <after-dir> [node|client] [concurrency] [requests] [rounds] [warm-up]
//
// Each directory is a built checkout. Prints each phase, then per build the median
// throughput and CPU per request (process.cpuUsage over the phase, every thread of the
// process, both clusters' idle upkeep included), and the after/before throughput ratios.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { checkMode, checkWholeNumbers, startWorkload } from './steady-workload.mjs';

const [before, after, mode = 'node', ...numbers] = process.argv.slice(2);
if (before === undefined || after === undefined) {
  console.error('usage: node scripts/engine-ab.mjs <before-dir> <after-dir> [node|client] [concurrency] [requests] [rounds] [warm-up]');
  process.exit(2);
}
checkMode(mode);
const [concurrency = 64, requests = 20_000, rounds = 8, warmup = 40_000] = numbers.map(Number);
checkWholeNumbers([['concurrency', concurrency], ['requests', requests], ['rounds', rounds]], 1);
checkWholeNumbers([['warm-up', warmup]], 0);

const engineOf = async (dir) => (await import(pathToFileURL(`${dir}/dist/index.js`).href)).Cluster;
const builds = [
  ['before', await startWorkload(mode, {}, 1, await engineOf(before))],
  ['after', await startWorkload(mode, {}, 1, await engineOf(after))],
];
const figures = { before: [], after: [] };
try {
  for (const [, workload] of builds) if (warmup > 0) await workload.run(concurrency, warmup);
  for (let round = 0; round < rounds; round++) {
    for (const [name, workload] of round % 2 === 0 ? builds : [...builds].reverse()) {
      const cpuBefore = process.cpuUsage();
      const startedMs = performance.now();
      const result = await workload.run(concurrency, requests);
      const seconds = (performance.now() - startedMs) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
      figures[name].push({ opsPerS: requests / seconds, cpuUs: (cpu.user + cpu.system) / requests });
      console.log(`round ${round + 1} ${name}: ${Math.round(requests / seconds)} ops/s, ${((cpu.user + cpu.system) / requests).toFixed(1)} us of CPU per request${errors > 0 ? `, ${errors} errors` : ''}`);
    }
  }
} finally {
  await Promise.all(builds.map(([, workload]) => workload.cluster.stop()));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const name of ['before', 'after']) {
  console.log(`${name}: median ${Math.round(median(figures[name].map((f) => f.opsPerS)))} ops/s, ${median(figures[name].map((f) => f.cpuUs)).toFixed(1)} us of CPU per request`);
}
const ratios = figures.after.map((f, i) => f.opsPerS / figures.before[i].opsPerS);
console.log(`after / before throughput, round by round: ${ratios.map((r) => `${r.toFixed(2)}x`).join(' ')} (median ${median(ratios).toFixed(2)}x)`);
