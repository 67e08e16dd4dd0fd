// The compact lean path's data (scripts/lean-path.mjs, `compact`): what the lean path does
// with the engine's own data functions, done on flat arrays, to measure what a compact
// representation would save. Not the engine's semantics in full, and not meant to be: enough
// of them for the steady workload, at the cost the full semantics would have on its common
// path.
//
// - Actors are small integers (the node's index): a cluster-wide table the engine does not
//   have (its actors are strings naming an incarnation; see docs/PERFORMANCE.md). With
//   LEAN_STRING_ACTORS=1 the nodes use names like the engine's instead, to measure what the
//   integers save on their own.
// - A clock is one flat array of entries [actor, counter, timeMs, gapCount, from, to, ...]: as
//   in the engine, an actor's entry claims every counter up to `counter` except its gaps
//   (src/core/causal-context.ts). The steady workload makes gaps: one coordinator mints the
//   dots of two concurrent writes of a key, and neither writer saw the other's.
// - Versions are one flat array [value, deleted, actor, counter, timeMs, ...].
// - A message crosses as one flat array, and is checked field by field as it is read: no
//   decode into objects and second walk through a guard.
// Merges follow the engine's rules (src/core/siblings.ts): a version survives the other side
// unless the other side's clock covers its dot and it no longer holds it.

export const VERSION_WIDTH = 5;
/** An entry's fixed part: actor, counter, timeMs, gap count (its gaps, two numbers each, follow). */
const ENTRY_HEAD = 4;

export const Code = {
  ClientGet: 1,
  ClientPut: 2,
  ReplyGet: 4,
  ReplyPut: 5,
  ReplicaRead: 7,
  ReplicaReadReply: 8,
  ReplicaWrite: 9,
  ReplicaWriteAck: 10,
  ReplicaRepair: 11,
};

export const EMPTY = Object.freeze({ versions: Object.freeze([]), clock: Object.freeze([]) });

const entryWidth = (clock, i) => ENTRY_HEAD + 2 * clock[i + 3];

/** Where `actor`'s entry starts in `clock`, or -1. */
function entryAt(clock, actor) {
  for (let i = 0; i < clock.length; i += entryWidth(clock, i)) if (clock[i] === actor) return i;
  return -1;
}

/** The highest counter of `actor` in `clock` (0 when absent). */
export function counterOf(clock, actor) {
  const i = entryAt(clock, actor);
  return i < 0 ? 0 : clock[i + 1];
}


/** True when `clock` names at most `maxActors` actors with at most `maxGaps` gaps each. */
export function withinLimits(clock, maxActors, maxGaps) {
  let actors = 0;
  for (let i = 0; i < clock.length; i += entryWidth(clock, i)) if (++actors > maxActors || clock[i + 3] > maxGaps) return false;
  return true;
}

/**
 * `clock` with at most `maxGaps` gaps per actor, as the engine bounds a context it hands out
 * (src/core/causal-context.ts, forgetOldest): past the bound, an actor's oldest counters
 * become "not seen", except those of the versions handed out with it (`versions`), which stay
 * covered. Only ever drops coverage.
 */
export function boundGaps(clock, versions, maxGaps) {
  let out = clock;
  for (let i = 0; i < out.length; i += entryWidth(out, i)) {
    const gapCount = out[i + 3];
    if (gapCount <= maxGaps) continue;
    const actor = out[i];
    const keptAt = i + ENTRY_HEAD + 2 * (gapCount - maxGaps);
    const floor = out[keptAt];
    const forgetTo = out[keptAt + 1];
    const spared = [];
    for (let v = 0; v < versions.length; v += VERSION_WIDTH) if (versions[v + 2] === actor && versions[v + 3] < floor) spared.push(versions[v + 3]);
    spared.sort((x, y) => x - y);
    const gaps = [];
    let from = 1;
    for (const counter of spared) {
      if (counter > from) gaps.push(from, counter - 1);
      from = Math.max(from, counter + 1);
    }
    if (from <= forgetTo) gaps.push(from, forgetTo);
    for (let k = keptAt + 2; k < i + entryWidth(out, i); k++) gaps.push(out[k]);
    out = withEntry(out, i, actor, out[i + 1], out[i + 2], gaps);
  }
  return out;
}

/** True when the dot (actor, counter) is among the events `clock` has seen. */
export function covers(clock, actor, counter) {
  const i = entryAt(clock, actor);
  if (i < 0 || counter > clock[i + 1]) return false;
  for (let g = 0, at = i + ENTRY_HEAD; g < clock[i + 3]; g++, at += 2) {
    if (counter < clock[at]) return true;
    if (counter <= clock[at + 1]) return false;
  }
  return true;
}

