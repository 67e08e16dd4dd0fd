// The lean paths: how fast the engine's request path could be with the engine's work for a
// request and none of its layers, measured against the floor and the engine, interleaved.
//
// Five worker threads in a full MessagePort mesh, batched per event-loop turn as the engine
// batches, coordinate at the node (N=3 W=2 R=2, keys key0..key99, 100-byte values, half gets,
// every write with the context of the key's last answer), driven by the bench's own closed
// loop (bench/driver.ts) through a client with the engine's API shape: get/put returning
// promises, keys and values checked as the API checks them, a deadline per request swept
// every 100 ms. Three lean paths:
// - lean (scripts/lean-path-worker.mjs): the engine's message objects, wire codec, guard and
//   data functions;
// - checked: one flat array per message, checked as it is read straight into the engine's
//   objects, handled with the engine's data functions (scripts/lean-object-data.mjs);
// - compact: the same messages, data flat throughout (scripts/lean-compact-data.mjs).
// Five systems (the three, the floor, the engine) stay alive and run phase after phase, the
// order rotating each round, so each ratio compares phases seconds apart on this noisy
// machine. CPU is each thread's schedstat run time, per request: the main thread's, and the
// sum of every other thread's (workers and V8's helpers; the idle systems' background work,
// such as the engine's anti-entropy, is charged to whichever phase it falls in).
//
//   node scripts/lean-path.mjs [concurrency] [requests per phase] [rounds] [warm-up] [node|client]   (after npm run build)
//
// Defaults: 64, 30,000, 3, 60,000, node. In client coordination the lean paths' client asks
// the replicas itself (scripts/lean-client-coordination.mjs), as do the floor's and the engine's. LEAN_NO_GUARD=1 leaves out the guard (protocol/guards.js)
// in the lean path's threads, to see what checking every message costs; LEAN_STRING_ACTORS=1
// names the compact path's actors with strings like the engine's instead of small integers;
// ENGINE_OPTIONS='{"antiEntropyIntervalMs":0}' starts the engine's cluster with those options.
// docs/PERFORMANCE.md ("The fifth round") quotes it.
import { MessageChannel, Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import { DynamoError } from '../dist/index.js';
import { runPhase } from '../dist/bench/driver.js';
import { OpPlan } from '../dist/bench/workload.js';
import { FloorMesh } from '../dist/bench/floor.js';
import { replicasOf } from '../dist/bench/floor-placement.js';
import { checkKey, snapshotValue } from '../dist/src/api/values.js';
import { decodeMessage, encodeMessage } from '../dist/src/protocol/wire.js';
import { isMessage } from '../dist/src/protocol/guards.js';
import { EMPTY_CONTEXT } from '../dist/src/core/causal-context.js';
import { checkMode, checkWholeNumbers, floorSpec, startWorkload, threadCpu } from './steady-workload.mjs';
import { ClientCoordinator, engineCodec, flatCodec } from './lean-client-coordination.mjs';
import { FLAT_DATA } from './lean-compact-data.mjs';
import { OBJECT_DATA } from './lean-object-data.mjs';
import * as Compact from './lean-compact-data.mjs';
import { batcher } from './lean-node-runtime.mjs';

const concurrency = Number(process.argv[2] ?? 64);
const requests = Number(process.argv[3] ?? 30_000);
const rounds = Number(process.argv[4] ?? 3);
const warmup = Number(process.argv[5] ?? 60_000);
const mode = process.argv[6] ?? 'node';
checkWholeNumbers([['concurrency', concurrency], ['requests', requests], ['rounds', rounds]], 1);
checkWholeNumbers([['warm-up', warmup]], 0);
checkMode(mode);

const NODES = 5;
const CHECK = process.env.LEAN_NO_GUARD !== '1';
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** The lean path's messages: the engine's shapes, wire codec and guard. */
const ENGINE_SHAPES = {
  workerFile: here('./lean-path-worker.mjs'),
  get: (reqId, key, r, timeoutMs) => encodeMessage({ kind: 'client.get', reqId, key, r, timeoutMs, hops: 0, replyTo: 'client' }),
  put: (reqId, key, value, context, w, timeoutMs) => encodeMessage({ kind: 'client.put', reqId, key, value, deleted: false, context, w, timeoutMs, hops: 0, replyTo: 'client' }),
  emptyContext: EMPTY_CONTEXT,
  clientCoordination: () => ({ codec: engineCodec(CHECK), data: OBJECT_DATA }),
  clientActor: () => 'client@lean',
  /** [reqId, result] of a reply, or null. */
  reply(wire) {
    const msg = decodeMessage(wire);
    if ((CHECK && !isMessage(msg)) || (msg.kind !== 'reply.get' && msg.kind !== 'reply.put')) return null;
    if (msg.kind === 'reply.put') return [msg.reqId, { context: msg.context }];
    return [msg.reqId, { values: OBJECT_DATA.values(msg), context: msg.context }];
  },
};

/** The compact lean path's messages (scripts/lean-compact-data.mjs), its data flat too. */
const COMPACT_SHAPES = {
  workerFile: here('./lean-compact-worker.mjs'),
  data: 'flat',
  get: (reqId, key, r, timeoutMs) => [Compact.Code.ClientGet, reqId, key, r, timeoutMs, 'client'],
  put(reqId, key, value, context, w, timeoutMs) {
    const msg = [Compact.Code.ClientPut, reqId, key, value, w, timeoutMs, 'client', context.clock.length];
    for (const x of context.clock) msg.push(x);
    return msg;
  },
  emptyContext: Object.freeze({ clock: Object.freeze([]) }),
  clientCoordination: () => ({ codec: flatCodec(FLAT_DATA), data: FLAT_DATA }),
  // The next small integer after the nodes' (names like the engine's with LEAN_STRING_ACTORS=1).
  clientActor: (actorOf) => (process.env.LEAN_STRING_ACTORS === '1' ? 'client@lean' : Object.keys(actorOf).length),
  reply(w) {
    if (!Array.isArray(w) || !Compact.isReqId(w[1]) || (w[0] !== Compact.Code.ReplyGet && w[0] !== Compact.Code.ReplyPut)) return null;
    const siblings = FLAT_DATA.readSiblings(w, 2);
    if (siblings === null) return null;
    const context = FLAT_DATA.toCaller(siblings.clock);
    return [w[1], w[0] === Compact.Code.ReplyPut ? { context } : { values: FLAT_DATA.values(siblings), context }];
  },
};
const MAX_VALUE_BYTES = 1024 * 1024;

/** The lean cluster's client, on the main thread: the engine's API shape, nothing more. */
class LeanCluster {
  static async start(shapes) {
    const nodeIds = Array.from({ length: NODES }, (_, i) => `node-${i + 1}`);
    const keys = Array.from({ length: 100 }, (_, i) => `key${i}`);
    const placement = keys.map((key) => [key, replicasOf(key, NODES, 3).map((i) => nodeIds[i])]);
    const peers = nodeIds.map(() => ({}));
    for (let a = 0; a < NODES; a++) {
      for (let b = a + 1; b < NODES; b++) {
        const { port1, port2 } = new MessageChannel();
        peers[a][nodeIds[b]] = port1;
        peers[b][nodeIds[a]] = port2;
      }
    }
    const actorOf = Object.fromEntries(nodeIds.map((node, actor) => [node, actor]));
    const ports = new Map();
    const workers = [];
    const ready = [];
    for (let i = 0; i < NODES; i++) {
      const { port1, port2 } = new MessageChannel();
      ports.set(nodeIds[i], port1);
      const transferList = [port2, ...Object.values(peers[i])];
      const worker = new Worker(shapes.workerFile, { workerData: { self: nodeIds[i], peers: peers[i], clientPort: port2, placement, actorOf, data: shapes.data ?? 'engine' }, transferList });
      workers.push(worker);
      ready.push(new Promise((resolve, reject) => {
        port1.once('message', resolve);
        worker.once('exit', (code) => reject(new Error(`${nodeIds[i]} of the lean path exited (${code}) before it was ready`)));
      }));
    }
    await Promise.all(ready);
    return new LeanCluster(shapes, workers, ports, new Map(placement), actorOf);
  }

  constructor(shapes, workers, ports, placement, actorOf) {
    this.shapes = shapes;
    /** Set once a node thread failed: every request is rejected with it. */
    this.failure = undefined;
    this.stopping = false;
    this.workers = workers;
    this.ports = ports;
    this.placement = placement;
    this.pending = new Map();
    this.nextReqId = 1;
    /** Sends a message to a node, batched per turn as the engine's client sends. */
    this.send = batcher(ports);
    /** In client coordination, the client asks the replicas itself. */
    this.coordinator = mode === 'client' ? new ClientCoordinator({ ...shapes.clientCoordination(), placement, send: this.send, actor: shapes.clientActor(actorOf) }) : null;
    for (const [node, port] of ports) port.on('message', (data) => this.receive(node, data));
    // A node thread that dies ends the measurement at once: its requests would otherwise
    // only time out, one by one, and the run would look slow instead of broken.
    workers.forEach((worker, i) => {
      worker.on('error', (error) => this.fail(new Error(`node-${i + 1} of the lean path failed: ${error.message}`)));
      worker.on('exit', (code) => this.stopping || this.fail(new Error(`node-${i + 1} of the lean path exited (${code})`)));
    });
    this.sweeper = setInterval(() => this.sweep(), 100);
  }

  get(key, { r, timeoutMs }) {
    checkKey(key);
    if (this.coordinator !== null) return this.coordinated(timeoutMs, (reqId, request) => this.coordinator.get(reqId, request, key, r));
    return this.request(key, timeoutMs, (reqId) => this.shapes.get(reqId, key, r, timeoutMs));
  }

  put(key, value, { context, w, timeoutMs }) {
    checkKey(key);
    const stored = snapshotValue(value, MAX_VALUE_BYTES);
    if (this.coordinator !== null) return this.coordinated(timeoutMs, (reqId, request) => this.coordinator.put(reqId, request, key, stored, context, w));
    return this.request(key, timeoutMs, (reqId) => this.shapes.put(reqId, key, stored, context ?? this.shapes.emptyContext, w, timeoutMs));
  }

  /** A request the client coordinates: `start` sends it, the replies go to the coordinator. */
  coordinated(timeoutMs, start) {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const reqId = this.nextReqId++;
    return new Promise((resolve, reject) => {
      const request = { resolve, reject, dueMs: performance.now() + timeoutMs };
      this.pending.set(reqId, request);
      start(reqId, request);
    });
  }

  /** Rejects every request, now and from now on. */
  fail(error) {
    this.failure ??= error;
    this.reportsFailed?.(error);
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }

  request(key, timeoutMs, message) {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const reqId = this.nextReqId++;
    const coordinator = this.placement.get(key)[0];
    return new Promise((resolve, reject) => {
      this.pending.set(reqId, { resolve, reject, dueMs: performance.now() + timeoutMs });
      this.send(coordinator, message(reqId));
    });
  }

  receive(node, data) {
    if (!Array.isArray(data)) {
      this.reported?.(data);
      return;
    }
    if (this.coordinator !== null) {
      for (const wire of data) {
        const reply = this.coordinator.codec.reply(wire);
        const request = reply === null ? undefined : this.pending.get(reply[0]);
        if (request !== undefined && this.coordinator.answered(node, request, reply[1])) this.pending.delete(reply[0]);
      }
      return;
    }
    for (const wire of data) {
      const reply = this.shapes.reply(wire);
      if (reply === null) continue;
      const [reqId, result] = reply;
      const request = this.pending.get(reqId);
      if (request === undefined) continue;
      this.pending.delete(reqId);
      request.resolve(result);
    }
  }

  sweep() {
    const nowMs = performance.now();
    for (const [reqId, request] of this.pending) {
      if (request.dueMs > nowMs) continue;
      this.pending.delete(reqId);
      request.reject(new DynamoError('TIMEOUT', `request ${reqId} timed out`));
    }
  }

  /** Messages the nodes refused as malformed (none, unless a path sends what it cannot read), and read repairs sent. */
  async counts() {
    if (this.failure !== undefined) throw this.failure;
    const reports = [];
    await new Promise((resolve, reject) => {
      this.reportsFailed = reject;
      this.reported = (report) => {
        reports.push(report);
        if (reports.length === this.ports.size) resolve();
      };
      for (const port of this.ports.values()) port.postMessage('report');
    });
    this.reported = undefined;
    this.reportsFailed = undefined;
    const sum = (field) => reports.reduce((total, report) => total + report[field], 0);
    return { refused: sum('invalid'), repairs: sum('repairs') + (this.coordinator?.repairs ?? 0) };
  }

  async stop() {
    this.stopping = true;
    clearInterval(this.sweeper);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Runs `phase`: its ops/s (the phase's own figure when it has one), and the CPU per request of the main thread and of all others. */
async function measured(phase) {
  const before = threadCpu();
  const startedMs = performance.now();
  const outcome = await phase();
  const elapsedMs = performance.now() - startedMs;
  let mainNs = 0;
  let othersNs = 0;
  for (const [tid, { cpuNs }] of threadCpu()) {
    // A thread started during the phase spent all its time in it.
    const spent = cpuNs - (before.get(tid)?.cpuNs ?? 0);
    if (tid === String(process.pid)) mainNs += spent;
    else othersNs += spent;
  }
  return { opsPerS: outcome.opsPerS ?? requests / (elapsedMs / 1000), mainUs: mainNs / 1000 / requests, othersUs: othersNs / 1000 / requests, errors: outcome.errors, gets: outcome.gets, note: outcome.note };
}

/** Errors, and what the reads found: a check that a path stores and merges as the engine does. */
function outcomeOf(result) {
  const gets = result.get.totalCount;
  const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
  return { errors, gets, note: `reads found a value ${((100 * result.hits) / Math.max(1, gets)).toFixed(1)}%, saw siblings ${((100 * result.siblingReads) / Math.max(1, gets)).toFixed(1)}%` };
}

/** Writes every key once (at W=3, as the engine's workload does), then runs phases on demand. */
async function leanRunner(cluster) {
  const plan = new OpPlan(1, 100, 0.5, 100);
  const contexts = new Map();
  for (const key of plan.keys) contexts.set(key, (await cluster.put(key, 'x'.repeat(100), { w: 3, timeoutMs: 5000 })).context);
  return async (ops) => outcomeOf(await runPhase(cluster, plan, contexts, { concurrency, timeoutMs: 5000, ops, r: 2, w: 2 }));
}

/** The compact path's messages, read into the engine's objects (scripts/lean-object-data.mjs). */
const CHECKED_SHAPES = { ...COMPACT_SHAPES, data: 'objects', clientCoordination: () => ({ codec: flatCodec(OBJECT_DATA), data: OBJECT_DATA }), clientActor: () => 'client@lean' };

const lean = await LeanCluster.start(ENGINE_SHAPES);
const checked = await LeanCluster.start(CHECKED_SHAPES);
const compact = await LeanCluster.start(COMPACT_SHAPES);
const floor = await FloorMesh.start(NODES, {});
const engine = await startWorkload(mode, JSON.parse(process.env.ENGINE_OPTIONS ?? '{}'));
const systems = [
  ['lean', await leanRunner(lean)],
  ['checked', await leanRunner(checked)],
  ['compact', await leanRunner(compact)],
  // The floor's own throughput: from its first request sent to its last answered, without
  // the set-up, drain and report around each of its phases.
  ['floor', async (ops) => ({ errors: 0, gets: 0, opsPerS: (await floor.measure(floorSpec(mode, concurrency, ops))).figures.throughput_ops_s })],
  ['engine', async (ops) => outcomeOf(await engine.run(concurrency, ops))],
];
try {
  /** Gets each system ran, warm-up included: what its read repairs are counted against. */
  const gets = new Map(systems.map(([name]) => [name, 0]));
  for (const [name, run] of systems) if (warmup > 0) gets.set(name, gets.get(name) + (await run(warmup)).gets);
  const results = new Map(systems.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Each system's leftovers (late replies, scavenges of the shared main thread) fall into
    // the next phase: the order rotates so that no system always follows the same one.
    const order = systems.map((_, i) => systems[(i + round) % systems.length]);
    for (const [name, run] of order) {
      const figures = await measured(() => run(requests));
      results.get(name).push(figures);
      gets.set(name, gets.get(name) + figures.gets);
      console.log(`round ${round + 1} ${name}: ${Math.round(figures.opsPerS)} ops/s; CPU per request: main thread ${figures.mainUs.toFixed(1)} us, other threads ${figures.othersUs.toFixed(1)} us${figures.errors > 0 ? `, ${figures.errors} errors` : ''}${figures.note ? ` (${figures.note})` : ''}`);
    }
  }
  // Checks that the paths did the same work: nothing refused, and read repairs at the
  // engine's rate.
  const perThousandGets = (repairs, name) => ((1000 * repairs) / Math.max(1, gets.get(name))).toFixed(1);
  for (const [name, cluster] of [['lean', lean], ['checked', checked], ['compact', compact]]) {
    const { refused, repairs } = await cluster.counts();
    console.log(`${name}: ${refused} messages refused as malformed, ${perThousandGets(repairs, name)} read repairs per 1,000 gets`);
  }
  console.log(`engine: ${perThousandGets((await engine.cluster.stats()).totals.readRepairs, 'engine')} read repairs per 1,000 gets`);
  const floorRounds = results.get('floor');
  for (const name of ['lean', 'checked', 'compact', 'engine']) {
    const ratios = results.get(name).map((figures, round) => figures.opsPerS / floorRounds[round].opsPerS);
    console.log(`${name} / floor throughput, round by round: ${ratios.map((ratio) => `${ratio.toFixed(2)}x`).join(' ')}`);
  }
} finally {
  await Promise.all([lean.stop(), checked.stop(), compact.stop(), floor.close(), engine.cluster.stop()]);
}
