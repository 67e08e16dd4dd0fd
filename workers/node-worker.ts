/**
 * The worker-thread shell of one Dynamo node: the core state machine on the one effect host
 * (MessagePort mesh, fault layer, real timers), and the control plane. This file and
 * src/runtime/ are the only code that touches node:worker_threads.
 */
import * as Comlink from 'comlink';
import { randomBytes } from 'node:crypto';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Hint } from '../src/core/hinted-handoff.js';
import { DynamoNode, type NodeInput, type NodeStores } from '../src/core/node.js';
import type { Siblings } from '../src/protocol/data.js';
import type { NodeControl, NodeIdentity, NodeStorage, NodeWorkerData, StorageStats, WorkerStats } from '../src/runtime/control-api.js';
import { EffectHost } from '../src/runtime/effect-host.js';
import { TimerQueue } from '../src/runtime/timer-queue.js';
import { LmdbStores } from '../src/storage/lmdb-stores.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { isCommitFailure } from '../src/storage/write-log.js';
import { CommitGate } from '../src/transport/commit-gate.js';
import { FaultLayer } from '../src/transport/fault-layer.js';
import { PortMesh } from '../src/transport/port-mesh.js';
import type { Transport } from '../src/transport/transport.js';
import { md5Hex } from '../src/util/md5.js';

const data = workerData as NodeWorkerData;

// A failed commit reaches the node through its write log; the rejection lmdb-js makes beside
// it must not end the thread. Anything else unhandled ends it, as by default.
process.on('unhandledRejection', (reason) => {
  if (isCommitFailure(reason)) return;
  throw reason;
});

/** One node on this thread: its stores, core, transport and host. A pooled thread runs several, one after the other. */
interface Incarnation {
  readonly nodeId: string;
  readonly mesh: PortMesh;
  readonly faults: FaultLayer;
  readonly node: DynamoNode;
  readonly host: EffectHost<NodeInput>;
  readonly timers: TimerQueue;
  /** Arrivals a chaos rule holds back, each waiting on a timer of its own. */
  readonly delayed: Set<NodeJS.Timeout>;
  /** A durable node's storage and the gate its messages wait at; null in memory. */
  readonly durable: Durable | null;
}

interface Durable {
  readonly stores: LmdbStores;
  readonly gate: CommitGate;
  /** Why the node stopped, once a write failed. */
  error: string | null;
}

async function boot(identity: NodeIdentity): Promise<Incarnation> {
  const mesh = new PortMesh();
  const delayed = new Set<NodeJS.Timeout>();
  // Delayed arrivals do not keep a stopping worker alive: a node that stops loses them.
  const defer = (delayMs: number, run: () => void): void => {
    const timer = setTimeout(() => {
      delayed.delete(timer);
      run();
    }, delayMs).unref();
    delayed.add(timer);
  };
  const faults = new FaultLayer(mesh, defer, { self: identity.nodeId, random: Math.random });
  const durable = identity.storage === undefined ? null : await openDurable(identity.nodeId, identity.storage, faults, mesh, () => host);
  // A durable node's hint sequence numbers begin past every number an earlier boot could have
  // used (2^32 a boot), so a delivery's ack arriving late never deletes a newer hint.
  const stores: NodeStores = durable === null ? { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() } : { data: durable.stores.data, hints: durable.stores.hints, firstHintSeq: durable.stores.boot * 2 ** 32 };
  // A durable node's actor carries its boot count and a random tag: no start of it reuses an
  // earlier one's dots, not even after its environment was deleted and the count began again.
  const actorId = durable === null ? identity.actorId : `${identity.actorId}~${durable.stores.boot}.${randomBytes(4).toString('hex')}`;
  const node = new DynamoNode({ nodeId: identity.nodeId, actorId }, identity.tuning, stores, identity.membership, md5Hex);
  const timers = new TimerQueue();
  const host: EffectHost<NodeInput> = new EffectHost<NodeInput>(node, durable?.gate ?? faults, timers, {
    // A node answers clients with messages; a local settle would be a bug, counted as one.
    settled: () => host.internalErrors++,
    // A bug in the core (a broken invariant) must not take the node down with every key it
    // holds: the input is dropped, the error counted and reported once on stderr.
    failed: (error, input) => {
      if (host.internalErrors === 1) console.error(`dynamo ${identity.nodeId}: internal error on ${input.kind}:`, error);
    },
  });
  host.input({ kind: 'start', nowMs: host.nowMs });
  return { nodeId: identity.nodeId, mesh, faults, node, host, timers, delayed, durable };
}

/**
 * Opens a durable node's environment, and the gate its messages wait at for their writes. A
 * write that fails stops the node: nothing it has not made safe is acknowledged.
 */
