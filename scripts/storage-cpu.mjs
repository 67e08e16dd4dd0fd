// What a request costs a durable cluster, from inside one process: the workload of
// cluster-cost.mjs (5 nodes, N=3 W=2 R=2, 100 keys, half gets, node coordination) in memory,
// on LMDB with durability 'commit' and with 'flush', interleaved round by round, each on a new
// cluster (on LMDB in a new temporary directory, removed after). Per mode: throughput, the
// process's CPU time per request (every thread: the nodes', the main thread's, LMDB's and
// the kernel's work for them), context switches per request (every thread of the process),
// and from the nodes' storage stats the writes per request and the messages per request that
// waited at the commit gate for the writes before them. docs/PERFORMANCE.md ("Durable storage
// (LMDB)") quotes it.
//
//   node scripts/storage-cpu.mjs [--rounds 3] [--concurrency 64] [--requests 40000] [--warmup 20000]
//                                [--modes memory,commit,flush]   (after npm run build; Linux)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkWholeNumbers, startWorkload } from './steady-workload.mjs';

const HELP = `Usage: node scripts/storage-cpu.mjs [options]   (after npm run build; Linux)

Runs the same closed-loop workload in memory and on LMDB, interleaved round by round, and
prints per run: ops/s, CPU us per request (whole process), context switches per request,
LMDB writes per request and messages per request that waited at the commit gate.

  --rounds R         rounds, each one run per mode (1-50; default 3)
  --concurrency C    closed-loop clients (default 64)
  --requests N       measured requests per run (default 40000)
  --warmup N         requests before measuring, as the bench warms up (default 20000)
  --modes LIST       comma-separated, from memory, commit, flush (default all three)
  -h, --help         this text`;
const MODES = ['memory', 'commit', 'flush'];

function fail(message) {
  process.stderr.write(`storage-cpu: ${message}\n`);
  process.exit(2);
}

let values;
try {
  values = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '64' },
      requests: { type: 'string', default: '40000' },
      warmup: { type: 'string', default: '20000' },
      modes: { type: 'string', default: MODES.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error.message} (--help lists the options)`);
}
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const [rounds, concurrency, requests, warmup] = ['rounds', 'concurrency', 'requests', 'warmup'].map((name) => Number(values[name]));
const modes = values.modes.split(',');
for (const mode of modes) if (!MODES.includes(mode)) fail(`--modes takes ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
try {
  checkWholeNumbers([['rounds', rounds], ['concurrency', concurrency], ['requests', requests]], 1);
  checkWholeNumbers([['warmup', warmup]], 0);
  if (rounds > 50) throw new Error(`rounds must be at most 50, got ${rounds}`);
} catch (error) {
  fail(error.message);
}

/** Context switches so far, voluntary and not, summed over the process's threads (Linux). */
function contextSwitches() {
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
      for (const match of status.matchAll(/^(?:voluntary|nonvoluntary)_ctxt_switches:\s+(\d+)$/gm)) total += Number(match[1]);
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return total;
}

/** The sum over the nodes of `field` of their storage stats (0 in memory). */
const storageSum = (stats, field) => stats.nodes.reduce((sum, node) => sum + (node.storage?.[field] ?? 0), 0);

async function measure(mode) {
  const dir = mode === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'dynamo-storage-cpu-'));
  const options = dir === undefined ? {} : { storage: { kind: 'lmdb', dir: join(dir, 'cluster'), durability: mode } };
  try {
    const { cluster, run, warmUp } = await startWorkload('node', options, 7);
    try {
      if (warmup > 0) await warmUp(concurrency, warmup);
      const before = await cluster.stats();
      const switchesBefore = contextSwitches();
      const cpuBefore = process.cpuUsage();
      const startedMs = performance.now();
      const result = await run(concurrency, requests);
      const elapsedMs = performance.now() - startedMs;
      const cpu = process.cpuUsage(cpuBefore);
      const switches = contextSwitches() - switchesBefore;
      const after = await cluster.stats();
      const per = (value) => value / requests;
      const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
      return {
        opsPerS: requests / (elapsedMs / 1000),
        cpuUs: per(cpu.user + cpu.system),
        systemUs: per(cpu.system),
        switches: per(switches),
        writes: per(storageSum(after, 'writes') - storageSum(before, 'writes')),
        waited: per(storageSum(after, 'waited') - storageSum(before, 'waited')),
        messages: per(after.totals.messages - before.totals.messages),
        errors,
      };
    } finally {
      await cluster.stop();
    }
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

const format = (r) =>
  `${Math.round(r.opsPerS).toLocaleString('en-US')} ops/s, CPU ${r.cpuUs.toFixed(0)} us/request (system ${r.systemUs.toFixed(0)}), ` +
  `${r.switches.toFixed(1)} context switches/request, ${r.writes.toFixed(2)} writes/request, ` +
  `${r.waited.toFixed(2)} of ${r.messages.toFixed(2)} messages/request waited at the gate, errors ${r.errors}`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const results = Object.fromEntries(modes.map((mode) => [mode, []]));
console.log(`node coordination, concurrency ${concurrency}, ${requests} requests after ${warmup} of warm-up, ${rounds} rounds of ${modes.join(', ')}`);
for (let round = 1; round <= rounds; round++) {
  for (const mode of modes) {
    const result = await measure(mode);
    results[mode].push(result);
    console.log(`round ${round} ${mode.padEnd(7)} ${format(result)}`);
  }
}
console.log('medians:');
for (const mode of modes) {
  const runs = results[mode];
  const of = (field) => median(runs.map((r) => r[field]));
  console.log(`  ${mode.padEnd(7)} ${format({ opsPerS: of('opsPerS'), cpuUs: of('cpuUs'), systemUs: of('systemUs'), switches: of('switches'), writes: of('writes'), waited: of('waited'), messages: of('messages'), errors: of('errors') })}`);
}
