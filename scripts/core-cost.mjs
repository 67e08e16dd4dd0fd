// The engine's core alone, on one thread (scripts/core-harness.mjs): what a request costs in
// CPU without worker threads, ports, wake-ups or the client library.
//
//   node scripts/core-cost.mjs [node|client] [requests] [noclone] [alloc]     (after npm run build)
//
// Prints the CPU time per request (process.cpuUsage; the median of five rounds, and the least)
// after a warm-up of 20,000 requests. docs/PERFORMANCE.md quotes it; scripts/core-ab.mjs
// compares two builds the same way.
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';
import { coreHarness } from './core-harness.mjs';

const mode = process.argv[2] ?? 'node';
const requests = Number(process.argv[3] ?? 50_000);
const flags = process.argv.slice(4);
const unknownFlag = flags.find((flag) => flag !== 'noclone' && flag !== 'alloc');
if (unknownFlag !== undefined) throw new Error(`flags are noclone and alloc, got ${unknownFlag}`);
const clone = !flags.includes('noclone');
if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
if (!Number.isSafeInteger(requests) || requests < 16) throw new Error(`requests must be an integer >= 16, got ${process.argv[3]}`);

const CONCURRENCY = 16;
const run = await coreHarness(fileURLToPath(new URL('..', import.meta.url)), mode, { clone });
run(20_000);
// Five rounds, each a fifth of the requests: the median and the least of them, as one round's
// figure moves by a tenth or more with where the collector's work happens to fall.
const ROUNDS = 5;
const perRound = Math.max(CONCURRENCY, Math.floor(requests / ROUNDS));
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  run(perRound);
  const cpu = process.cpuUsage(cpuBefore);
  rounds.push({ cpuUs: (cpu.user + cpu.system) / perRound, perSecond: perRound / ((performance.now() - startedMs) / 1000) });
}
rounds.sort((a, b) => a.cpuUs - b.cpuUs);
const median = rounds[Math.floor(ROUNDS / 2)];
console.log(
  `${mode} coordination, ${clone ? 'wire shape and structured clone' : 'no cloning'}: ${median.cpuUs.toFixed(1)} us of CPU per request ` +
    `(median of ${ROUNDS} rounds of ${perRound}; least ${rounds[0].cpuUs.toFixed(1)}; ${Math.round(median.perSecond)} requests/s on one thread)`,
);

// With `alloc`: what three more rounds allocate per request, as V8's sampling heap profiler
// sees it (a sample every 4 KB on average, collected objects included): the median round, and
// the range, as one round's figure moves by 2-3% with where the samples fall. The structured
// clone that stands in for a port here allocates too; a real port's deserializer does the same.
if (flags.includes('alloc')) {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('HeapProfiler.enable');
  const perRequest = [];
  for (let round = 0; round < 3; round++) {
    await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    run(perRound);
    const { profile } = await post('HeapProfiler.stopSampling');
    let bytes = 0;
    const walk = (node) => {
      bytes += node.selfSize;
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    perRequest.push(Math.round(bytes / perRound));
  }
  session.disconnect();
  perRequest.sort((a, b) => a - b);
  console.log(`allocated: ${perRequest[1]} bytes per request (median of 3 sampled rounds of ${perRound} requests; ${perRequest[0]}-${perRequest[2]})`);
}
