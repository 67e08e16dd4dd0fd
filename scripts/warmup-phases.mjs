// How long the JIT takes to settle: consecutive phases of the same closed loop on one warm
// set of threads, each phase's throughput printed on its own. `engine` runs a real cluster
// (N=3 W=2 R=2, 5 nodes, keys key0..key99, 100-byte values, half gets, every write with the
// key's last context, as scripts/cluster-cost.mjs); `floor` runs the bench's floor
// (bench/floor.ts) with the same workload, each phase a measurement of its own on the same
// threads. docs/PERFORMANCE.md ("The third round") quotes it.
//
//   node scripts/warmup-phases.mjs engine|floor [node|client] [concurrency] [phases] [requests]   (after npm run build)
//
// Defaults: node coordination, concurrency 64, 6 phases of 20,000 requests.
import { performance } from 'node:perf_hooks';
import { FloorMesh } from '../dist/bench/floor.js';
import { checkMode, checkWholeNumbers, floorSpec, startWorkload } from './steady-workload.mjs';

const what = process.argv[2] ?? 'engine';
const mode = process.argv[3] ?? 'node';
const concurrency = Number(process.argv[4] ?? 64);
const phases = Number(process.argv[5] ?? 6);
const requests = Number(process.argv[6] ?? 20_000);
if (what !== 'engine' && what !== 'floor') throw new Error(`first argument must be engine or floor, got ${what}`);
checkMode(mode);
checkWholeNumbers([['concurrency', concurrency], ['phases', phases], ['requests', requests]], 1);

const report = (phase, opsPerS, extra = '') => console.log(`${what} ${mode} c=${concurrency} phase ${phase} (requests ${phase * requests + 1}-${(phase + 1) * requests}): ${Math.round(opsPerS)} ops/s${extra}`);

if (what === 'floor') {
  const mesh = await FloorMesh.start(5, {});
  try {
    for (let phase = 0; phase < phases; phase++) {
      const { figures } = await mesh.measure(floorSpec(mode, concurrency, requests));
      report(phase, figures.throughput_ops_s, `, p50 ${figures.p50_us} us`);
    }
  } finally {
    await mesh.close();
  }
} else {
  const { cluster, run } = await startWorkload(mode);
  try {
    for (let phase = 0; phase < phases; phase++) {
      const cpuBefore = process.cpuUsage();
      const startedMs = performance.now();
      await run(concurrency, requests);
      const cpu = process.cpuUsage(cpuBefore);
      report(phase, requests / ((performance.now() - startedMs) / 1000), `, CPU ${((cpu.user + cpu.system) / requests).toFixed(1)} us/request`);
    }
  } finally {
    await cluster.stop();
  }
}
