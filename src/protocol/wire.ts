/**
 * The wire shape of the data plane's messages: each as one flat array, its kind a small
 * number. Nothing inside is an array or object of its own: versions are [value, deleted,
 * actor, counter, timeMs] runs after their count, lists of node ids follow their count, and a
 * message's clock takes the rest of its array as [actor, counter, timeMs, gapCount, from, to,
 * ...] runs (an anti-entropy repair, with a clock for each of its keys, puts each clock after
 * its length). Structured clone writes an object's every property name with every message and
 * the receiver builds the object back property by property (a string-table lookup and a map
 * transition each); arrays of numbers and strings cost a fraction of that, and each array
 * nested in a message costs about 0.7 us more to serialize and deserialize than its elements
 * inline (docs/PERFORMANCE.md). On a port of its own, ids (actors, node ids, the client's)
 * go as the link's short codes (wire-ids.ts).
 *
 * The messages of every request are encoded, and every other message that carries versions
 * (hints, handoff, reaping, anti-entropy's repairs): the rest (pings, acknowledgements,
 * anti-entropy's hashes and key lists) cross as the objects they are. Versions, dots and
 * contexts are then always the decoder's object literals, wherever they came from. Objects
 * that structured clone rebuilds have shapes (V8 maps) of their own: the first repair to
 * arrive as an object sent 14 data functions of the node it reached back to the compiler, to
 * be compiled again for a second shape (docs/PERFORMANCE.md, "The twelfth round"). Decoding never throws and does not
 * validate: what it returns goes through the same guard (guards.ts) as before, and anything
 * it does not recognise (an object, a foreign array) is returned as it came, for the guard to
 * accept or refuse. A run that does not fit its array (a count that is not a whole number,
 * or runs past the end, or a clock that leaves elements over) decodes to null in its place,
 * which the guard refuses.
 */
import type { CausalContext, Clock, Siblings, Version } from './data.js';
import type { Message } from './messages.js';
import { NO_IDS, type IdEncoder } from './wire-ids.js';

/** The first element of an encoded message; 0 heads a definitions message (wire-ids.ts, ID_DEFINITIONS). */
const Code = {
  ClientGet: 1,
  ClientPut: 2,
  ForwardAck: 3,
  ReplyGet: 4,
  ReplyPut: 5,
  ReplyError: 6,
  ReplicaRead: 7,
  ReplicaReadReply: 8,
  ReplicaWrite: 9,
  ReplicaWriteAck: 10,
  ReplicaRepair: 11,
  HintDelivery: 12,
  Handoff: 13,
  ReapQuery: 14,
  ReapCommit: 15,
  AeSync: 16,
} as const;

/**
 * The message as it crosses a port: a flat array for the kinds that carry versions or go with
 * every request, the object for the rest. With `ids` (a link's, wire-ids.ts), the ids in it
 * go as their codes on that link.
 *
 * The kinds every request of a healthy cluster sends are encoded here, the rarer ones
 * (forwards, errors, repairs, hints, handoff, reaping) in a function of their own
 * (`encodeRare`), and decoded alike. V8 compiles this function while only the common kinds
 * have run through it; a rare kind's first message in a case of its own here would throw that
 * code away (no type feedback for the case) and have it compiled again, some 80 ms of a
 * compiler thread for each of the two functions, in every node.
 */
export function encodeMessage(msg: Message, ids: IdEncoder | null = null): unknown {
  let out: unknown[];
  switch (msg.kind) {
    case 'client.get':
      return [Code.ClientGet, msg.reqId, msg.key, msg.r, msg.timeoutMs, msg.hops, idOut(ids, msg.replyTo)];
    case 'client.put':
      out = msg.dot === undefined
        ? [Code.ClientPut, msg.reqId, msg.key, msg.value, msg.deleted, readFromOut(ids, msg.context), msg.w, msg.timeoutMs, msg.hops, idOut(ids, msg.replyTo), null, 0, 0]
        : [Code.ClientPut, msg.reqId, msg.key, msg.value, msg.deleted, readFromOut(ids, msg.context), msg.w, msg.timeoutMs, msg.hops, idOut(ids, msg.replyTo), idOut(ids, msg.dot.actor), msg.dot.counter, msg.dot.timeMs];
      return pushClock(out, msg.context.clock, ids);
    case 'reply.get':
      out = [Code.ReplyGet, msg.reqId, readFromOut(ids, msg.context)];
      pushIds(out, msg.repliedBy, ids);
      pushVersions(out, msg.versions, ids);
      return pushClock(out, msg.context.clock, ids);
    case 'reply.put':
      out = [Code.ReplyPut, msg.reqId, readFromOut(ids, msg.context)];
      pushIds(out, msg.ackedBy, ids);
      return pushClock(out, msg.context.clock, ids);
    case 'replica.read':
      return [Code.ReplicaRead, msg.reqId, msg.key];
    case 'replica.readReply':
      out = [Code.ReplicaReadReply, msg.reqId];
      pushVersions(out, msg.siblings.versions, ids);
      return pushClock(out, msg.siblings.context.clock, ids);
    case 'replica.write':
      out = [Code.ReplicaWrite, msg.reqId, msg.key, msg.hintFor === null ? null : idOut(ids, msg.hintFor)];
      pushVersions(out, msg.siblings.versions, ids);
      return pushClock(out, msg.siblings.context.clock, ids);
    case 'replica.writeAck':
      return [Code.ReplicaWriteAck, msg.reqId];
    default:
      return encodeRare(msg, ids);
  }
}