function holds(versions, actor, counter) {
  for (let i = 0; i < versions.length; i += VERSION_WIDTH) if (versions[i + 2] === actor && versions[i + 3] === counter) return true;
  return false;
}

/** An entry's gaps as [from, to] pairs, plus everything above its counter up to `upTo`: what it has not seen. */
function unseenUpTo(clock, i, upTo) {
  const out = [];
  for (let g = 0, at = i + ENTRY_HEAD; g < clock[i + 3]; g++, at += 2) out.push(clock[at], clock[at + 1]);
  if (upTo > clock[i + 1]) out.push(clock[i + 1] + 1, upTo);
  return out;
}

/** Intersection of two sorted lists of disjoint [from, to] ranges (flat). */
function intersect(a, b) {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i], b[j]);
    const to = Math.min(a[i + 1], b[j + 1]);
    if (from <= to) out.push(from, to);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

/** Copies `clock` with the entry at `i` (or a new one, i < 0) replaced by this one. */
function withEntry(clock, i, actor, counter, timeMs, gaps) {
  const out = i < 0 ? clock.slice() : clock.slice(0, i);
  out.push(actor, counter, timeMs, gaps.length / 2);
  for (const x of gaps) out.push(x);
  if (i >= 0) for (let k = i + entryWidth(clock, i); k < clock.length; k++) out.push(clock[k]);
  return out;
}

/** The union of two clocks' events; `a` itself when `b` adds nothing. */
export function joinClocks(a, b) {
  if (a === b) return a;
  let out = a;
  for (let j = 0; j < b.length; j += entryWidth(b, j)) {
    const actor = b[j];
    const i = entryAt(out, actor);
    if (i < 0) {
      out = out.slice();
      for (let k = j; k < j + entryWidth(b, j); k++) out.push(b[k]);
      continue;
    }
    const mine = out[i + 1];
    const theirs = b[j + 1];
    // The common case without building lists: no gaps on either side.
    if (out[i + 3] === 0 && b[j + 3] === 0) {
      if (theirs > mine) out = withEntry(out, i, actor, theirs, Math.max(out[i + 2], b[j + 2]), []);
      continue;
    }
    const upTo = Math.max(mine, theirs);
    const gaps = intersect(unseenUpTo(out, i, upTo), unseenUpTo(b, j, upTo));
    let same = upTo === mine && gaps.length === 2 * out[i + 3];
    for (let g = 0; same && g < gaps.length; g++) same = gaps[g] === out[i + ENTRY_HEAD + g];
    if (!same) out = withEntry(out, i, actor, upTo, Math.max(out[i + 2], b[j + 2]), gaps);
  }
  return out;
}

function survives(versions, i, other) {
  const actor = versions[i + 2];
  const counter = versions[i + 3];
  return holds(other.versions, actor, counter) || !covers(other.clock, actor, counter);
}

function isNewTo(versions, i, other) {
  const actor = versions[i + 2];
  const counter = versions[i + 3];
  return !holds(other.versions, actor, counter) && !covers(other.clock, actor, counter);
}

/** The join of two sibling sets; `a` itself when `b` adds nothing (decided before any array is made). */
export function merge(a, b) {
  if (a === b || (b.versions.length === 0 && b.clock.length === 0)) return a;
  if (a.versions.length === 0 && a.clock.length === 0) return b;
  const clock = joinClocks(a.clock, b.clock);
  let changed = clock !== a.clock;
  for (let i = 0; !changed && i < a.versions.length; i += VERSION_WIDTH) changed = !survives(a.versions, i, b);
  for (let i = 0; !changed && i < b.versions.length; i += VERSION_WIDTH) changed = isNewTo(b.versions, i, a);
  if (!changed) return a;
  const versions = [];
  for (let i = 0; i < a.versions.length; i += VERSION_WIDTH) if (survives(a.versions, i, b)) for (let k = 0; k < VERSION_WIDTH; k++) versions.push(a.versions[i + k]);
  for (let i = 0; i < b.versions.length; i += VERSION_WIDTH) if (isNewTo(b.versions, i, a)) for (let k = 0; k < VERSION_WIDTH; k++) versions.push(b.versions[i + k]);
  return { versions, clock };
}

/** A write of one version over `clock` (what its writer saw): the version, and the clock with its dot. */
export function writeOf(value, actor, counter, timeMs, clock) {
  const dot = counter > 1 ? [actor, counter, timeMs, 1, 1, counter - 1] : [actor, counter, timeMs, 0];
  return { versions: [value, false, actor, counter, timeMs], clock: joinClocks(clock, dot) };
}

