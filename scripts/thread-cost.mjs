// CPU per request of every thread of the process, for the engine or for its floor, on the
// same workload: N=3 W=2 R=2, 5 nodes, keys key0..key99, 100-byte values, half gets, closed
// loop. Each thread's CPU is its own /proc/self/task/<tid>/schedstat run time, read around the
// measured phase, so unlike wall-clock profiles it leaves out time a thread waited for a core.
// Threads are the main thread (the client), the five node workers, and V8's and libuv's
// helpers (compilers, concurrent marking, parallel scavenges); below 0.5 us a request are left
// out. Linux only.
//
//   node scripts/thread-cost.mjs [engine|floor] [node|client] [concurrency] [requests] [warmup]   (after npm run build)
//
// Defaults: engine node 64, 40,000 requests after 60,000 of warm-up on the same threads.
// docs/PERFORMANCE.md ("The fourth round") quotes it.
import { performance } from 'node:perf_hooks';
import { FloorMesh } from '../dist/bench/floor.js';
import { checkMode, checkWholeNumbers, floorSpec, startWorkload, threadCpu } from './steady-workload.mjs';

const [what = 'engine', mode = 'node'] = process.argv.slice(2);
const concurrency = Number(process.argv[4] ?? 64);
const requests = Number(process.argv[5] ?? 40_000);
const warmup = Number(process.argv[6] ?? 60_000);
if (what !== 'engine' && what !== 'floor') throw new Error(`first argument must be engine or floor, got ${what}`);
checkMode(mode);
checkWholeNumbers([['concurrency', concurrency], ['requests', requests]], 1);
checkWholeNumbers([['warmup', warmup]], 0);

/** Runs `measure` between two readings of every thread; prints CPU per request per thread. */
async function report(label, measure) {
  const before = threadCpu();
  const startedNs = process.hrtime.bigint();
  const startedMs = performance.now();
  await measure();
  const elapsedMs = performance.now() - startedMs;
  const endedNs = process.hrtime.bigint();
  const after = threadCpu();
  const rows = [];
  let total = 0;
  for (const [tid, { name, cpuNs }] of after) {
    const earlier = before.get(tid);
    if (!earlier) continue;
    const us = (cpuNs - earlier.cpuNs) / 1000 / requests;
    total += us;
    if (us >= 0.5) rows.push(`${tid === String(process.pid) ? 'main' : `${name}/${tid}`} ${us.toFixed(1)}`);
  }
  console.log(`${label}: ${Math.round(requests / (elapsedMs / 1000))} ops/s, CPU ${total.toFixed(1)} us/request; per thread (us/request): ${rows.join(', ')}`);
  // CLOCK_MONOTONIC, which process.hrtime reads: scripts/thread-profile.mjs keeps the samples
  // `perf record -k CLOCK_MONOTONIC` took between these two moments.
  console.log(`  measured phase (CLOCK_MONOTONIC, s): ${seconds(startedNs)}-${seconds(endedNs)}`);
}

function seconds(ns) {
  return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
}

const label = `${what} ${mode} c=${concurrency}`;
if (what === 'engine') {
  const { cluster, run } = await startWorkload(mode);
  try {
    if (warmup > 0) await run(concurrency, warmup);
    await report(label, () => run(concurrency, requests));
  } finally {
    await cluster.stop();
  }
} else {
  const mesh = await FloorMesh.start(5, {});
  try {
    if (warmup > 0) await mesh.measure(floorSpec(mode, concurrency, warmup));
    let traffic;
    await report(label, async () => {
      traffic = (await mesh.measure(floorSpec(mode, concurrency, requests))).traffic;
    });
    console.log(`  messages per postMessage: ${(traffic.messages / traffic.batches).toFixed(2)}`);
  } finally {
    await mesh.close();
  }
}
