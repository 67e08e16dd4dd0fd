/**
 * The wire shape of the data plane's messages: each as one flat array, its kind a small
 * number. Nothing inside is an array or object of its own: versions are [value, deleted,
 * actor, counter, timeMs] runs after their count, lists of node ids follow their count, and a
 * message's clock takes the rest of its array as [actor, counter, timeMs, gapCount, from, to,
 * ...] runs. Structured clone writes an object's every property name with every message and
 * the receiver builds the object back property by property (a string-table lookup and a map
 * transition each); arrays of numbers and strings cost a fraction of that, and each array
 * nested in a message costs about 0.7 us more to serialize and deserialize than its elements
 * inline (docs/PERFORMANCE.md).
 *
 * Only the messages of every request are encoded; the rest (anti-entropy, handoff, hints,
 * reaping, pings) cross as the objects they are. Decoding never throws and does not
 * validate: what it returns goes through the same guard (guards.ts) as before, and anything
 * it does not recognise (an object, a foreign array) is returned as it came, for the guard to
 * accept or refuse. A run that does not fit its array (a count that is not a whole number,
 * or runs past the end, or a clock that leaves elements over) decodes to null in its place,
 * which the guard refuses.
 */
import type { CausalContext, ClockEntry, Gap, Siblings, VectorClock, Version } from './data.js';
import type { Message } from './messages.js';

/** The first element of an encoded message. */
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
} as const;

/** The message as it crosses a port: a flat array for the hot kinds, the object for the rest. */
export function encodeMessage(msg: Message): unknown {
  let out: unknown[];
  switch (msg.kind) {
    case 'client.get':
      return [Code.ClientGet, msg.reqId, msg.key, msg.r, msg.timeoutMs, msg.hops, msg.replyTo];
    case 'client.put':
      out = msg.dot === undefined
        ? [Code.ClientPut, msg.reqId, msg.key, msg.value, msg.deleted, msg.context.readFrom ?? null, msg.w, msg.timeoutMs, msg.hops, msg.replyTo, null, 0, 0]
        : [Code.ClientPut, msg.reqId, msg.key, msg.value, msg.deleted, msg.context.readFrom ?? null, msg.w, msg.timeoutMs, msg.hops, msg.replyTo, msg.dot.actor, msg.dot.counter, msg.dot.timeMs];
      return pushClock(out, msg.context.clock);
    case 'forward.ack':
      return [Code.ForwardAck, msg.reqId, msg.replyTo];
    case 'reply.get':
      out = [Code.ReplyGet, msg.reqId, msg.context.readFrom ?? null];
      pushStrings(out, msg.repliedBy);
      pushVersions(out, msg.versions);
      return pushClock(out, msg.context.clock);
    case 'reply.put':
      out = [Code.ReplyPut, msg.reqId, msg.context.readFrom ?? null];
      pushStrings(out, msg.ackedBy);
      return pushClock(out, msg.context.clock);
    case 'reply.error':
      return [Code.ReplyError, msg.reqId, msg.code, msg.message];
    case 'replica.read':
      return [Code.ReplicaRead, msg.reqId, msg.key];
    case 'replica.readReply':
      out = [Code.ReplicaReadReply, msg.reqId];
      pushVersions(out, msg.siblings.versions);
      return pushClock(out, msg.siblings.context.clock);
    case 'replica.write':
      out = [Code.ReplicaWrite, msg.reqId, msg.key, msg.hintFor];
      pushVersions(out, msg.siblings.versions);
      return pushClock(out, msg.siblings.context.clock);
    case 'replica.writeAck':
      return [Code.ReplicaWriteAck, msg.reqId];
    case 'replica.repair':
      out = [Code.ReplicaRepair, msg.key];
      pushVersions(out, msg.siblings.versions);
      return pushClock(out, msg.siblings.context.clock);
    default:
      return msg;
  }
}

/**
 * The message object back from its wire shape, for the guard to check; anything else as it
 * came. Never throws: a malformed array becomes something the guard refuses.
 */
export function decodeMessage(wire: unknown): unknown {
  if (!Array.isArray(wire)) return wire;
  try {
    return decodeArray(wire);
  } catch {
    return null;
  }
}

/** Where the runs read so far ended in the array being decoded (decoding is synchronous). */
let at = 0;