// ---- checked reading of a flat message -----------------------------------------------------

/** A whole number from 0: counts, lengths, quorums, times in whole milliseconds. */
export const isCount = (x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
/** A dot's counter: minting starts at 1. */
const isCounter = (x) => isCount(x) && x > 0;
/** An actor: a small integer, or (LEAN_STRING_ACTORS=1, to see what the integers save) the engine's kind of name. */
const isActor = (x) => isCount(x) || (typeof x === 'string' && x.length > 0 && x.length <= 256);

/** Versions at `at` ([count, ...versions]) checked and copied; null when malformed. */
export function readVersions(w, at) {
  const count = w[at];
  if (!isCount(count) || at + 1 + count * VERSION_WIDTH > w.length) return null;
  const out = w.slice(at + 1, at + 1 + count * VERSION_WIDTH);
  for (let i = 0; i < out.length; i += VERSION_WIDTH) {
    if (typeof out[i + 1] !== 'boolean' || !isActor(out[i + 2]) || !isCounter(out[i + 3]) || !Number.isFinite(out[i + 4])) return null;
  }
  return out;
}

/**
 * A clock at `at` ([length, ...entries], length in elements) checked and copied; null when
 * malformed: as the engine's guard wants, one entry per actor, counters from 1, finite times,
 * gaps sorted, disjoint, not adjacent and below the counter.
 */
export function readClock(w, at) {
  const length = w[at];
  if (!isCount(length) || at + 1 + length > w.length) return null;
  const out = w.slice(at + 1, at + 1 + length);
  for (let i = 0; i < out.length; ) {
    if (i + ENTRY_HEAD > out.length || !isActor(out[i]) || !isCounter(out[i + 1]) || !Number.isFinite(out[i + 2]) || !isCount(out[i + 3])) return null;
    // One entry per actor, as the engine's clocks (records) have.
    for (let j = 0; j < i; j += entryWidth(out, j)) if (out[j] === out[i]) return null;
    const end = i + entryWidth(out, i);
    if (end > out.length) return null;
    let above = 0;
    for (let at = i + ENTRY_HEAD; at < end; at += 2) {
      if (!isCount(out[at]) || !isCount(out[at + 1]) || out[at] <= above || out[at + 1] < out[at] || out[at + 1] >= out[i + 1]) return null;
      above = out[at + 1] + 1;
    }
    i = end;
  }
  return out;
}

/** Appends `versions` and `clock`, each with its count, to `out`. */
export function writeSiblings(out, versions, clock) {
  out.push(versions.length / VERSION_WIDTH);
  for (let i = 0; i < versions.length; i++) out.push(versions[i]);
  out.push(clock.length);
  for (let i = 0; i < clock.length; i++) out.push(clock[i]);
  return out;
}

export function isKey(x) {
  return typeof x === 'string' && x.length > 0 && x.length <= 4096;
}

export function isReqId(x) {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
}

/** The engine's bound on a context handed out (src/core/config.ts: clockPruneAt, contextMaxGaps). */
const MAX_ACTORS = 10;
const MAX_GAPS = 8;

/** The compact worker's data, flat: what it stores, merges, reads and writes. */
export const FLAT_DATA = {
  EMPTY,
  readContext: (w, at) => readClock(w, at),
  readSiblings(w, at) {
    const versions = readVersions(w, at);
    const clock = versions === null ? null : readClock(w, at + 1 + versions.length);
    return clock === null ? null : { versions, clock };
  },
  appendSiblings: (out, siblings) => writeSiblings(out, siblings.versions, siblings.clock),
  contextOf: (siblings) => siblings.clock,
  highest: counterOf,
  writeOf,
  merge,
  handedOut: (siblings) => (withinLimits(siblings.clock, MAX_ACTORS, MAX_GAPS) ? siblings : { versions: siblings.versions, clock: boundGaps(siblings.clock, siblings.versions, MAX_GAPS) }),
  withoutVersions: (siblings) => ({ versions: [], clock: siblings.clock }),
  /** The values a get returns: the versions that are not deletions. */
  values(siblings) {
    const values = [];
    for (let i = 0; i < siblings.versions.length; i += VERSION_WIDTH) if (siblings.versions[i + 1] === false) values.push(siblings.versions[i]);
    return values;
  },
  /** A context as the lean client hands it out ({ clock }), and back. */
  toCaller: (clock) => ({ clock }),
  fromCaller: (context) => context.clock,
};
