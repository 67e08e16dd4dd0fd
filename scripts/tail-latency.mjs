// Latency percentiles of a real cluster at concurrency 1 after a long warm-up, with cluster
// options of your choosing, to find what makes the tail: e.g. '{"antiEntropyIntervalMs":0}'
// (no anti-entropy at all) or '{"antiEntropyIntervalMs":3600000}' (trees kept up to date
// every maintenance round, no exchanges). N=3 W=2 R=2, 5 nodes, the workload of
// scripts/cluster-cost.mjs; 20,000 requests warm up, 20,000 are measured.
// docs/PERFORMANCE.md ("The third round") quotes it.
//
//   node scripts/tail-latency.mjs [node|client] ['{"option":value}']   (after npm run build)
import { Cluster } from '../dist/index.js';
import { runPhase } from '../dist/bench/driver.js';
import { OpPlan } from '../dist/bench/workload.js';

const mode = process.argv[2] ?? 'node';
if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
const options = JSON.parse(process.argv[3] ?? '{}');
const cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2, coordination: mode, ...options });
try {
  const plan = new OpPlan(7, 100, 0.5, 100);
  const contexts = new Map();
  for (const key of plan.keys) contexts.set(key, (await cluster.put(key, 'x'.repeat(100), { w: 3 })).context);
  await runPhase(cluster, plan, contexts, { concurrency: 1, timeoutMs: 5000, ops: 20_000 });
  const { get, put } = await runPhase(cluster, plan, contexts, { concurrency: 1, timeoutMs: 5000, ops: 20_000 });
  const at = (histogram, percentile) => histogram.getValueAtPercentile(percentile);
  const line = (name, h) => `${name} p50 ${at(h, 50)} p99 ${at(h, 99)} p99.9 ${at(h, 99.9)} us`;
  console.log(`${mode} ${JSON.stringify(options)}: ${line('GET', get)} | ${line('PUT', put)}`);
} finally {
  await cluster.stop();
}
