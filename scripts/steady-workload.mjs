// The workload the measuring scripts share (cluster-cost, thread-cost, tail-latency,
// warmup-phases): N=3 W=2 R=2 on 5 nodes, keys key0..key99 with 100-byte values, half gets,
// every write carrying the context of the key's last answer, driven by the bench's own closed
// loop (bench/driver.ts). The floor's version of it is `floorSpec`.
import { readFileSync, readdirSync } from 'node:fs';
import { Cluster } from '../dist/index.js';
import { runPhase } from '../dist/bench/driver.js';
import { warmUp } from '../dist/bench/run.js';
import { OpPlan } from '../dist/bench/workload.js';

/** Throws unless `mode` is a coordination mode. */
export function checkMode(mode) {
  if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
}

/** Throws unless every [name, value] is a whole number of at least `minimum`. */
export function checkWholeNumbers(pairs, minimum) {
  for (const [name, value] of pairs) {
    if (!Number.isSafeInteger(value) || value < minimum) throw new Error(`${name} must be a whole number >= ${minimum}, got ${value}`);
  }
}

/**
 * A started cluster with every key written once (at W=3), `run` to drive phases of the
 * workload on it, and `warmUp` to warm it up as the bench warms up a run at a concurrency
 * (bench/run.ts). `seed` picks the order of operations. Stop it with `cluster.stop()`.
 * `engine` is the Cluster class to start: this checkout's, or another build's
 * (scripts/engine-ab.mjs), driven by this checkout's driver either way.
 */
export async function startWorkload(mode, options = {}, seed = 1, engine = Cluster) {
  const cluster = await engine.start({ nodes: 5, n: 3, r: 2, w: 2, coordination: mode, ...options });
  const plan = new OpPlan(seed, 100, 0.5, 100);
  const contexts = new Map();
  try {
    for (const key of plan.keys) contexts.set(key, (await cluster.put(key, 'x'.repeat(100), { w: 3 })).context);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const run = (concurrency, ops) => runPhase(cluster, plan, contexts, { concurrency, timeoutMs: 5000, ops });
  const warm = (concurrency, ops) => warmUp(cluster, plan, contexts, { concurrency, timeoutMs: 5000, ops });
  return { cluster, run, warmUp: warm };
}

/** The same workload for the floor (bench/floor.ts), `ops` requests measured. */
export function floorSpec(mode, concurrency, ops) {
  return { N: 3, W: 2, R: 2, coordination: mode, concurrency, keys: 100, valueBytes: 100, readRatio: 0.5, seed: 1, ops, warmupOps: 0 };
}

/** Every thread of this process, by thread id: its name and its CPU time so far (ns, schedstat; Linux). */
export function threadCpu() {
  const threads = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const cpuNs = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      threads.set(tid, { name, cpuNs });
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return threads;
}