async function openDurable(nodeId: string, storage: NodeStorage, transport: Transport, mesh: PortMesh, host: () => EffectHost<NodeInput>): Promise<Durable> {
  // The stores report to the gate, which needs the stores' log: the callbacks find it here.
  const opened: { durable?: Durable } = {};
  const stores = await LmdbStores.open({
    path: storage.path,
    nodeId,
    durability: storage.durability,
    // No probe here: the main thread read the environment through before it gave this thread
    // the node (node-handle.ts); a probe process started here would outlive a terminated thread.
    progressed: () => opened.durable?.gate.release(),
    failed: (error) => {
      const { durable } = opened;
      if (durable === undefined || durable.error !== null) return;
      durable.error = error.message;
      durable.gate.drop();
      host().stop();
      console.error(`dynamo ${nodeId}: stopped: ${error.message}`);
    },
  });
  const gate = new CommitGate(transport, stores.log, () => mesh.flushNow(), () => mesh.scheduleFlush());
  opened.durable = { stores, gate, error: null };
  // The turn's writes commit as its messages are about to leave, when a message waits for
  // them: those they release go too. Otherwise they commit a turn later (turn-writer.ts).
  mesh.beforeFlush = () => {
    if (gate.waiting > 0) stores.commitNow();
  };
  return opened.durable;
}
/**
 * Stops a node for good: its timers, the arrivals chaos held back, and every port of its mesh
 * (anything late meets a stopped host). Nothing of it is left to fire on a retired thread. A
 * durable node's environment closes after what it wrote is safe.
 */
async function halt(incarnation: Incarnation): Promise<void> {
  incarnation.host.stop();
  incarnation.timers.clear();
  for (const timer of incarnation.delayed) clearTimeout(timer);
  incarnation.delayed.clear();
  incarnation.mesh.closeAll();
  await incarnation.durable?.stores.close();
}

let current: Incarnation | null = null;
/** The node being started: control calls other than `ready` come after it (node-handle.ts). */
let booting: Promise<void> = start(data);

/** Starts a node; its failure (storage that cannot be opened) reaches whoever awaits `booting`. */
function start(identity: NodeIdentity): Promise<void> {
  const started = boot(identity).then((incarnation) => {
    current = incarnation;
  });
  started.catch(() => undefined);
  return started;
}

/** Stops the node this thread runs, if any (waiting for one still starting). */
async function stopCurrent(): Promise<void> {
  await booting.catch(() => undefined);
  const stopping = current;
  current = null;
  if (stopping !== null) await halt(stopping);
}

/** The node this thread runs; a control call on a retired thread is a bug of the main thread's. */
function running(): Incarnation {
  if (current === null) throw new Error('this node worker is retired: it runs no node until reset');
  return current;
}

function storageStats(durable: Durable | null): StorageStats | null {
  if (durable === null) return null;
  const { stores, gate } = durable;
  return { path: stores.path, boot: stores.boot, writes: stores.log.issued, safeWrites: stores.log.confirmed, commits: stores.log.commits, waiting: gate.waiting, waited: gate.waited, dropped: gate.dropped, error: durable.error };
}

/** This thread's own load: inside a worker, both calls measure the worker's loop and isolate, not the process's. */
function threadLoad(): Pick<WorkerStats, 'eventLoop' | 'heapUsedBytes'> {
  const loop = performance.eventLoopUtilization();
  return { eventLoop: { activeMs: loop.active, idleMs: loop.idle }, heapUsedBytes: getHeapStatistics().used_heap_size };
}

const control: NodeControl = {
  ready: async () => {
    await booting;
    return running().nodeId;
  },
  connect: (peer: string, port: MessagePort) => running().mesh.connect(peer, port),
  disconnect: (peer: string) => running().mesh.disconnect(peer),
  setUplink: (port: MessagePort) => running().mesh.setUplink(running().nodeId, port),
  setMembership: (membership) => {
    const { host } = running();
    host.input({ kind: 'membership', membership, nowMs: host.nowMs });
  },
  setCut: (cut) => running().faults.setCut(cut),
  setChaos: (rules) => running().faults.setChaos(rules),
  stats: (): WorkerStats => {
    const { node, mesh, faults, host } = running();
    return {
      ...node.stats(),
      messagesIn: mesh.received,
      messagesOut: mesh.sent,
      batchesOut: mesh.batchesSent,
      ...faults.counters,
      invalidMessages: host.invalidMessages,
      internalErrors: host.internalErrors,
      partitionedFrom: faults.cutOffFrom,
      links: faults.linkTallies,
      ...threadLoad(),
      storage: storageStats(running().durable),
    };
  },
  inspect: (key: string) => running().node.inspect(key),
  shutdown: async () => {
    await stopCurrent();
    // Closing the control port last lets this call's answer go out first.
    setImmediate(() => data.controlPort.close());
  },
  retire: stopCurrent,
  reset: async (identity) => {
    await stopCurrent();
    booting = start(identity);
    await booting;
  },
};

Comlink.expose(control, nodeEndpoint(data.controlPort));
