/**
 * The worker-thread shell of one Dynamo node: it runs the core state machine, carries out
 * its effects (messages on the MessagePort mesh, real timers) and serves the control plane.
 * This file and src/runtime/ are the only code that touches node:worker_threads.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Effect } from '../src/core/effects.js';
import type { Hint } from '../src/core/hints.js';
import { DynamoNode, type NodeInput } from '../src/core/node.js';
import type { Siblings } from '../src/core/versions.js';
import { isMessage } from '../src/protocol/guards.js';
import type { NodeControl, NodeWorkerData, WorkerStats } from '../src/runtime/control-api.js';
import { MemoryStore } from '../src/storage/store.js';
import { FaultLayer } from '../src/transport/fault-layer.js';
import { PortMesh } from '../src/transport/port-mesh.js';

const data = workerData as NodeWorkerData;
const mesh = new PortMesh();
const transport = new FaultLayer(mesh);
const timers = new Map<number, NodeJS.Timeout>();
const stores = { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() };
const node = new DynamoNode({ nodeId: data.nodeId, actorId: data.actorId }, data.tuning, stores, data.members);
let invalidMessages = 0;
let internalErrors = 0;
let running = true;

/**
 * A bug in the core (a broken invariant) must not take the node down with every key it
 * holds: the input is dropped, the error counted and reported once on stderr.
 */
function step(input: NodeInput): void {
  if (!running) return;
  try {
    perform(node.step(input));
  } catch (error) {
    if (internalErrors++ === 0) console.error(`dynamo ${data.nodeId}: internal error on ${input.kind}:`, error);
  }
}

function perform(effects: readonly Effect[]): void {
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send':
        transport.send(effect.to, effect.msg);
        break;
      case 'setTimer':
        timers.set(
          effect.timerId,
          setTimeout(() => {
            timers.delete(effect.timerId);
            step({ kind: 'timer', timerId: effect.timerId, nowMs: performance.now() });
          }, effect.delayMs),
        );
        break;
      case 'cancelTimer':
        clearTimeout(timers.get(effect.timerId));
        timers.delete(effect.timerId);
        break;
    }
  }
}

transport.onMessage((from, msg) => {
  if (!isMessage(msg)) {
    invalidMessages++;
    return;
  }
  step({ kind: 'receive', from, msg, nowMs: performance.now() });
});

const control: NodeControl = {
  ready: () => data.nodeId,
  connect: (peer: string, port: MessagePort) => mesh.connect(peer, port),
  disconnect: (peer: string) => mesh.disconnect(peer),
  setMembership: (nodes: readonly string[]) => step({ kind: 'membership', nodes, nowMs: performance.now() }),
  setPartition: (blocked: readonly string[]) => transport.setBlocked(blocked),
  stats: (): WorkerStats => ({
    ...node.stats(),
    messagesIn: mesh.received,
    messagesOut: mesh.sent,
    batchesOut: mesh.batchesSent,
    messagesDropped: transport.dropped,
    invalidMessages,
    internalErrors,
    partitionedFrom: transport.blockedPeers,
  }),
  inspect: (key: string) => node.inspect(key),
  shutdown: () => {
    running = false;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    mesh.closeAll();
    // Closing the control port last lets this call's answer go out first.
    setImmediate(() => data.controlPort.close());
  },
};

Comlink.expose(control, nodeEndpoint(data.controlPort));
step({ kind: 'start', nowMs: performance.now() });
