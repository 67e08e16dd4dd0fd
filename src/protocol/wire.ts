/**
 * The wire shape of the data plane's messages: each as one flat array, its kind a small
 * number, clocks as [actor, counter, timeMs, gaps, ...] runs, versions as [value, deleted,
 * actor, counter, timeMs] runs. Structured clone writes an object's every property name
 * with every message and the receiver builds the object back property by property (a
 * string-table lookup and a map transition each); arrays of numbers and strings cost a
 * fraction of that. Measured on this machine, a replica write and its acknowledgement
 * crossed a MessagePort in about half the time as arrays, decoding included
 * (docs/PERFORMANCE.md).
 *
 * Only the messages of every request are encoded; the rest (anti-entropy, handoff, hints,
 * reaping, pings) cross as the objects they are. Decoding never throws and does not
 * validate: what it returns goes through the same guard (guards.ts) as before, and anything
 * it does not recognise (an object, a foreign array) is returned as it came, for the guard to
 * accept or refuse.
 */
import type { CausalContext, ClockEntry, Dot, Gap, Siblings, VectorClock, Version } from './data.js';
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
  switch (msg.kind) {
    case 'client.get':
      return [Code.ClientGet, msg.reqId, msg.key, msg.r, msg.timeoutMs, msg.hops, msg.replyTo];
    case 'client.put':
      return [Code.ClientPut, msg.reqId, msg.key, msg.value, msg.deleted, encodeClock(msg.context.clock), msg.context.readFrom ?? null, msg.w, msg.timeoutMs, msg.hops, msg.replyTo, msg.dot === undefined ? null : encodeDot(msg.dot)];
    case 'forward.ack':
      return [Code.ForwardAck, msg.reqId, msg.replyTo];
    case 'reply.get':
      return [Code.ReplyGet, msg.reqId, encodeVersions(msg.versions), encodeClock(msg.context.clock), msg.context.readFrom ?? null, msg.repliedBy];
    case 'reply.put':
      return [Code.ReplyPut, msg.reqId, encodeClock(msg.context.clock), msg.context.readFrom ?? null, msg.ackedBy];
    case 'reply.error':
      return [Code.ReplyError, msg.reqId, msg.code, msg.message];
    case 'replica.read':
      return [Code.ReplicaRead, msg.reqId, msg.key];
    case 'replica.readReply':
      return [Code.ReplicaReadReply, msg.reqId, encodeVersions(msg.siblings.versions), encodeClock(msg.siblings.context.clock)];
    case 'replica.write':
      return [Code.ReplicaWrite, msg.reqId, msg.key, encodeVersions(msg.siblings.versions), encodeClock(msg.siblings.context.clock), msg.hintFor];
    case 'replica.writeAck':
      return [Code.ReplicaWriteAck, msg.reqId];
    case 'replica.repair':
      return [Code.ReplicaRepair, msg.key, encodeVersions(msg.siblings.versions), encodeClock(msg.siblings.context.clock)];
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

function decodeArray(w: readonly unknown[]): unknown {
  switch (w[0]) {
    case Code.ClientGet:
      return { kind: 'client.get', reqId: w[1], key: w[2], r: w[3], timeoutMs: w[4], hops: w[5], replyTo: w[6] };
    case Code.ClientPut:
      // A put's dot is minted by the first node it reaches: absent on the way there.
      return w[11] === null
        ? { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context: decodeContext(w[5], w[6]), w: w[7], timeoutMs: w[8], hops: w[9], replyTo: w[10] }
        : { kind: 'client.put', reqId: w[1], key: w[2], value: w[3], deleted: w[4], context: decodeContext(w[5], w[6]), w: w[7], timeoutMs: w[8], hops: w[9], replyTo: w[10], dot: decodeDot(w[11]) };
    case Code.ForwardAck:
      return { kind: 'forward.ack', reqId: w[1], replyTo: w[2] };
    case Code.ReplyGet:
      return { kind: 'reply.get', reqId: w[1], versions: decodeVersions(w[2]), context: decodeContext(w[3], w[4]), repliedBy: w[5] };
    case Code.ReplyPut:
      return { kind: 'reply.put', reqId: w[1], context: decodeContext(w[2], w[3]), ackedBy: w[4] };
    case Code.ReplyError:
      return { kind: 'reply.error', reqId: w[1], code: w[2], message: w[3] };
    case Code.ReplicaRead:
      return { kind: 'replica.read', reqId: w[1], key: w[2] };
    case Code.ReplicaReadReply:
      return { kind: 'replica.readReply', reqId: w[1], siblings: decodeSiblings(w[2], w[3]) };
    case Code.ReplicaWrite:
      return { kind: 'replica.write', reqId: w[1], key: w[2], siblings: decodeSiblings(w[3], w[4]), hintFor: w[5] };
    case Code.ReplicaWriteAck:
      return { kind: 'replica.writeAck', reqId: w[1] };
    case Code.ReplicaRepair:
      return { kind: 'replica.repair', key: w[1], siblings: decodeSiblings(w[2], w[3]) };
    default:
      return w;
  }
}

const VERSION_WIDTH = 5;
const CLOCK_ENTRY_WIDTH = 4;

function encodeDot(dot: Dot): unknown[] {
  return [dot.actor, dot.counter, dot.timeMs];
}

function decodeDot(w: unknown): Dot {
  const [actor, counter, timeMs] = w as [string, number, number];
  return { actor, counter, timeMs };
}

function encodeVersions(versions: readonly Version[]): unknown[] {
  // One version is the common case: a literal is made at its size (and packed, which a port
  // serializes densely), where an array grown by `push` gets room for 17 elements.
  if (versions.length === 1) {
    const { value, deleted, dot } = versions[0] as Version;
    return [value, deleted, dot.actor, dot.counter, dot.timeMs];
  }
  const out: unknown[] = [];
  for (const version of versions) out.push(version.value, version.deleted, version.dot.actor, version.dot.counter, version.dot.timeMs);
  return out;
}

function decodeVersions(w: unknown): Version[] {
  const flat = w as readonly unknown[];
  if (Array.isArray(flat) && flat.length === VERSION_WIDTH) {
    return [{ value: flat[0], deleted: flat[1] as boolean, dot: { actor: flat[2] as string, counter: flat[3] as number, timeMs: flat[4] as number } }];
  }
  const out: Version[] = [];
  for (let i = 0; i + VERSION_WIDTH <= flat.length; i += VERSION_WIDTH) {
    out.push({ value: flat[i], deleted: flat[i + 1] as boolean, dot: { actor: flat[i + 2] as string, counter: flat[i + 3] as number, timeMs: flat[i + 4] as number } });
  }
  // A length that is not a whole number of versions is malformed: the guard refuses it.
  if (flat.length % VERSION_WIDTH !== 0) out.push(null as unknown as Version);
  return out;
}

function encodeClock(clock: VectorClock): unknown[] {
  const out: unknown[] = [];
  for (const actor in clock) {
    const entry = clock[actor] as ClockEntry;
    out.push(actor, entry.counter, entry.timeMs, entry.gaps ?? null);
  }
  return out;
}

function decodeClock(w: unknown): VectorClock {
  const flat = w as readonly unknown[];
  if (!Array.isArray(flat) || flat.length % CLOCK_ENTRY_WIDTH !== 0) return null as unknown as VectorClock;
  const clock: Record<string, ClockEntry> = {};
  for (let i = 0; i < flat.length; i += CLOCK_ENTRY_WIDTH) {
    const actor = flat[i] as string;
    // `__proto__` as a key would replace the prototype, not add an actor: left as a property
    // the guard refuses.
    if (actor === '__proto__') return null as unknown as VectorClock;
    const gaps = flat[i + 3] as readonly Gap[] | null;
    clock[actor] = gaps === null ? { counter: flat[i + 1] as number, timeMs: flat[i + 2] as number } : { counter: flat[i + 1] as number, timeMs: flat[i + 2] as number, gaps };
  }
  return clock;
}

function decodeContext(clock: unknown, readFrom: unknown): CausalContext {
  return readFrom === null ? { clock: decodeClock(clock) } : { clock: decodeClock(clock), readFrom: readFrom as string };
}

function decodeSiblings(versions: unknown, clock: unknown): Siblings {
  return { versions: decodeVersions(versions), context: { clock: decodeClock(clock) } };
}
