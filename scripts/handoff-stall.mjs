// Measures what a membership change with many keys does to requests: a probe get every 10 ms
// while a node joins, while the handoff settles, and while a node leaves.
// Usage: npm run build && node scripts/handoff-stall.mjs [keys=200000]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from '../dist/index.js';

const KEYS = Number(process.argv[2] ?? 200_000);
const LOADERS = 256;

const cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2 });
const loadStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: LOADERS }, async () => {
    while (next < KEYS) {
      const i = next++;
      await cluster.put(`key${i}`, i, { w: 1 });
    }
  }),
);
console.log(`loaded ${KEYS} keys in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
await sleep(1000);

async function probeDuring(label, change) {
  const latencies = [];
  let failures = 0;
  let done = false;
  const probe = (async () => {
    for (let i = 0; !done; i++) {
      const started = performance.now();
      await cluster.get(`key${(i * 7919) % KEYS}`, { timeoutMs: 1000 }).catch(() => failures++);
      latencies.push(performance.now() - started);
      await sleep(10);
    }
  })();
  const started = performance.now();
  await change();
  const tookS = (performance.now() - started) / 1000;
  done = true;
  await probe;
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  console.log(
    `${label}: ${tookS.toFixed(2)} s; probes ${latencies.length}, failed ${failures}, ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
  );
}

async function handoffsSettled() {
  for (;;) {
    const stats = await cluster.stats();
    if (stats.nodes.every((node) => node.handoffsPending === 0)) return;
    await sleep(50);
  }
}

await probeDuring('addNode', () => cluster.addNode());
await probeDuring('until the join is handed off', handoffsSettled);
await probeDuring('removeNode (until drained)', () => cluster.removeNode('node-1'));
const { totals } = await cluster.stats();
console.log(`copies held: ${totals.keys} of ${KEYS * 3}`);
await cluster.stop();
