// One node of the compact lean path (scripts/lean-path.mjs, `compact`): the lean path's node
// (scripts/lean-path-worker.mjs) with the data and messages of scripts/lean-compact-data.mjs:
// flat arrays throughout, actors as node indices, each message checked as it is read.
import { setImmediate, setInterval } from 'node:timers';
import { workerData } from 'node:worker_threads';
import { Code, EMPTY, counterOf, isKey, isReqId, merge, readClock, readVersions, writeOf, writeSiblings, withinLimits, boundGaps } from './lean-compact-data.mjs';

const { self, peers, clientPort, placement } = workerData;
const actorOf = process.env.LEAN_STRING_ACTORS === '1' ? Object.fromEntries(Object.keys(workerData.actorOf).map((node) => [node, `${node}@lean-${workerData.actorOf[node]}`])) : workerData.actorOf;
const selfActor = actorOf[self];
const ports = new Map(Object.entries(peers));
ports.set('client', clientPort);
const replicasOf = new Map(placement);
const store = new Map();
/** The last counter this node minted per key (the engine's DotMinter, without its bound). */
const minted = new Map();
const coordinating = new Map();
const MAX_ACTORS = 10;
const MAX_GAPS = 8;
let nextReqId = 1;
let invalid = 0;

let outbox = new Map();
let flushScheduled = false;
function send(peer, msg) {
  let queue = outbox.get(peer);
  if (queue === undefined) outbox.set(peer, (queue = []));
  queue.push(msg);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}
function flush() {
  flushScheduled = false;
  const pending = outbox;
  outbox = new Map();
  for (const [peer, batch] of pending) ports.get(peer).postMessage(batch);
}

function receive(from, data) {
  for (const w of data) if (!Array.isArray(w) || !handle(from, w)) invalid++;
}

/** Handles one message; false when it is malformed (dropped and counted). */
function handle(from, w) {
  const reqId = w[1];
  if (!isReqId(reqId)) return false;
  switch (w[0]) {
    case Code.ClientGet: {
      const [, , key, r, timeoutMs, replyTo] = w;
      if (!isKey(key) || !isCount(r) || !isCount(timeoutMs) || typeof replyTo !== 'string') return false;
      coordinate(replyTo, reqId, key, 'get', store.get(key) ?? EMPTY, r, timeoutMs);
      return true;
    }
    case Code.ClientPut: {
      const [, , key, value, wq, timeoutMs, replyTo] = w;
      const clock = readClock(w, 7);
      if (!isKey(key) || typeof value !== 'string' || !isCount(wq) || !isCount(timeoutMs) || typeof replyTo !== 'string' || clock === null) return false;
      const stored = store.get(key) ?? EMPTY;
      const counter = Math.max(minted.get(key) ?? 0, counterOf(clock, selfActor), counterOf(stored.clock, selfActor)) + 1;
      minted.set(key, counter);
      const write = writeOf(value, selfActor, counter, Date.now(), clock);
      const merged = merge(stored, write);
      if (merged !== stored) store.set(key, merged);
      coordinate(replyTo, reqId, key, 'put', write, wq, timeoutMs);
      return true;
    }
    case Code.ReplicaRead: {
      if (!isKey(w[2])) return false;
      const { versions, clock } = store.get(w[2]) ?? EMPTY;
      send(from, writeSiblings([Code.ReplicaReadReply, reqId], versions, clock));
      return true;
    }
    case Code.ReplicaWrite: {
      const key = w[2];
      const versions = readVersions(w, 4);
      const clock = versions === null ? null : readClock(w, 5 + versions.length);
      if (!isKey(key) || clock === null) return false;
      const stored = store.get(key) ?? EMPTY;
      const merged = merge(stored, { versions, clock });
      if (merged !== stored) store.set(key, merged);
      send(from, [Code.ReplicaWriteAck, reqId]);
      return true;
    }
    case Code.ReplicaReadReply: {
      const versions = readVersions(w, 2);
      const clock = versions === null ? null : readClock(w, 3 + versions.length);
      if (clock === null) return false;
      replied(from, reqId, { versions, clock });
      return true;
    }
    case Code.ReplicaWriteAck:
      replied(from, reqId, null);
      return true;
    default:
      return false;
  }
}

function isCount(x) {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function coordinate(client, clientReqId, key, op, own, needed, timeoutMs) {
  const reqId = nextReqId++;
  const request = { op, client, clientReqId, needed, counted: 1, outstanding: 0, answered: false, merged: own, by: [selfActor], dueMs: Date.now() + timeoutMs };
  for (const replica of replicasOf.get(key)) {
    if (replica === self) continue;
    send(replica, op === 'get' ? [Code.ReplicaRead, reqId, key] : writeSiblings([Code.ReplicaWrite, reqId, key, null], own.versions, own.clock));
    request.outstanding++;
  }
  if (request.counted >= request.needed) answer(request);
  if (request.outstanding > 0) coordinating.set(reqId, request);
}

function replied(from, reqId, siblings) {
  const request = coordinating.get(reqId);
  if (request === undefined) return;
  if (siblings !== null) request.merged = merge(request.merged, siblings);
  request.counted++;
  request.by.push(actorOf[from]);
  if (!request.answered && request.counted >= request.needed) answer(request);
  if (--request.outstanding === 0) coordinating.delete(reqId);
}

function answer(request) {
  request.answered = true;
  const { versions } = request.merged;
  // The engine bounds the context it hands out (10 actors, 8 gaps each) and nearly always
  // finds it within them. Actors here are the five nodes; gaps past the bound are forgotten
  // as the engine forgets them.
  const clock = withinLimits(request.merged.clock, MAX_ACTORS, MAX_GAPS) ? request.merged.clock : boundGaps(request.merged.clock, versions, MAX_GAPS);
  const by = request.by;
  const msg = request.op === 'get' ? writeSiblings([Code.ReplyGet, request.clientReqId], versions, clock) : writeSiblings([Code.ReplyPut, request.clientReqId], [], clock);
  msg.push(by.length);
  for (const actor of by) msg.push(actor);
  send(request.client, msg);
}

setInterval(() => {
  const nowMs = Date.now();
  for (const [reqId, request] of coordinating) if (request.dueMs <= nowMs) coordinating.delete(reqId);
}, 1000).unref();

for (const [peer, port] of ports) {
  port.on('message', (data) => {
    if (Array.isArray(data)) receive(peer, data);
    else if (data === 'report') clientPort.postMessage({ self, invalid, keys: store.size, open: coordinating.size });
  });
}
clientPort.postMessage('ready');
