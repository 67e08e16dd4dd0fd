/**
 * One node of the replicated floor (bench/floor.ts): a thread that does what a Dynamo node's
 * thread must do to serve a request, and nothing of what Dynamo adds.
 *
 * It holds a Map of key to value and answers on the same MessagePort mesh, with the same
 * batching, as an engine node. As a replica it does one Map get or set and answers. As a
 * coordinator (node coordination) it serves itself locally, asks the key's other N-1
 * replicas, and answers the client as soon as W (put) or R (get) answers are counted, its own
 * among them; the replies that come later are received and dropped. No clocks, no siblings,
 * no timers, no validation beyond what keeps the protocol honest: a message out of protocol
 * throws, which ends the thread and fails the measurement.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { FloorBatcher } from './floor-batcher.js';
import { CLIENT_PEER } from './floor-protocol.js';
import type { FloorBatch, FloorControl, FloorCoordination, FloorMessage, FloorReport, FloorWorkerData } from './floor-protocol.js';

/** A request this node coordinates, until its last replica has answered. */
interface Coordinated {
  readonly op: 'get' | 'put';
  /** Answers needed before the client is answered: R or W. */
  readonly needed: number;
  counted: number;
  /** Replica answers still to come. */
  outstanding: number;
  answered: boolean;
  /** What a get answers with: this node's own copy. */
  readonly value: string | null;
}

function isWorkerData(value: unknown): value is FloorWorkerData {
  return (
    typeof value === 'object' &&
    value !== null &&
    'node' in value &&
    typeof value.node === 'number' &&
    'clientPort' in value &&
    typeof value.clientPort === 'object' &&
    'peerPorts' in value &&
    Array.isArray(value.peerPorts)
  );
}

if (!isWorkerData(workerData)) {
  // Thrown errors surface as the Worker's 'error' event, which the main side turns into a rejection.
  throw new Error('floor worker started without its ports in workerData');
}
const { node, clientPort, peerPorts, fault } = workerData;

function portTo(peer: number): MessagePort {
  const port = peer === CLIENT_PEER ? clientPort : peerPorts[peer];
  if (!port) throw new Error(`floor node ${node} has no port to ${peer}`);
  return port;
}

const batcher = new FloorBatcher((peer, batch) => portTo(peer).postMessage(batch));

let coordination: FloorCoordination = 'node';
let n = 1;
let w = 1;
let r = 1;
let placement = new Map<string, readonly number[]>();
let store = new Map<string, string>();
const coordinating = new Map<number, Coordinated>();
let messagesIn = 0;
/** Every request or reply received since the thread started (the fault seam counts these). */
let messagesEver = 0;
let drainWanted = false;
let silent = false;

function receive(from: number, data: unknown): void {
  if (silent) return;
  if (!Array.isArray(data)) {
    if (from !== CLIENT_PEER) throw new Error(`floor node ${node} got a non-batch from node ${from}`);
    // Control comes from our own main thread only; its shape is FloorControl by construction.
    control(data as FloorControl);
    return;
  }
  // Batches come from our own threads only; a message out of protocol reaches handle()'s
  // default branch, which throws.
  for (const msg of data as FloorBatch) {
    messagesIn++;
    if (fault?.node === node && fault.how !== 'miscount' && ++messagesEver > fault.afterMessages) {
      if (fault.how === 'throw') throw new Error(`floor node ${node}: fault injected by a test`);
      silent = true;
      return;
    }
    handle(from, msg);
  }
}

function handle(from: number, msg: FloorMessage): void {
  switch (msg.k) {
    case 'get':
      coordinate(msg.id, msg.key, 'get', store.get(msg.key) ?? null);
      return;
    case 'put':
      store.set(msg.key, msg.value);
      coordinate(msg.id, msg.key, 'put', msg.value);
      return;
    case 'rget':
      batcher.send(from, { k: 'rgot', id: msg.id, value: store.get(msg.key) ?? null });
      return;
    case 'rput':
      store.set(msg.key, msg.value);
      batcher.send(from, { k: 'rputok', id: msg.id });
      return;
    case 'rgot':
    case 'rputok':
      replied(msg.id);
      return;
    case 'got':
    case 'putok':
      throw new Error(`floor node ${node} got a client's answer (${msg.k})`);
    default:
      throw new Error(`floor node ${node} got a message outside the protocol: ${JSON.stringify(msg)}`);
  }
}

/**
 * Node coordination: asks the other replicas, counts its own copy as the first answer, and
 * answers the client once enough answers are in. `value` is what a put wrote, or the copy a
 * get read.
 */
function coordinate(id: number, key: string, op: 'get' | 'put', value: string | null): void {
  if (coordination !== 'node') throw new Error(`floor node ${node} was asked to coordinate in ${coordination} coordination`);
  const replicas = placement.get(key);
  if (!replicas?.includes(node)) throw new Error(`floor node ${node} is not a replica of ${key}`);
  let asked = 0;
  for (const replica of replicas) {
    if (replica === node) continue;
    batcher.send(replica, op === 'get' ? { k: 'rget', id, key } : { k: 'rput', id, key, value: value ?? '' });
    asked++;
  }
  const request: Coordinated = { op, needed: op === 'get' ? r : w, counted: 1, outstanding: asked, answered: false, value: op === 'get' ? value : null };
  if (request.counted >= request.needed) answer(id, request);
  if (asked > 0) coordinating.set(id, request);
}

function replied(id: number): void {
  const request = coordinating.get(id);
  if (!request) throw new Error(`floor node ${node} got a reply for request ${id}, which it does not coordinate`);
  request.counted++;
  request.outstanding--;
  if (!request.answered && request.counted >= request.needed) answer(id, request);
  if (request.outstanding > 0) return;
  coordinating.delete(id);
  if (drainWanted && coordinating.size === 0) drained();
}

function answer(id: number, request: Coordinated): void {
  request.answered = true;
  batcher.send(CLIENT_PEER, request.op === 'get' ? { k: 'got', id, value: request.value } : { k: 'putok', id });
}

function control(msg: FloorControl): void {
  switch (msg.kind) {
    case 'setup': {
      if (coordinating.size > 0) throw new Error(`floor node ${node} was set up with ${coordinating.size} requests still open`);
      ({ coordination, n, w, r } = msg);
      placement = new Map(msg.placement);
      store = new Map(msg.held);
      messagesIn = 0;
      batcher.resetCounters();
      drainWanted = false;
      if (n < 1 || w > n || r > n) throw new Error(`floor node ${node} got an impossible quorum N=${n} W=${w} R=${r}`);
      post({ kind: 'set-up', node });
      return;
    }
    case 'drain':
      // Once the late replies are in: nothing of the run is then in flight towards this node.
      if (coordinating.size === 0) drained();
      else drainWanted = true;
      return;
    case 'report':
      report();
      return;
    default:
      throw new Error(`floor node ${node} got a control message outside the protocol: ${JSON.stringify(msg)}`);
  }
}

function drained(): void {
  drainWanted = false;
  post({ kind: 'drained', node });
}

function report(): void {
  post({
    kind: 'counters',
    node,
    counters: { messagesOut: batcher.messages, messagesIn: fault?.node === node && fault.how === 'miscount' ? messagesIn + 1 : messagesIn, batchesOut: batcher.batches, valueBytesOut: batcher.valueBytes, keysHeld: store.size },
  });
}

function post(report: FloorReport): void {
  clientPort.postMessage(report);
}

clientPort.on('message', (data: unknown) => receive(CLIENT_PEER, data));
peerPorts.forEach((port, peer) => port?.on('message', (data: unknown) => receive(peer, data)));
post({ kind: 'ready', node });
