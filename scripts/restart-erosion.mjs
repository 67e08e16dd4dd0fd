// The restart-erosion case: in-memory nodes restarted one at a time, with time in between,
// while nobody reads. Without anti-entropy each restart loses the copies on that node, and
// keys erode towards one copy or none; with it, every key is back to N copies each time.
// Usage: npm run build && node scripts/restart-erosion.mjs [keys=1000] [restarts=3] [pauseMs=3000]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from '../dist/index.js';

const KEYS = Number(process.argv[2] ?? 1000);
const RESTARTS = Number(process.argv[3] ?? 3);
const PAUSE_MS = Number(process.argv[4] ?? 3000);
const N = 3;

async function erode(antiEntropyIntervalMs) {
  const cluster = await Cluster.start({ nodes: 5, n: N, w: N, antiEntropyIntervalMs });
  try {
    const keys = Array.from({ length: KEYS }, (_, i) => `key${i}`);
    await Promise.all(keys.map((key) => cluster.put(key, key)));
    for (let i = 0; i < RESTARTS; i++) {
      const node = cluster.nodeIds[i % cluster.nodeIds.length];
      await cluster.stopNode(node);
      await cluster.startNode(node);
      const started = performance.now();
      // Wait for the copies to come back, or the pause, whichever is first.
      while (performance.now() - started < PAUSE_MS) {
        if ((await cluster.stats()).totals.keys === KEYS * N) break;
        await sleep(50);
      }
      const copies = (await cluster.stats()).totals.keys;
      console.log(`  restart ${i + 1} (${node}): ${copies} of ${KEYS * N} copies after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const perKey = new Map();
    for (const key of keys) {
      const own = (await cluster.inspect(key)).filter((entry) => !entry.hintFor && entry.versions.length > 0).length;
      perKey.set(own, (perKey.get(own) ?? 0) + 1);
    }
    const histogram = [...perKey.entries()].sort(([a], [b]) => b - a).map(([copies, count]) => `${count} keys with ${copies}`);
    console.log(`  at the end: ${histogram.join(', ')}`);
  } finally {
    await cluster.stop();
  }
}

console.log(`${KEYS} keys, N=${N}, 5 nodes, ${RESTARTS} restarts one at a time, up to ${PAUSE_MS} ms apart, no reads`);
console.log('anti-entropy off:');
await erode(0);
console.log('anti-entropy on (every 1000 ms, the default):');
await erode(1000);
