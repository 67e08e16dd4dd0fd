/**
 * Guards for data that arrives from outside a thread: a malformed message is dropped and
 * counted, never allowed to throw inside a node's state machine. `copyContext` also makes a
 * clean copy of a context handed in by a caller, refusing one that holds anything else.
 */
import type { CausalContext, Clock, ClockEntry, Dot, Gap, Siblings, VectorClock, Version } from './data.js';
import type { Message } from './messages.js';
import { ErrorCode } from './outcomes.js';

type Fields = Record<string, unknown>;

function isObject(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isCounter(x: unknown): x is number {
  return isCount(x) && x > 0;
}

function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isDot(x: unknown): x is Dot {
  return isObject(x) && typeof x.actor === 'string' && x.actor !== '__proto__' && isCounter(x.counter) && isTime(x.timeMs);
}

/**
 * Whether `[from, to]` may follow a gap that ended at `previousEnd` (-1 for the first) below
 * `counter`: gaps lie below the counter, in order, apart from each other (adjacent ranges would
 * be one).
 */
function isNextGap(from: unknown, to: unknown, previousEnd: number, counter: number): to is number {
  return isCounter(from) && isCounter(to) && from <= to && to < counter && from > previousEnd + 1;
}

/** Gaps as the API shows them: pairs, each as `isNextGap` wants it. */
function areGaps(x: unknown, counter: number): x is readonly Gap[] {
  if (!Array.isArray(x) || x.length === 0) return false;
  let previousEnd = -1;
  for (const gap of x as unknown[]) {
    if (!Array.isArray(gap) || gap.length !== 2) return false;
    const [from, to] = gap as unknown[];
    if (!isNextGap(from, to, previousEnd, counter)) return false;
    previousEnd = to;
  }
  return true;
}

/**
 * A clock longer than this many gapless entries checks that its actors differ with a Set; a
 * shorter one (every clock the engine makes) with a scan, which allocates nothing.
 */
const ACTORS_SCANNED = 16;

/**
 * A clock as the engine sends it (data.ts, `Clock`): whole entries of `[actor, counter,
 * timeMs, gapCount, from, to, ...]`, each actor once, each gap as `isNextGap` wants it.
 * `__proto__` is refused as an actor: the API shows a clock as a record, where it would
 * replace the prototype.
 */
function isClock(x: unknown): x is Clock {
  if (!Array.isArray(x)) return false;
  const seen = x.length > ACTORS_SCANNED * 4 ? new Set<unknown>() : null;
  for (let i = 0; i < x.length; ) {
    const actor: unknown = x[i];
    const counter: unknown = x[i + 1];
    const gapCount: unknown = x[i + 3];
    if (typeof actor !== 'string' || actor === '__proto__' || !isCounter(counter) || !isTime(x[i + 2]) || !isCount(gapCount)) return false;
    const end = i + 4 + 2 * gapCount;
    if (end > x.length) return false;
    let previousEnd = -1;
    for (let g = i + 4; g < end; g += 2) {
      const to: unknown = x[g + 1];
      if (!isNextGap(x[g], to, previousEnd, counter)) return false;
      previousEnd = to;
    }
    if (seen === null) {
      for (let k = 0; k < i; k += 4 + 2 * (x[k + 3] as number)) if (x[k] === actor) return false;
    } else {
      if (seen.has(actor)) return false;
      seen.add(actor);
    }
    i = end;
  }
  return true;
}

/** A causal context as a node or the client sends it: a vector clock with exceptions. */
export function isCausalContext(x: unknown): x is CausalContext {
  return isObject(x) && isClock(x.clock) && (x.readFrom === undefined || typeof x.readFrom === 'string');
}

function isViewEntry(x: unknown): x is ClockEntry {
  return isObject(x) && isCounter(x.counter) && isTime(x.timeMs) && (x.gaps === undefined || areGaps(x.gaps, x.counter));
}

/** A clock as the API shows it (data.ts, `VectorClock`). */
function isViewClock(x: unknown): x is VectorClock {
  if (!isObject(x)) return false;
  for (const actor in x) {
    if (actor === '__proto__' || !isViewEntry(x[actor])) return false;
  }
  return true;
}

function isVersion(x: unknown): x is Version {
  return isObject(x) && 'value' in x && typeof x.deleted === 'boolean' && isDot(x.dot);
}

export function isSiblings(x: unknown): x is Siblings {
  return isObject(x) && Array.isArray(x.versions) && x.versions.every(isVersion) && isCausalContext(x.context);
}

/** True when `x` has no own keys (symbols included) but `allowed`. */
function onlyKeys(x: object, allowed: readonly string[]): boolean {
  for (const key of Reflect.ownKeys(x)) {
    if (typeof key !== 'string' || !allowed.includes(key)) return false;
  }
  return true;
}

/**
 * A fresh copy of a context handed in from outside (a caller of the API), or undefined when
 * it is not exactly a context: anything else in it (a function, a symbol, a field a context
 * does not have) would at best be dropped and at worst fail to reach a node. The copy is the
 * engine's own, so the caller changing the original later changes nothing.
 */
export function copyContext(x: unknown): CausalContext | undefined {
  if (!isObject(x) || !isViewClock(x.clock) || !(x.readFrom === undefined || typeof x.readFrom === 'string')) return undefined;
  if (!onlyKeys(x, ['clock', 'readFrom']) || !onlyKeys(x.clock, Object.keys(x.clock))) return undefined;
  const clock: (string | number)[] = [];
  for (const [actor, entry] of Object.entries(x.clock)) {
    if (!onlyKeys(entry, ['counter', 'timeMs', 'gaps'])) return undefined;
    if (entry.gaps !== undefined && !entry.gaps.every((gap) => onlyKeys(gap, ['0', '1', 'length']))) return undefined;
    const gaps = entry.gaps ?? [];
    clock.push(actor, entry.counter, entry.timeMs, gaps.length);
    for (const [from, to] of gaps) clock.push(from, to);
  }
  return x.readFrom === undefined ? { clock } : { clock, readFrom: x.readFrom };
}

const str = (x: unknown): boolean => typeof x === 'string';
const strings = (x: unknown): boolean => Array.isArray(x) && x.every(str);
const errorCodes: readonly unknown[] = Object.values(ErrorCode);

const isHash = (x: unknown): boolean => typeof x === 'string' && /^[0-9a-f]{32}$/.test(x);
const pairs = (x: unknown, first: (y: unknown) => boolean): boolean =>
  Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && first(p[0]) && isHash(p[1]));