/** The rarer kinds (see encodeMessage): forwards, errors, and the messages that carry versions outside a request. */
function encodeRare(msg: Message, ids: IdEncoder | null): unknown {
  let out: unknown[];
  switch (msg.kind) {
    case 'forward.ack':
      return [Code.ForwardAck, msg.reqId, idOut(ids, msg.replyTo)];
    case 'reply.error':
      return [Code.ReplyError, msg.reqId, msg.code, msg.message];
    case 'replica.repair':
      return pushSiblings([Code.ReplicaRepair, msg.key], msg.siblings, ids);
    case 'hint.deliver':
      return pushSiblings([Code.HintDelivery, msg.key, msg.seq], msg.siblings, ids);
    case 'handoff':
      return pushSiblings([Code.Handoff, msg.key, msg.seq, msg.epoch], msg.siblings, ids);
    case 'reap.query':
      return pushSiblings([Code.ReapQuery, msg.key, msg.round], msg.siblings, ids);
    case 'reap.commit':
      return pushSiblings([Code.ReapCommit, msg.key], msg.siblings, ids);
    case 'ae.sync':
      // Several siblings in one array: each clock goes after its length, not to the end.
      out = [Code.AeSync, msg.xid, idOut(ids, msg.initiator), msg.range, msg.epoch, msg.want.length, ...msg.want, msg.entries.length];
      for (const { key, siblings } of msg.entries) {
        out.push(key);
        pushVersions(out, siblings.versions, ids);
        const lengthAt = out.length;
        out.push(0);
        pushClock(out, siblings.context.clock, ids);
        out[lengthAt] = out.length - lengthAt - 1;
      }
      return out;
    default:
      return msg;
  }
}

/**
 * The longest wire array decoded: far above any real message (siblings and clocks are
 * bounded, src/core/siblings.ts and causal-context.ts), far below what would exhaust memory.
 */
export const MAX_WIRE_LENGTH = 1_000_000;

/**
 * The message object back from its wire shape, for the guard to check; anything else as it
 * came. `ids` are the link's ids by code (wire-ids.ts). Never throws: a malformed array
 * becomes something the guard refuses.
 */
export function decodeMessage(wire: unknown, ids: readonly string[] = NO_IDS): unknown {
  if (!Array.isArray(wire)) return wire;
  // A sparse array crosses a port in a few bytes whatever its length, and the counts inside
  // are checked against that length: past the bound, decoding could allocate without end.
  if (wire.length > MAX_WIRE_LENGTH) return null;
  try {
    return decodeArray(wire, ids);
  } catch {
    return null;
  }
}

/** An id as it goes on the wire: its code on the link, or itself. */
function idOut(ids: IdEncoder | null, id: string): string | number {
  return ids === null ? id : ids.code(id);
}

function readFromOut(ids: IdEncoder | null, context: CausalContext): string | number | null {
  return context.readFrom === undefined ? null : idOut(ids, context.readFrom);
}

/**
 * An id off the wire: the link's id for a code, or the string as it came. A code the link
 * does not know stays the number it is, which the guard refuses where an id belongs.
 */
function idIn(x: unknown, ids: readonly string[]): unknown {
  return typeof x === 'number' ? (ids[x] ?? x) : x;
}

/** Where the runs read so far ended in the array being decoded (decoding is synchronous). */
let at = 0;

