// Measures Merkle-tree anti-entropy (§4.7) on real worker threads: writes KEYS keys to every
// replica (W = N), stops one node and starts it again empty, then polls cluster.stats() until
// every key is back to N copies, with no client read. Runs against the build:
//   npm run build && node scripts/anti-entropy-measure.mjs [keys=10000] [nodes=5] [runs=3]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from '../dist/index.js';

const [keys = 10_000, nodes = 5, runs = 3] = process.argv.slice(2).map(Number);
const POLL_MS = 50;
const TIMEOUT_MS = 120_000;

async function once() {
  const cluster = await Cluster.start({ nodes, n: 3, r: 2, w: 3 });
  try {
    const names = Array.from({ length: keys }, (_, i) => `key${i}`);
    for (let i = 0; i < names.length; i += 500) {
      await Promise.all(names.slice(i, i + 500).map((key) => cluster.put(key, { key, payload: 'x'.repeat(100) })));
    }
    const full = keys * cluster.config.n;
    const before = await cluster.stats();
    if (before.totals.keys !== full) throw new Error(`expected ${full} copies before the restart, found ${before.totals.keys}`);
    const victim = 'node-3';
    const held = before.nodes.find((n) => n.nodeId === victim)?.keys ?? 0;
    await cluster.stopNode(victim);
    await cluster.startNode(victim);
    const started = performance.now();
    let stats = await cluster.stats();
    while (stats.totals.keys < full) {
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`not back to N copies after ${TIMEOUT_MS} ms: ${stats.totals.keys} of ${full}`);
      await sleep(POLL_MS);
      stats = await cluster.stats();
    }
    const tookMs = performance.now() - started;
    return { tookMs, held, exchanges: stats.totals.antiEntropyExchanges, keysSent: stats.totals.antiEntropyKeysSent, readRepairs: stats.totals.readRepairs };
  } finally {
    await cluster.stop();
  }
}

console.log(`${keys} keys, ${nodes} nodes, N=3, anti-entropy defaults; one node restarted empty`);
const times = [];
for (let run = 1; run <= runs; run++) {
  const r = await once();
  times.push(r.tookMs);
  console.log(`run ${run}: ${r.held} keys back on the restarted node in ${r.tookMs.toFixed(0)} ms (exchanges ${r.exchanges}, keys sent ${r.keysSent}, read repairs ${r.readRepairs})`);
}
times.sort((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
