// One node of the compact lean path (scripts/lean-path.mjs, `compact`): the lean path's node
// (scripts/lean-path-worker.mjs) with the messages of scripts/lean-compact-data.mjs, each one
// flat array checked as it is read, and its data either flat too (`flat`: clocks and versions
// as arrays, actors as node indices) or the engine's own objects and functions (`objects`,
// scripts/lean-object-data.mjs: what checked reading alone would save, with the core as it is).
import { workerData } from 'node:worker_threads';
import { batcher, serveNode } from './lean-node-runtime.mjs';
import { Code, isCount, isKey, isReqId } from './lean-compact-data.mjs';
import { FLAT_DATA } from './lean-compact-data.mjs';
import { OBJECT_DATA } from './lean-object-data.mjs';

const { self, peers, clientPort, placement } = workerData;
const data = workerData.data === 'objects' ? OBJECT_DATA : FLAT_DATA;
const stringActors = workerData.data === 'objects' || process.env.LEAN_STRING_ACTORS === '1';
const actorOf = stringActors ? Object.fromEntries(Object.keys(workerData.actorOf).map((node) => [node, `${node}@lean-${workerData.actorOf[node]}`])) : workerData.actorOf;
const selfActor = actorOf[self];
const ports = new Map(Object.entries(peers));
ports.set('client', clientPort);
const replicasOf = new Map(placement);
const store = new Map();
/** The last counter this node minted per key (the engine's DotMinter, without its bound). */
const minted = new Map();
const coordinating = new Map();
let nextReqId = 1;
let invalid = 0;
let repairs = 0;

const send = batcher(ports);

function receive(from, data) {
  for (const w of data) if (!Array.isArray(w) || !handle(from, w)) invalid++;
}

/** Handles one message; false when it is malformed (dropped and counted). */
function handle(from, w) {
  if (w[0] === Code.ReplicaRepair) {
    const siblings = data.readSiblings(w, 2);
    if (!isKey(w[1]) || siblings === null) return false;
    mergeIntoStore(w[1], siblings);
    return true;
  }
  const reqId = w[1];
  if (!isReqId(reqId)) return false;
  switch (w[0]) {
    case Code.ClientGet: {
      const [, , key, r, timeoutMs, replyTo] = w;
      if (!isKey(key) || !isCount(r) || !isCount(timeoutMs) || typeof replyTo !== 'string') return false;
      coordinate(replyTo, reqId, key, 'get', store.get(key) ?? data.EMPTY, r, timeoutMs);
      return true;
    }
    case Code.ClientPut: {
      const [, , key, value, wq, timeoutMs, replyTo] = w;
      const context = data.readContext(w, 7);
      if (!isKey(key) || typeof value !== 'string' || !isCount(wq) || !isCount(timeoutMs) || typeof replyTo !== 'string' || context === null) return false;
      const stored = store.get(key) ?? data.EMPTY;
      const counter = Math.max(minted.get(key) ?? 0, data.highest(context, selfActor), data.highest(data.contextOf(stored), selfActor)) + 1;
      minted.set(key, counter);
      const write = data.writeOf(value, selfActor, counter, Date.now(), context);
      const merged = data.merge(stored, write);
      if (merged !== stored) store.set(key, merged);
      coordinate(replyTo, reqId, key, 'put', write, wq, timeoutMs);
      return true;
    }
    case Code.ReplicaRead: {
      if (!isKey(w[2])) return false;
      send(from, data.appendSiblings([Code.ReplicaReadReply, reqId], store.get(w[2]) ?? data.EMPTY));
      return true;
    }
    case Code.ReplicaWrite: {
      const key = w[2];
      const siblings = data.readSiblings(w, 4);
      if (!isKey(key) || siblings === null) return false;
      mergeIntoStore(key, siblings);
      send(from, [Code.ReplicaWriteAck, reqId]);
      return true;
    }
    case Code.ReplicaReadReply: {
      const siblings = data.readSiblings(w, 2);
      if (siblings === null) return false;
      replied(from, reqId, siblings);
      return true;
    }
    case Code.ReplicaWriteAck:
      replied(from, reqId, null);
      return true;
    default:
      return false;
  }
}

function mergeIntoStore(key, siblings) {
  const stored = store.get(key) ?? data.EMPTY;
  const merged = data.merge(stored, siblings);
  if (merged !== stored) store.set(key, merged);
}

function coordinate(client, clientReqId, key, op, own, needed, timeoutMs) {
  const reqId = nextReqId++;
  // A get keeps every replica's answer for read repair.
  const replies = op === 'get' ? [self, own] : null;
  const request = { op, client, clientReqId, key, needed, counted: 1, outstanding: 0, answered: false, merged: own, replies, by: [selfActor], dueMs: Date.now() + timeoutMs };
  for (const replica of replicasOf.get(key)) {
    if (replica === self) continue;
    send(replica, op === 'get' ? [Code.ReplicaRead, reqId, key] : data.appendSiblings([Code.ReplicaWrite, reqId, key, null], own));
    request.outstanding++;
  }
  if (request.counted >= request.needed) answer(request);
  if (request.outstanding > 0) coordinating.set(reqId, request);
}

function replied(from, reqId, siblings) {
  const request = coordinating.get(reqId);
  if (request === undefined) return;
  if (siblings !== null) {
    request.merged = data.merge(request.merged, siblings);
    request.replies.push(from, siblings);
  }
  request.counted++;
  request.by.push(actorOf[from]);
  if (!request.answered && request.counted >= request.needed) answer(request);
  if (--request.outstanding > 0) return;
  coordinating.delete(reqId);
  if (request.replies !== null) readRepair(request);
}

/** Every replica that answered without some of the merge gets the merge (as src/core/read-repair.ts). */
function readRepair({ key, merged, replies }) {
  for (let i = 0; i < replies.length; i += 2) {
    if (data.merge(replies[i + 1], merged) === replies[i + 1]) continue;
    repairs++;
    if (replies[i] === self) mergeIntoStore(key, merged);
    else send(replies[i], data.appendSiblings([Code.ReplicaRepair, key], merged));
  }
}

function answer(request) {
  request.answered = true;
  // The context handed out is bounded as the engine bounds it (10 actors, 8 gaps each).
  const handedOut = data.handedOut(request.merged);
  const by = request.by;
  const msg = data.appendSiblings([request.op === 'get' ? Code.ReplyGet : Code.ReplyPut, request.clientReqId], request.op === 'get' ? handedOut : data.withoutVersions(handedOut));
  msg.push(by.length);
  for (const actor of by) msg.push(actor);
  send(request.client, msg);
}

serveNode({ ports, clientPort, coordinating, receive, report: () => ({ self, invalid, repairs, keys: store.size, open: coordinating.size }) });
