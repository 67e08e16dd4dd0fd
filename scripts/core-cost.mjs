// The engine's core alone, on one thread: what a request costs in CPU without worker
// threads, ports, wake-ups or the client library. Five DynamoNodes and a ClientCore, each on
// the one effect host (src/runtime/effect-host.ts), exchange their messages through an
// in-memory queue: each message in its wire shape (src/protocol/wire.ts) and structured-
// cloned, as a port would carry it, unless `noclone`. Timers run on a virtual clock that
// moves 1 ms per round, so deadlines and read-repair windows behave as in the engine.
//
//   node scripts/core-cost.mjs [node|client] [requests] [noclone] [alloc]     (after npm run build)
//
// Prints the CPU time per request (process.cpuUsage; the median of five rounds, and the least)
// after a warm-up of 20,000 requests:
// N=3 W=2 R=2, 5 nodes, keys key0..key99, 100-byte values, half gets, 16 requests a round,
// every write carrying the context of the key's last answer. docs/PERFORMANCE.md quotes it.
import { performance } from 'node:perf_hooks';
import { DynamoNode } from '../dist/src/core/node.js';
import { ClientCore } from '../dist/src/core/client.js';
import { EffectHost } from '../dist/src/runtime/effect-host.js';
import { MemoryStore } from '../dist/src/storage/memory-store.js';
import { resolveClusterOptions } from '../dist/src/api/options.js';
import { md5Hex } from '../dist/src/util/md5.js';
import { decodeMessage, encodeMessage } from '../dist/src/protocol/wire.js';

const mode = process.argv[2] ?? 'node';
const requests = Number(process.argv[3] ?? 50_000);
const flags = process.argv.slice(4);
const unknownFlag = flags.find((flag) => flag !== 'noclone' && flag !== 'alloc');
if (unknownFlag !== undefined) throw new Error(`flags are noclone and alloc, got ${unknownFlag}`);
const clone = !flags.includes('noclone');
if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
if (!Number.isSafeInteger(requests) || requests < 16) throw new Error(`requests must be an integer >= 16, got ${process.argv[3]}`);

const CONCURRENCY = 16;
const { tuning } = resolveClusterOptions({ nodes: 5, n: 3, r: 2, w: 2, coordination: mode });
const nodeIds = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
let nowMs = 1_700_000_000_000;
const timers = [];
const scheduler = {
  nowMs: () => nowMs,
  schedule: (delayMs, run) => {
    const entry = { dueMs: nowMs + delayMs, run };
    timers.push(entry);
    return entry;
  },
  cancel: (entry) => {
    entry.run = null;
  },
};
const queue = [];
const handlers = new Map();
const transportFor = (self) => ({
  send: (to, msg) => queue.push([self, to, clone ? encodeMessage(msg) : msg]),
  onMessage: (handler) => handlers.set(self, handler),
});
const failed = (error) => {
  throw error;
};
for (const nodeId of nodeIds) {
  const node = new DynamoNode({ nodeId, actorId: `${nodeId}#1` }, tuning, { data: new MemoryStore(), hints: new MemoryStore() }, { nodes: nodeIds, epoch: 1 }, md5Hex);
  new EffectHost(node, transportFor(nodeId), scheduler, { settled: () => undefined, failed }).input({ kind: 'start', nowMs });
}
const outcomes = new Map();
const client = new EffectHost(new ClientCore('client-1', mode, tuning, nodeIds, md5Hex), transportFor('client-1'), scheduler, {
  settled: (requestId, outcome) => outcomes.set(requestId, outcome),
  failed,
});

/** Delivers every queued message, and what they cause, until the queue is empty. */
function deliverAll() {
  while (queue.length > 0) {
    for (const [from, to, msg] of queue.splice(0, queue.length)) {
      const handler = handlers.get(to);
      if (handler) handler(from, clone ? decodeMessage(globalThis.structuredClone(msg)) : msg);
    }
  }
}

/** One millisecond passes: due timers run. */
function tick() {
  nowMs += 1;
  let kept = 0;
  for (const entry of timers) {
    if (entry.run !== null && entry.dueMs <= nowMs) {
      const run = entry.run;
      entry.run = null;
      run();
    } else if (entry.run !== null) timers[kept++] = entry;
  }
  timers.length = kept;
  deliverAll();
}

const contexts = new Map();
const value = 'v'.repeat(100);
let requestId = 0;
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
function request(op, key) {
  const id = ++requestId;
  const spec = op === 'get' ? { key, r: 2, timeoutMs: 1000 } : { key, value, deleted: false, context: contexts.get(key) ?? { clock: {} }, w: 2, timeoutMs: 1000 };
  client.input({ kind: op, requestId: id, spec, nowMs });
  return id;
}

function run(count) {
  for (let done = 0; done < count; done += CONCURRENCY) {
    const round = Array.from({ length: CONCURRENCY }, () => {
      const key = `key${Math.floor(random() * 100)}`;
      return { key, id: request(random() < 0.5 ? 'get' : 'put', key) };
    });
    deliverAll();
    tick();
    for (const { key, id } of round) {
      const outcome = outcomes.get(id);
      outcomes.delete(id);
      if (!outcome?.ok) throw new Error(`request ${id} failed: ${JSON.stringify(outcome)}`);
      contexts.set(key, outcome.context);
    }
  }
}

for (let i = 0; i < 100; i++) {
  const id = request('put', `key${i}`);
  deliverAll();
  contexts.set(`key${i}`, outcomes.get(id).context);
}
run(20_000);
// Five rounds, each a fifth of the requests: the median and the least of them, as one round's
// figure moves by a tenth or more with where the collector's work happens to fall.
const ROUNDS = 5;
const perRound = Math.max(CONCURRENCY, Math.floor(requests / ROUNDS));
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  run(perRound);
  const cpu = process.cpuUsage(cpuBefore);
  rounds.push({ cpuUs: (cpu.user + cpu.system) / perRound, perSecond: perRound / ((performance.now() - startedMs) / 1000) });
}
rounds.sort((a, b) => a.cpuUs - b.cpuUs);
const median = rounds[Math.floor(ROUNDS / 2)];
console.log(
  `${mode} coordination, ${clone ? 'wire shape and structured clone' : 'no cloning'}: ${median.cpuUs.toFixed(1)} us of CPU per request ` +
    `(median of ${ROUNDS} rounds of ${perRound}; least ${rounds[0].cpuUs.toFixed(1)}; ${Math.round(median.perSecond)} requests/s on one thread)`,
);

// With `alloc`: what three more rounds allocate per request, as V8's sampling heap profiler
// sees it (a sample every 4 KB on average, collected objects included): the median round, and
// the range, as one round's figure moves by 2-3% with where the samples fall. The structured
// clone that stands in for a port here allocates too; a real port's deserializer does the same.
if (flags.includes('alloc')) {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('HeapProfiler.enable');
  const perRequest = [];
  for (let round = 0; round < 3; round++) {
    await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    run(perRound);
    const { profile } = await post('HeapProfiler.stopSampling');
    let bytes = 0;
    const walk = (node) => {
      bytes += node.selfSize;
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    perRequest.push(Math.round(bytes / perRound));
  }
  session.disconnect();
  perRequest.sort((a, b) => a - b);
  console.log(`allocated: ${perRequest[1]} bytes per request (median of 3 sampled rounds of ${perRound} requests; ${perRequest[0]}-${perRequest[2]})`);
}
