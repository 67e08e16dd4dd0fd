// One node of the lean path (scripts/lean-path.mjs): what a Dynamo node's thread must do for
// a request at node coordination, written as directly as possible, with the engine's own
// message shapes, wire codec, guard and data functions, and none of its layers (no effect
// host, no effects, no fault layer, no request objects, no per-request timers).
//
// As a coordinator it reads or writes its own copy, asks the key's other replicas, merges
// what they answer with the engine's mergeSiblings, and answers the client at R or W; as a
// replica it merges a write into its store or answers a read. A put's dot is minted with the
// engine's DotMinter and its version made with writeOf, as the engine does. Once every
// replica of a get has answered, each one that lacks some of the merge gets it (read repair,
// as src/core/read-repair.ts; the engine also repairs at the end of a 50 ms window if a
// replica stays silent). Requests never answered are swept once a second. Left out: hinted
// handoff, forwarding, membership, anti-entropy, stand-ins for silent replicas, timers.
import { workerData } from 'node:worker_threads';
import { batcher, serveNode } from './lean-node-runtime.mjs';
import { includesAll, mergeSiblings, NO_SIBLINGS, writeOf } from '../dist/src/core/siblings.js';
import { causalPart, compactContext, highestCounter } from '../dist/src/core/causal-context.js';
import { DotMinter } from '../dist/src/core/minting.js';
import { decodeMessage, encodeMessage } from '../dist/src/protocol/wire.js';
import { isMessage } from '../dist/src/protocol/guards.js';
import { DEFAULT_TUNING } from '../dist/src/core/config.js';

const { self, peers, clientPort, placement } = workerData;
const ports = new Map(Object.entries(peers));
ports.set('client', clientPort);
const replicasOf = new Map(placement);
const store = new Map();
const minter = new DotMinter(`${self}@lean`, 100_000);
/** reqId (this node's) -> the request it coordinates. */
const coordinating = new Map();
let nextReqId = 1;
let invalid = 0;
let repairs = 0;
const CHECK = process.env.LEAN_NO_GUARD !== '1';
const CLIENT_LIMITS = { maxActors: DEFAULT_TUNING.clockPruneAt, maxGaps: DEFAULT_TUNING.contextMaxGaps };

const post = batcher(ports);
const send = (peer, msg) => post(peer, encodeMessage(msg));

function receive(from, data) {
  for (const wire of data) {
    const msg = decodeMessage(wire);
    if (CHECK && !isMessage(msg)) {
      invalid++;
      continue;
    }
    handle(from, msg);
  }
}

function handle(from, msg) {
  switch (msg.kind) {
    case 'client.get':
      coordinate(from, msg, 'get', store.get(msg.key) ?? NO_SIBLINGS, msg.r);
      return;
    case 'client.put': {
      const stored = store.get(msg.key) ?? NO_SIBLINGS;
      const alsoSeen = (actor) => highestCounter(stored.context, actor);
      const dot = minter.mint(msg.key, msg.context, alsoSeen, Date.now());
      const write = writeOf({ value: msg.value, deleted: msg.deleted, dot }, causalPart(msg.context));
      const merged = mergeSiblings(stored, write);
      if (merged !== stored) store.set(msg.key, merged);
      coordinate(from, msg, 'put', write, msg.w);
      return;
    }
    case 'replica.read':
      send(from, { kind: 'replica.readReply', reqId: msg.reqId, siblings: store.get(msg.key) ?? NO_SIBLINGS });
      return;
    case 'replica.write':
      mergeIntoStore(msg.key, msg.siblings);
      send(from, { kind: 'replica.writeAck', reqId: msg.reqId });
      return;
    case 'replica.repair':
      mergeIntoStore(msg.key, msg.siblings);
      return;
    case 'replica.readReply':
    case 'replica.writeAck':
      replied(from, msg);
      return;
    default:
      invalid++;
  }
}

function mergeIntoStore(key, siblings) {
  const stored = store.get(key) ?? NO_SIBLINGS;
  const merged = mergeSiblings(stored, siblings);
  if (merged !== stored) store.set(key, merged);
}

/** Asks the other replicas; `own` is what this node read, or the write it sends them. */
function coordinate(client, msg, op, own, needed) {
  const reqId = nextReqId++;
  // A get keeps every replica's answer for read repair.
  const replies = op === 'get' ? [self, own] : null;
  const request = { op, client, clientReqId: msg.reqId, key: msg.key, needed, counted: 1, outstanding: 0, answered: false, merged: own, replies, by: [self], dueMs: Date.now() + msg.timeoutMs };
  for (const replica of replicasOf.get(msg.key)) {
    if (replica === self) continue;
    send(replica, op === 'get' ? { kind: 'replica.read', reqId, key: msg.key } : { kind: 'replica.write', reqId, key: msg.key, siblings: own, hintFor: null });
    request.outstanding++;
  }
  if (request.counted >= request.needed) answer(request);
  if (request.outstanding > 0) coordinating.set(reqId, request);
}

function replied(from, msg) {
  const request = coordinating.get(msg.reqId);
  if (request === undefined) return;
  if (msg.kind === 'replica.readReply') {
    request.merged = mergeSiblings(request.merged, msg.siblings);
    request.replies.push(from, msg.siblings);
  }
  request.counted++;
  request.by.push(from);
  if (!request.answered && request.counted >= request.needed) answer(request);
  if (--request.outstanding > 0) return;
  coordinating.delete(msg.reqId);
  if (request.replies !== null) readRepair(request);
}

/** Every replica that answered without some of the merge gets the merge. */
function readRepair({ key, merged, replies }) {
  for (let i = 0; i < replies.length; i += 2) {
    if (includesAll(replies[i + 1], merged)) continue;
    repairs++;
    if (replies[i] === self) mergeIntoStore(key, merged);
    else send(replies[i], { kind: 'replica.repair', key, siblings: merged });
  }
}

function answer(request) {
  request.answered = true;
  const { merged } = request;
  // The context handed out is bounded as the engine bounds it (the common case: unchanged).
  const live = merged.versions.map((version) => version.dot);
  const { context } = compactContext(merged.context, live, CLIENT_LIMITS);
  if (request.op === 'get') send(request.client, { kind: 'reply.get', reqId: request.clientReqId, versions: merged.versions, context, repliedBy: request.by.slice() });
  else send(request.client, { kind: 'reply.put', reqId: request.clientReqId, context, ackedBy: request.by.slice() });
}

serveNode({ ports, clientPort, coordinating, receive, report: () => ({ self, invalid, repairs, keys: store.size, open: coordinating.size }) });