const exchangeStep = (m: Fields): boolean => isCount(m.xid) && str(m.initiator) && str(m.range) && isCount(m.epoch);
const isLeaf = (x: unknown): boolean => isObject(x) && isCount(x.leaf) && typeof x.all === 'boolean' && pairs(x.keys, str);
const isEntry = (x: unknown): boolean => isObject(x) && str(x.key) && isSiblings(x.siblings);

/** Per kind, the check of its fields beyond `kind`. */
const checks: { [K in Message['kind']]: (m: Fields) => boolean } = {
  'client.get': (m) => isCount(m.reqId) && str(m.key) && isCount(m.r) && isTime(m.timeoutMs) && isCount(m.hops) && str(m.replyTo),
  'client.put': (m) =>
    isCount(m.reqId) && str(m.key) && 'value' in m && typeof m.deleted === 'boolean' && isCausalContext(m.context) &&
    isCount(m.w) && isTime(m.timeoutMs) && isCount(m.hops) && str(m.replyTo) && (m.dot === undefined || isDot(m.dot)),
  'forward.ack': (m) => isCount(m.reqId) && str(m.replyTo),
  'reply.get': (m) => isCount(m.reqId) && Array.isArray(m.versions) && m.versions.every(isVersion) && isCausalContext(m.context) && strings(m.repliedBy),
  'reply.put': (m) => isCount(m.reqId) && isCausalContext(m.context) && strings(m.ackedBy),
  'reply.error': (m) => isCount(m.reqId) && errorCodes.includes(m.code) && str(m.message),
  'replica.read': (m) => isCount(m.reqId) && str(m.key),
  'replica.readReply': (m) => isCount(m.reqId) && isSiblings(m.siblings),
  'replica.write': (m) => isCount(m.reqId) && str(m.key) && isSiblings(m.siblings) && (m.hintFor === null || str(m.hintFor)),
  'replica.writeAck': (m) => isCount(m.reqId),
  'replica.repair': (m) => str(m.key) && isSiblings(m.siblings),
  ping: (m) => isCount(m.seq),
  pong: (m) => isCount(m.seq),
  'hint.deliver': (m) => str(m.key) && isCount(m.seq) && isSiblings(m.siblings),
  'hint.ack': (m) => str(m.key) && isCount(m.seq),
  handoff: (m) => str(m.key) && isCount(m.seq) && isSiblings(m.siblings) && isCount(m.epoch),
  'handoff.ack': (m) => str(m.key) && isCount(m.seq),
  'reap.query': (m) => str(m.key) && isCount(m.round) && isSiblings(m.siblings),
  'reap.vote': (m) => str(m.key) && isCount(m.round) && typeof m.ok === 'boolean',
  'reap.commit': (m) => str(m.key) && isSiblings(m.siblings),
  'ae.compare': (m) => exchangeStep(m) && isCount(m.level) && Array.isArray(m.parents) && m.parents.every(isCount) && pairs(m.nodes, isCount),
  'ae.leaves': (m) => exchangeStep(m) && Array.isArray(m.leaves) && m.leaves.every(isLeaf),
  'ae.sync': (m) => exchangeStep(m) && Array.isArray(m.entries) && m.entries.every(isEntry) && strings(m.want),
  'ae.done': (m) => exchangeStep(m) && typeof m.matched === 'boolean',
};

/**
 * The checks by kind, as a Map: every arriving message looks its kind up, and a Map finds it
 * by the kind string's hash where `Object.hasOwn` and an indexed load searched the object's
 * two dozen properties twice.
 */
const checkOfKind: ReadonlyMap<string, (m: Fields) => boolean> = new Map(Object.entries(checks));

/** True when `x` is a well-formed protocol message. */
export function isMessage(x: unknown): x is Message {
  if (!isObject(x) || typeof x.kind !== 'string') return false;
  const check = checkOfKind.get(x.kind);
  return check !== undefined && check(x);
}