function decodeArray(w: readonly unknown[], ids: readonly string[]): unknown {
  switch (w[0]) {
    case Code.ClientGet:
      return { kind: 'client.get', reqId: w[1], key: w[2], r: w[3], timeoutMs: w[4], hops: w[5], replyTo: idIn(w[6], ids) };
    case Code.ClientPut: {
      // A put's dot is minted by the first node it reaches: absent on the way there.
      const context = decodeContext(decodeClock(w, 13, w.length, ids), w[5], ids);
      return w[10] === null
        ? { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context, w: w[6], timeoutMs: w[7], hops: w[8], replyTo: idIn(w[9], ids) }
        : { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context, w: w[6], timeoutMs: w[7], hops: w[8], replyTo: idIn(w[9], ids), dot: { actor: idIn(w[10], ids), counter: w[11], timeMs: w[12] } };
    }
    case Code.ReplyGet: {
      const repliedBy = decodeIds(w, 3, ids);
      const versions = decodeVersions(w, at, ids);
      return { kind: 'reply.get', reqId: w[1], versions, context: decodeContext(decodeClock(w, at, w.length, ids), w[2], ids), repliedBy };
    }
    case Code.ReplyPut: {
      const ackedBy = decodeIds(w, 3, ids);
      return { kind: 'reply.put', reqId: w[1], context: decodeContext(decodeClock(w, at, w.length, ids), w[2], ids), ackedBy };
    }
    case Code.ReplicaRead:
      return { kind: 'replica.read', reqId: w[1], key: w[2] };
    case Code.ReplicaReadReply:
      return { kind: 'replica.readReply', reqId: w[1], siblings: decodeSiblings(w, 2, ids) };
    case Code.ReplicaWrite:
      return { kind: 'replica.write', reqId: w[1], key: w[2], siblings: decodeSiblings(w, 4, ids), hintFor: idIn(w[3], ids) };
    case Code.ReplicaWriteAck:
      return { kind: 'replica.writeAck', reqId: w[1] };
    default:
      return decodeRare(w, ids);
  }
}

/** The rarer kinds, as encodeRare writes them; anything else as it came. */
function decodeRare(w: readonly unknown[], ids: readonly string[]): unknown {
  switch (w[0]) {
    case Code.ForwardAck:
      return { kind: 'forward.ack', reqId: w[1], replyTo: idIn(w[2], ids) };
    case Code.ReplyError:
      return { kind: 'reply.error', reqId: w[1], code: w[2], message: w[3] };
    case Code.ReplicaRepair:
      return { kind: 'replica.repair', key: w[1], siblings: decodeSiblings(w, 2, ids) };
    case Code.HintDelivery:
      return { kind: 'hint.deliver', key: w[1], seq: w[2], siblings: decodeSiblings(w, 3, ids) };
    case Code.Handoff:
      return { kind: 'handoff', key: w[1], seq: w[2], siblings: decodeSiblings(w, 4, ids), epoch: w[3] };
    case Code.ReapQuery:
      return { kind: 'reap.query', key: w[1], round: w[2], siblings: decodeSiblings(w, 3, ids) };
    case Code.ReapCommit:
      return { kind: 'reap.commit', key: w[1], siblings: decodeSiblings(w, 2, ids) };
    case Code.AeSync:
      return decodeAeSync(w, ids);
    default:
      return w;
  }
}

/** An anti-entropy repair: its wanted keys, then each entry's key, versions and clock (after its length). */
function decodeAeSync(w: readonly unknown[], ids: readonly string[]): unknown {
  const want = decodeIds(w, 5, NO_IDS);
  const count = countAt(w, at, 1);
  if (want === null || count < 0) return null;
  const entries: { key: unknown; siblings: Siblings }[] = [];
  at++;
  for (let e = 0; e < count; e++) {
    const key = w[at];
    const versions = decodeVersions(w, at + 1, ids);
    const length = countAt(w, at, 1);
    if (length < 0) return null;
    const end = at + 1 + length;
    entries.push({ key, siblings: { versions, context: { clock: decodeClock(w, at + 1, end, ids) } } });
    at = end;
  }
  // Every element read: a longer array is not an encoded repair.
  if (at !== w.length) return null;
  return { kind: 'ae.sync', xid: w[1], initiator: idIn(w[2], ids), range: w[3], epoch: w[4], entries, want };
}

const VERSION_WIDTH = 5;
/** actor, counter, timeMs, gap count; then two numbers per gap. */
const CLOCK_ENTRY_WIDTH = 4;

/** A count at `w[i]` whose `width`-element run fits the array; else -1. */
function countAt(w: readonly unknown[], i: number, width: number): number {
  const n = w[i];
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && i + 1 + n * width <= w.length ? n : -1;
}

function pushIds(out: unknown[], list: readonly string[], ids: IdEncoder | null): void {
  out.push(list.length);
  for (const id of list) out.push(idOut(ids, id));
}

