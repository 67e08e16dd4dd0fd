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
import type { NodeControl, NodeWorkerData, WorkerStats } from '../src/runtime/control-api.js';
import { EffectHost } from '../src/runtime/effect-host.js';
import { TimerQueue } from '../src/runtime/timer-queue.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { FaultLayer } from '../src/transport/fault-layer.js';
import { PortMesh } from '../src/transport/port-mesh.js';
import { md5Hex } from '../src/util/md5.js';

const data = workerData as NodeWorkerData;
const mesh = new PortMesh();
// Delayed arrivals do not keep a stopping worker alive: a node that stops loses them.
const faults = new FaultLayer(mesh, (delayMs, run) => setTimeout(run, delayMs).unref(), { self: data.nodeId, random: Math.random });
const stores = { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() };
const node = new DynamoNode({ nodeId: data.nodeId, actorId: data.actorId }, data.tuning, stores, data.membership, md5Hex);
const host = new EffectHost<NodeInput>(node, faults, new TimerQueue(), {
  // A node answers clients with messages; a local settle would be a bug, counted as one.
  settled: () => host.internalErrors++,
  // A bug in the core (a broken invariant) must not take the node down with every key it
  // holds: the input is dropped, the error counted and reported once on stderr.
  failed: (error, input) => {
    if (host.internalErrors === 1) console.error(`dynamo ${data.nodeId}: internal error on ${input.kind}:`, error);
  },
});

/** This thread's own load: inside a worker, both calls measure the worker's loop and isolate, not the process's. */
function threadLoad(): Pick<WorkerStats, 'eventLoop' | 'heapUsedBytes'> {
  const loop = performance.eventLoopUtilization();
  return { eventLoop: { activeMs: loop.active, idleMs: loop.idle }, heapUsedBytes: getHeapStatistics().used_heap_size };
}

const control: NodeControl = {
  ready: () => data.nodeId,
  connect: (peer: string, port: MessagePort) => mesh.connect(peer, port),
  disconnect: (peer: string) => mesh.disconnect(peer),
  setUplink: (port: MessagePort) => mesh.setUplink(data.nodeId, port),
  setMembership: (membership) => host.input({ kind: 'membership', membership, nowMs: host.nowMs }),
  setCut: (cut) => faults.setCut(cut),
  setChaos: (rules) => faults.setChaos(rules),
  stats: (): WorkerStats => ({
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
  }),
  inspect: (key: string) => node.inspect(key),
  shutdown: () => {
    host.stop();
    mesh.closeAll();
    // Closing the control port last lets this call's answer go out first.
    setImmediate(() => data.controlPort.close());
  },
};

Comlink.expose(control, nodeEndpoint(data.controlPort));
host.input({ kind: 'start', nowMs: host.nowMs });
