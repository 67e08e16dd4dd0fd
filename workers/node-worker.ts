/**
 * The worker-thread shell of one Dynamo node: the core state machine on the one effect host
 * (MessagePort mesh, fault layer, real timers), and the control plane. This file and
 * src/runtime/ are the only code that touches node:worker_threads.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Hint } from '../src/core/hinted-handoff.js';
import { DynamoNode, type NodeInput } from '../src/core/node.js';
import type { Siblings } from '../src/protocol/data.js';
import type { NodeControl, NodeIdentity, NodeWorkerData, WorkerStats } from '../src/runtime/control-api.js';
import { EffectHost } from '../src/runtime/effect-host.js';
import { TimerQueue } from '../src/runtime/timer-queue.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { FaultLayer } from '../src/transport/fault-layer.js';
import { PortMesh } from '../src/transport/port-mesh.js';
import { md5Hex } from '../src/util/md5.js';

const data = workerData as NodeWorkerData;

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
}

function boot(identity: NodeIdentity): Incarnation {
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
  const stores = { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() };
  const node = new DynamoNode({ nodeId: identity.nodeId, actorId: identity.actorId }, identity.tuning, stores, identity.membership, md5Hex);
  const timers = new TimerQueue();
  const host: EffectHost<NodeInput> = new EffectHost<NodeInput>(node, faults, timers, {
    // A node answers clients with messages; a local settle would be a bug, counted as one.
    settled: () => host.internalErrors++,
    // A bug in the core (a broken invariant) must not take the node down with every key it
    // holds: the input is dropped, the error counted and reported once on stderr.
    failed: (error, input) => {
      if (host.internalErrors === 1) console.error(`dynamo ${identity.nodeId}: internal error on ${input.kind}:`, error);
    },
  });
  host.input({ kind: 'start', nowMs: host.nowMs });
  return { nodeId: identity.nodeId, mesh, faults, node, host, timers, delayed };
}

/**
 * Stops a node for good: its timers, the arrivals chaos held back, and every port of its mesh
 * (anything late meets a stopped host). Nothing of it is left to fire on a retired thread.
 */
function halt(incarnation: Incarnation): void {
  incarnation.host.stop();
  incarnation.timers.clear();
  for (const timer of incarnation.delayed) clearTimeout(timer);
  incarnation.delayed.clear();
  incarnation.mesh.closeAll();
}

let current: Incarnation | null = boot(data);

/** The node this thread runs; a control call on a retired thread is a bug of the main thread's. */
function running(): Incarnation {
  if (current === null) throw new Error('this node worker is retired: it runs no node until reset');
  return current;
}

/** This thread's own load: inside a worker, both calls measure the worker's loop and isolate, not the process's. */
function threadLoad(): Pick<WorkerStats, 'eventLoop' | 'heapUsedBytes'> {
  const loop = performance.eventLoopUtilization();
  return { eventLoop: { activeMs: loop.active, idleMs: loop.idle }, heapUsedBytes: getHeapStatistics().used_heap_size };
}

const control: NodeControl = {
  ready: () => running().nodeId,
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
    };
  },
  inspect: (key: string) => running().node.inspect(key),
  shutdown: () => {
    if (current !== null) halt(current);
    current = null;
    // Closing the control port last lets this call's answer go out first.
    setImmediate(() => data.controlPort.close());
  },
  retire: () => {
    if (current !== null) halt(current);
    current = null;
  },
  reset: (identity) => {
    if (current !== null) halt(current);
    current = null;
    current = boot(identity);
  },
};

Comlink.expose(control, nodeEndpoint(data.controlPort));
