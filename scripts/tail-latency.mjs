// Latency percentiles of a real cluster at concurrency 1 after a long warm-up, with cluster
// options of your choosing, to find what makes the tail: e.g. '{"antiEntropyIntervalMs":0}'
// (no anti-entropy at all) or '{"antiEntropyIntervalMs":3600000}' (trees kept up to date
// every maintenance round, no exchanges). N=3 W=2 R=2, 5 nodes, the workload of
// scripts/cluster-cost.mjs; 20,000 requests warm up, 20,000 are measured.
// docs/PERFORMANCE.md ("The third round") quotes it.
//
//   node scripts/tail-latency.mjs [node|client] ['{"option":value}']   (after npm run build)
import { checkMode, startWorkload } from './steady-workload.mjs';

const mode = process.argv[2] ?? 'node';
checkMode(mode);
const options = JSON.parse(process.argv[3] ?? '{}');
const { cluster, run } = await startWorkload(mode, options, 7);
try {
  await run(1, 20_000);
  const { get, put } = await run(1, 20_000);
  const at = (histogram, percentile) => histogram.getValueAtPercentile(percentile);
  const line = (name, h) => `${name} p50 ${at(h, 50)} p99 ${at(h, 99)} p99.9 ${at(h, 99.9)} us`;
  console.log(`${mode} ${JSON.stringify(options)}: ${line('GET', get)} | ${line('PUT', put)}`);
} finally {
  await cluster.stop();
}
