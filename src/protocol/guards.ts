/**
 * Guards for data that arrives from outside a thread: a malformed message is dropped and
 * counted, never allowed to throw inside a node's state machine.
 */
import type { CausalContext, Dot } from '../core/causal-context.js';
import type { VectorClock } from '../core/vector-clock.js';
import type { Siblings } from '../core/versions.js';
import { WireErrorCode, type Message } from './messages.js';

type Fields = Record<string, unknown>;

function isObject(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isDot(x: unknown): x is Dot {
  return isObject(x) && typeof x.actor === 'string' && isCount(x.counter) && x.counter > 0 && isTime(x.timeMs);
}

function isClock(x: unknown): x is VectorClock {
  if (!isObject(x)) return false;
  return Object.values(x).every((entry) => isObject(entry) && isCount(entry.counter) && isTime(entry.timeMs));
}

/** A causal context as clients hand it back: a clock plus the dots beyond it. */
export function isCausalContext(x: unknown): x is CausalContext {
  return isObject(x) && isClock(x.clock) && Array.isArray(x.dots) && x.dots.every(isDot) && (x.readFrom === undefined || typeof x.readFrom === 'string');
}

export function isSiblings(x: unknown): x is Siblings {
  return (
    Array.isArray(x) &&
    x.every((v: unknown) => isObject(v) && 'value' in v && typeof v.deleted === 'boolean' && isDot(v.dot) && isCausalContext(v.context))
  );
}

const str = (x: unknown): boolean => typeof x === 'string';
const strings = (x: unknown): boolean => Array.isArray(x) && x.every(str);
const wireCodes: readonly unknown[] = Object.values(WireErrorCode);

/** Per kind, the check of its fields beyond `kind`. */
const checks: { [K in Message['kind']]: (m: Fields) => boolean } = {
  'client.get': (m) => isCount(m.reqId) && str(m.key) && isCount(m.r) && isTime(m.timeoutMs) && isCount(m.hops) && str(m.replyTo),
  'client.put': (m) =>
    isCount(m.reqId) && str(m.key) && 'value' in m && typeof m.deleted === 'boolean' && isCausalContext(m.context) &&
    isCount(m.w) && isTime(m.timeoutMs) && isCount(m.hops) && str(m.replyTo),
  'forward.ack': (m) => isCount(m.reqId) && str(m.replyTo),
  'reply.get': (m) => isCount(m.reqId) && isSiblings(m.siblings) && isCausalContext(m.context) && strings(m.repliedBy),
  'reply.put': (m) => isCount(m.reqId) && isCausalContext(m.context) && strings(m.ackedBy),
  'reply.error': (m) => isCount(m.reqId) && wireCodes.includes(m.code) && str(m.message),
  'replica.read': (m) => isCount(m.reqId) && str(m.key),
  'replica.readReply': (m) => isCount(m.reqId) && isSiblings(m.siblings),
  'replica.write': (m) => isCount(m.reqId) && str(m.key) && isSiblings(m.siblings) && (m.hintFor === null || str(m.hintFor)),
  'replica.writeAck': (m) => isCount(m.reqId),
  'replica.repair': (m) => str(m.key) && isSiblings(m.siblings),
  ping: (m) => isCount(m.seq),
  pong: (m) => isCount(m.seq),
  'hint.deliver': (m) => str(m.hintKey) && isCount(m.seq) && str(m.key) && isSiblings(m.siblings),
  'hint.ack': (m) => str(m.hintKey) && isCount(m.seq),
  handoff: (m) => str(m.key) && isCount(m.seq) && isSiblings(m.siblings),
  'handoff.ack': (m) => str(m.key) && isCount(m.seq),
};

/** True when `x` is a well-formed protocol message. */
export function isMessage(x: unknown): x is Message {
  if (!isObject(x) || typeof x.kind !== 'string' || !Object.hasOwn(checks, x.kind)) return false;
  return checks[x.kind as Message['kind']](x);
}
