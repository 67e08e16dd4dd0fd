// What starting a cluster costs: Cluster.start and stop, wall time and the process's CPU, on
// new threads and on threads a NodeThreads pool kept from the cluster before, for each node
// count given. docs/PERFORMANCE.md ("Starting a node") quotes it.
//
//   node scripts/start-cost.mjs [node counts...] [--rounds R]   (after npm run build; default 5 20, 3 rounds)
import { performance } from 'node:perf_hooks';
import { Cluster, NodeThreads } from '../dist/index.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
const counts = (roundsAt >= 0 ? args.filter((_, i) => i !== roundsAt && i !== roundsAt + 1) : args).map(Number);
if (counts.length === 0) counts.push(5, 20);
for (const [name, value] of [['rounds', rounds], ...counts.map((n) => ['node count', n])]) {
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new Error(`${name} must be an integer from 1 to 256, got ${value}`);
}

/** One start and stop: wall ms of each, and the CPU ms of the whole process over both. */
async function once(nodes, threads) {
  const cpu = process.cpuUsage();
  const startedAt = performance.now();
  const cluster = await Cluster.start({ nodes, n: Math.min(3, nodes), ...(threads ? { threads } : {}) });
  const startMs = performance.now() - startedAt;
  const stoppingAt = performance.now();
  await cluster.stop();
  const stopMs = performance.now() - stoppingAt;
  const used = process.cpuUsage(cpu);
  return { startMs, stopMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const row = (label, runs) =>
  `${label}: start ${median(runs.map((r) => r.startMs)).toFixed(0)} ms, stop ${median(runs.map((r) => r.stopMs)).toFixed(0)} ms, CPU ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms (medians of ${runs.length})`;

for (const nodes of counts) {
  const fresh = [];
  for (let i = 0; i < rounds; i++) fresh.push(await once(nodes));
  const threads = new NodeThreads();
  const pooled = [];
  try {
    await once(nodes, threads); // fills the pool
    for (let i = 0; i < rounds; i++) pooled.push(await once(nodes, threads));
  } finally {
    await threads.close();
  }
  console.log(row(`${nodes} nodes, new threads`, fresh));
  console.log(row(`${nodes} nodes, pooled threads`, pooled));
}