/** The count-prefixed list of ids at `i` (null when it does not fit); `at` ends after it. */
function decodeIds(w: readonly unknown[], i: number, ids: readonly string[]): string[] {
  const n = countAt(w, i, 1);
  if (n < 0) {
    at = w.length;
    return null as unknown as string[];
  }
  const out: string[] = [];
  for (let k = i + 1; k <= i + n; k++) {
    // A hole (a sparse array costs a few bytes on a port whatever its count) ends the list
    // before a list of its length is made: only ids sent are copied.
    if (!(k in w)) {
      at = w.length;
      return null as unknown as string[];
    }
    out.push(idIn(w[k], ids) as string);
  }
  at = i + 1 + n;
  return out;
}

function pushVersions(out: unknown[], versions: readonly Version[], ids: IdEncoder | null): void {
  out.push(versions.length);
  for (const { value, deleted, dot } of versions) out.push(value, deleted, idOut(ids, dot.actor), dot.counter, dot.timeMs);
}

/** The count-prefixed versions at `i` (a null version in place of any that does not fit); `at` ends after them. */
function decodeVersions(w: readonly unknown[], i: number, ids: readonly string[]): Version[] {
  const n = countAt(w, i, VERSION_WIDTH);
  if (n < 0) {
    at = w.length;
    return [null as unknown as Version];
  }
  const out: Version[] = [];
  for (let k = 0, v = i + 1; k < n; k++, v += VERSION_WIDTH) {
    // As for ids: a hole where a version's counter belongs ends the runs, so that only
    // versions sent are made.
    if (typeof w[v + 3] !== 'number') {
      at = w.length;
      return [null as unknown as Version];
    }
    out.push({ value: w[v], deleted: w[v + 1] as boolean, dot: { actor: idIn(w[v + 2], ids) as string, counter: w[v + 3] as number, timeMs: w[v + 4] as number } });
  }
  at = i + 1 + n * VERSION_WIDTH;
  return out;
}

/**
 * Appends the clock's entries to `out`, which it ends, and returns `out`. The clock is flat
 * already (data.ts): only its actors change, to the link's codes.
 */
function pushClock(out: unknown[], clock: Clock, ids: IdEncoder | null): unknown[] {
  for (let i = 0; i < clock.length; ) {
    const end = i + CLOCK_ENTRY_WIDTH + 2 * (clock[i + 3] as number);
    out.push(idOut(ids, clock[i] as string));
    for (let k = i + 1; k < end; k++) out.push(clock[k]);
    i = end;
  }
  return out;
}

/**
 * The clock in `w` from `i` to `end`; null when its entries do not fill that exactly, or an
 * actor is not a string (an unknown code) or is `__proto__` (which the API's view of a
 * clock, a record, could not hold as an actor).
 */
function decodeClock(w: readonly unknown[], i: number, end: number, ids: readonly string[]): Clock {
  if (end > w.length) return null as unknown as Clock;
  // The entries are walked before anything is copied: a sparse array crosses a port in a few
  // bytes whatever its length, and must be refused before a copy of its length is made.
  // Every number is looked at (a hole is not one), so a copy is made only of elements sent.
  for (let k = i; k < end; ) {
    const entryEnd = k + CLOCK_ENTRY_WIDTH + 2 * countAt(w, k + 3, 2);
    if (entryEnd < k + CLOCK_ENTRY_WIDTH || entryEnd > end) return null as unknown as Clock;
    const actor = idIn(w[k], ids);
    if (typeof actor !== 'string' || actor === '__proto__') return null as unknown as Clock;
    for (let n = k + 1; n < entryEnd; n++) if (typeof w[n] !== 'number') return null as unknown as Clock;
    k = entryEnd;
  }
  // A copy made at its size, each actor's code replaced by its id in place; the numbers stay
  // as they came, for the guard to check.
  const clock = w.slice(i, end) as (string | number)[];
  for (let k = 0; k < clock.length; k += CLOCK_ENTRY_WIDTH + 2 * (clock[k + 3] as number)) clock[k] = idIn(clock[k], ids) as string;
  return clock;
}

function decodeContext(clock: Clock, readFrom: unknown, ids: readonly string[]): CausalContext {
  return readFrom === null ? { clock } : { clock, readFrom: idIn(readFrom, ids) as string };
}

function decodeSiblings(w: readonly unknown[], i: number, ids: readonly string[]): Siblings {
  const versions = decodeVersions(w, i, ids);
  return { versions, context: { clock: decodeClock(w, at, w.length, ids) } };
}

/** Appends the siblings' versions and then their clock, which ends `out`; returns `out`. */
function pushSiblings(out: unknown[], siblings: Siblings, ids: IdEncoder | null): unknown[] {
  pushVersions(out, siblings.versions, ids);
  return pushClock(out, siblings.context.clock, ids);
}