function decodeArray(w: readonly unknown[]): unknown {
  switch (w[0]) {
    case Code.ClientGet:
      return { kind: 'client.get', reqId: w[1], key: w[2], r: w[3], timeoutMs: w[4], hops: w[5], replyTo: w[6] };
    case Code.ClientPut: {
      // A put's dot is minted by the first node it reaches: absent on the way there.
      const context = decodeContext(decodeClock(w, 13), w[5]);
      return w[10] === null
        ? { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context, w: w[6], timeoutMs: w[7], hops: w[8], replyTo: w[9] }
        : { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context, w: w[6], timeoutMs: w[7], hops: w[8], replyTo: w[9], dot: { actor: w[10], counter: w[11], timeMs: w[12] } };
    }
    case Code.ForwardAck:
      return { kind: 'forward.ack', reqId: w[1], replyTo: w[2] };
    case Code.ReplyGet: {
      const repliedBy = decodeStrings(w, 3);
      const versions = decodeVersions(w, at);
      return { kind: 'reply.get', reqId: w[1], versions, context: decodeContext(decodeClock(w, at), w[2]), repliedBy };
    }
    case Code.ReplyPut: {
      const ackedBy = decodeStrings(w, 3);
      return { kind: 'reply.put', reqId: w[1], context: decodeContext(decodeClock(w, at), w[2]), ackedBy };
    }
    case Code.ReplyError:
      return { kind: 'reply.error', reqId: w[1], code: w[2], message: w[3] };
    case Code.ReplicaRead:
      return { kind: 'replica.read', reqId: w[1], key: w[2] };
    case Code.ReplicaReadReply:
      return { kind: 'replica.readReply', reqId: w[1], siblings: decodeSiblings(w, 2) };
    case Code.ReplicaWrite:
      return { kind: 'replica.write', reqId: w[1], key: w[2], siblings: decodeSiblings(w, 4), hintFor: w[3] };
    case Code.ReplicaWriteAck:
      return { kind: 'replica.writeAck', reqId: w[1] };
    case Code.ReplicaRepair:
      return { kind: 'replica.repair', key: w[1], siblings: decodeSiblings(w, 2) };
    default:
      return w;
  }
}

const VERSION_WIDTH = 5;
/** actor, counter, timeMs, gap count; then two numbers per gap. */
const CLOCK_ENTRY_WIDTH = 4;

/** A count at `w[i]` whose `width`-element run fits the array; else -1. */
function countAt(w: readonly unknown[], i: number, width: number): number {
  const n = w[i];
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && i + 1 + n * width <= w.length ? n : -1;
}

function pushStrings(out: unknown[], list: readonly string[]): void {
  out.push(list.length);
  for (const s of list) out.push(s);
}

/** The count-prefixed list at `i` (null when it does not fit); `at` ends after it. */
function decodeStrings(w: readonly unknown[], i: number): string[] {
  const n = countAt(w, i, 1);
  if (n < 0) {
    at = w.length;
    return null as unknown as string[];
  }
  at = i + 1 + n;
  return w.slice(i + 1, at) as string[];
}

function pushVersions(out: unknown[], versions: readonly Version[]): void {
  out.push(versions.length);
  for (const { value, deleted, dot } of versions) out.push(value, deleted, dot.actor, dot.counter, dot.timeMs);
}

/** The count-prefixed versions at `i` (a null version in place of any that does not fit); `at` ends after them. */
function decodeVersions(w: readonly unknown[], i: number): Version[] {
  const n = countAt(w, i, VERSION_WIDTH);
  if (n < 0) {
    at = w.length;
    return [null as unknown as Version];
  }
  const out: Version[] = [];
  for (let k = 0, v = i + 1; k < n; k++, v += VERSION_WIDTH) {
    out.push({ value: w[v], deleted: w[v + 1] as boolean, dot: { actor: w[v + 2] as string, counter: w[v + 3] as number, timeMs: w[v + 4] as number } });
  }
  at = i + 1 + n * VERSION_WIDTH;
  return out;
}

/** Appends the clock's entries to `out`, which it ends, and returns `out`. */
function pushClock(out: unknown[], clock: VectorClock): unknown[] {
  for (const actor in clock) {
    const entry = clock[actor] as ClockEntry;
    const gaps = entry.gaps;
    if (gaps === undefined) out.push(actor, entry.counter, entry.timeMs, 0);
    else {
      out.push(actor, entry.counter, entry.timeMs, gaps.length);
      for (const gap of gaps) out.push(gap[0], gap[1]);
    }
  }
  return out;
}

/**
 * The clock that takes the rest of the array from `i`; null when its entries do not fill it
 * exactly. An entry without gaps has none (undefined), as in a clock the core made.
 */
function decodeClock(w: readonly unknown[], i: number): VectorClock {
  const clock: Record<string, ClockEntry> = {};
  while (i < w.length) {
    const gapCount = countAt(w, i + 3, 2);
    if (i + CLOCK_ENTRY_WIDTH > w.length || gapCount < 0) return null as unknown as VectorClock;
    const actor = w[i] as string;
    // `__proto__` as a key would replace the prototype, not add an actor.
    if (actor === '__proto__') return null as unknown as VectorClock;
    if (gapCount === 0) clock[actor] = { counter: w[i + 1] as number, timeMs: w[i + 2] as number };
    else {
      const gaps: Gap[] = [];
      for (let g = i + CLOCK_ENTRY_WIDTH, end = g + 2 * gapCount; g < end; g += 2) gaps.push([w[g] as number, w[g + 1] as number]);
      clock[actor] = { counter: w[i + 1] as number, timeMs: w[i + 2] as number, gaps };
    }
    i += CLOCK_ENTRY_WIDTH + 2 * gapCount;
  }
  return clock;
}

function decodeContext(clock: VectorClock, readFrom: unknown): CausalContext {
  return readFrom === null ? { clock } : { clock, readFrom: readFrom as string };
}

function decodeSiblings(w: readonly unknown[], i: number): Siblings {
  const versions = decodeVersions(w, i);
  return { versions, context: { clock: decodeClock(w, at) } };
}
