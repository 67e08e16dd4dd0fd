// What a request costs a real cluster in steady state, per thread: five worker threads and the
// client library on the main thread, driven by the bench's own closed loop (bench/driver.ts),
// N=3 W=2 R=2, keys key0..key99, 100-byte values, half gets, every write carrying the context
// of the key's last answer. Unlike a bench run it measures no latency percentiles: it reports
// CPU time per request over the measured phase (process.cpuUsage, all threads of the process
// together), each thread's busy time per request (event-loop utilisation: on a machine with
// fewer cores than threads it includes time a runnable thread waited for a core), messages
// per request and throughput; on Linux also the main thread's own CPU time per request (its
// schedstat), which, unlike busy time, leaves out the time it waited for a core.
//
//   node scripts/cluster-cost.mjs [node|client] [concurrency] [requests] [warmup]   (after npm run build)
//
// Defaults: node, 64, 40,000 requests after a warm-up of 5,000. docs/PERFORMANCE.md quotes it.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { checkMode, checkWholeNumbers, startWorkload } from './steady-workload.mjs';

const mode = process.argv[2] ?? 'node';
const concurrency = Number(process.argv[3] ?? 64);
const requests = Number(process.argv[4] ?? 40_000);
const warmup = Number(process.argv[5] ?? 5_000);
checkMode(mode);
checkWholeNumbers([['concurrency', concurrency], ['requests', requests]], 1);
checkWholeNumbers([['warmup', warmup]], 0);

const { cluster, run } = await startWorkload(mode);
try {
  if (warmup > 0) await run(concurrency, warmup);

  const statsBefore = await cluster.stats();
  const mainCpuBefore = mainThreadCpuNs();
  const loopBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  const result = await run(concurrency, requests);
  const elapsedMs = performance.now() - startedMs;
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpuNs = mainThreadCpuNs() - mainCpuBefore;
  const loop = performance.eventLoopUtilization(loopBefore);
  const statsAfter = await cluster.stats();

  const perRequest = (ms) => (ms * 1000) / requests;
  const nodes = statsAfter.nodes.map((node) => {
    const before = statsBefore.nodes.find((b) => b.nodeId === node.nodeId);
    return perRequest(node.eventLoop.activeMs - (before?.eventLoop.activeMs ?? 0));
  });
  const nodesTotal = nodes.reduce((a, b) => a + b, 0);
  const messages = statsAfter.totals.messages - statsBefore.totals.messages;
  console.log(
    `${mode} c=${concurrency}: ${Math.round(requests / (elapsedMs / 1000))} ops/s, ` +
      `CPU ${((cpu.user + cpu.system) / requests).toFixed(1)} us/request (system ${(cpu.system / requests).toFixed(1)}), ` +
      `main thread CPU ${Number.isNaN(mainCpuNs) ? 'n/a' : (mainCpuNs / 1000 / requests).toFixed(1)} us, ` +
      `busy: main thread ${perRequest(loop.active).toFixed(1)} us, nodes ${nodesTotal.toFixed(1)} us [${nodes.map((n) => n.toFixed(1)).join(' ')}], ` +
      `${(messages / requests).toFixed(2)} messages/request, errors ${JSON.stringify(result.errors)}`,
  );
} finally {
  await cluster.stop();
}

/** The main thread's own CPU time so far in ns (Linux: its schedstat), or NaN elsewhere. */
function mainThreadCpuNs() {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}
