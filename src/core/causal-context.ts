/**
 * Causal contexts (paper §4.4): the set of write events ("dots") someone has seen, as one
 * vector clock with exceptions. Per actor, every counter up to the highest is seen except the
 * counters in its gaps. A plain vector clock would claim every counter up to its highest, so
 * a reader that saw an actor's 5th write but not its concurrent 4th would silently supersede
 * the 4th; the gaps keep the set exact. One event that never arrives costs one gap, so later
 * events still fold into the counter instead of piling up beside it.
 *
 * Every operation only ever adds what was seen (a dot, a union) or removes coverage
 * (`compactContext`): a context never claims an event nobody saw, which is what makes
 * dropping coverage safe (a write then supersedes less: a sibling, never a loss).
 */
import type { CausalContext, ClockEntry, Dot, Gap, VectorClock } from '../protocol/data.js';

export const EMPTY_CONTEXT: CausalContext = Object.freeze({ clock: Object.freeze({}) });

/**
 * An actor's entry, read as the clock's own property only: clocks are plain objects (they
 * cross ports), and an actor named `constructor` or `toString` must not find Object's.
 */
function entryFor(clock: VectorClock, actor: string): ClockEntry | undefined {
  return Object.hasOwn(clock, actor) ? clock[actor] : undefined;
}

/** True when the dot belongs to the context's set of seen events. */
export function covers(context: CausalContext, dot: Dot): boolean {
  const entry = entryFor(context.clock, dot.actor);
  return entry !== undefined && dot.counter <= entry.counter && !inGaps(entry.gaps, dot.counter);
}

/** The highest counter of `actor` the context has seen (0 when none). */
export function highestCounter(context: CausalContext, actor: string): number {
  return entryFor(context.clock, actor)?.counter ?? 0;
}

/** The context without its routing hint (`readFrom`): what a stored version keeps. */
export function causalPart(context: CausalContext): CausalContext {
  return context.readFrom === undefined ? context : { clock: context.clock };
}

/** The context with one more dot in it (the same object when it was there already). */
export function withDot(context: CausalContext, dot: Dot): CausalContext {
  const entry = entryFor(context.clock, dot.actor);
  let next: ClockEntry;
  if (entry === undefined) {
    next = entryOf(dot.counter, dot.timeMs, dot.counter > 1 ? [[1, dot.counter - 1]] : []);
  } else if (dot.counter === entry.counter + 1 && entry.gaps === undefined) {
    // The common case, without building gap lists: the actor's next event, none missing.
    next = { counter: dot.counter, timeMs: Math.max(entry.timeMs, dot.timeMs) };
  } else if (dot.counter > entry.counter) {
    const gaps = [...(entry.gaps ?? [])];
    if (dot.counter > entry.counter + 1) gaps.push([entry.counter + 1, dot.counter - 1]);
    next = entryOf(dot.counter, Math.max(entry.timeMs, dot.timeMs), gaps);
  } else if (inGaps(entry.gaps, dot.counter)) {
    next = entryOf(entry.counter, entry.timeMs, splitAround(entry.gaps ?? [], dot.counter));
  } else {
    return context;
  }
  const clock = { ...context.clock };
  clock[dot.actor] = next;
  return withClock(context, clock);
}

/**
 * The union of two contexts: an event is in it when it is in either. Returns `a` itself when
 * `b` adds nothing, so a caller can tell that nothing changed.
 */
export function joinContexts(a: CausalContext, b: CausalContext): CausalContext {
  if (a === b || a.clock === b.clock) return a;
  let clock: Record<string, ClockEntry> | null = null;
  // A loop over own keys rather than Object.entries: this runs on every merge of every
  // request, and the entries' arrays were most of what it allocated.
  for (const actor in b.clock) {
    const theirs = entryFor(b.clock, actor);
    if (theirs === undefined) continue;
    const mine = entryFor(a.clock, actor);
    const joined = mine === undefined ? theirs : joinEntries(mine, theirs);
    if (joined === mine) continue;
    clock ??= { ...a.clock };
    clock[actor] = joined;
  }
  return clock === null ? a : withClock(a, clock);
}

/**
 * `context` with another clock. Built as a literal of the one or two fields a context has: a
 * spread (`{ ...context, clock }`) copied property by property through V8's generic path and
 * was most of the time a join took.
 */
function withClock(context: CausalContext, clock: VectorClock): CausalContext {
  return context.readFrom === undefined ? { clock } : { clock, readFrom: context.readFrom };
}

/** How far a context handed out may grow. */
export interface ContextLimits {
  /** Actors kept (paper §4.4: about 10); the actors of `live` dots are always kept. */
  readonly maxActors: number;
  /** Gap ranges kept per actor; older detail becomes "not seen". */
  readonly maxGaps: number;
}

/**
 * Bounds a context by dropping coverage, never by adding it: past `maxActors` the actors
 * updated longest ago go (ties by actor id, so the result is deterministic), and past
 * `maxGaps` gap ranges an actor's oldest counters become "not seen". The `live` dots (the
 * versions the context is handed out with) stay covered, so a write with the context always
 * supersedes every version that was read with it.
 */
export function compactContext(context: CausalContext, live: readonly Dot[], limits: ContextLimits): { context: CausalContext; pruned: number } {
  if (withinLimits(context, limits)) return { context, pruned: 0 };
  let clock: Record<string, ClockEntry> | null = null;
  let pruned = 0;
  const entries = Object.entries(context.clock);
  if (entries.length > limits.maxActors) {
    const needed = new Set(live.map((dot) => dot.actor));
    const droppable = entries
      .filter(([actor]) => !needed.has(actor))
      .sort(([x, a], [y, b]) => a.timeMs - b.timeMs || (x < y ? -1 : x > y ? 1 : 0))
      .map(([actor]) => actor);
    const drop = droppable.slice(0, Math.min(droppable.length, entries.length - limits.maxActors));
    if (drop.length > 0) {
      clock = { ...context.clock };
      for (const actor of drop) delete clock[actor];
      pruned += drop.length;
    }
  }
  for (const [actor, entry] of Object.entries(clock ?? context.clock)) {
    if ((entry.gaps?.length ?? 0) <= limits.maxGaps) continue;
    const liveCounters = live.filter((dot) => dot.actor === actor).map((dot) => dot.counter);
    clock ??= { ...context.clock };
    clock[actor] = forgetOldest(entry, liveCounters, limits.maxGaps);
    pruned++;
  }
  return { context: clock === null ? context : withClock(context, clock), pruned };
}

/** The common case, checked without allocating: nothing to compact. */
export function withinLimits(context: CausalContext, limits: ContextLimits): boolean {
  let actors = 0;
  for (const actor in context.clock) {
    if (++actors > limits.maxActors) return false;
    if ((entryFor(context.clock, actor)?.gaps?.length ?? 0) > limits.maxGaps) return false;
  }
  return true;
}

// ---- per-actor sets: [1, counter] minus the gaps -------------------------------------------

function entryOf(counter: number, timeMs: number, gaps: readonly Gap[]): ClockEntry {
  return gaps.length === 0 ? { counter, timeMs } : { counter, timeMs, gaps };
}

function inGaps(gaps: readonly Gap[] | undefined, counter: number): boolean {
  if (gaps === undefined) return false;
  for (const [from, to] of gaps) {
    if (counter < from) return false;
    if (counter <= to) return true;
  }
  return false;
}

function splitAround(gaps: readonly Gap[], counter: number): Gap[] {
  const out: Gap[] = [];
  for (const gap of gaps) {
    const [from, to] = gap;
    if (counter < from || counter > to) out.push(gap);
    else {
      if (from < counter) out.push([from, counter - 1]);
      if (counter < to) out.push([counter + 1, to]);
    }
  }
  return out;
}

/** The counters up to `upTo` an entry has not seen: its gaps, and everything above its counter. */
function unseenUpTo(entry: ClockEntry, upTo: number): Gap[] {
  const unseen = [...(entry.gaps ?? [])];
  if (upTo > entry.counter) unseen.push([entry.counter + 1, upTo]);
  return unseen;
}

/** Intersection of two sorted lists of disjoint ranges. */
function intersect(a: readonly Gap[], b: readonly Gap[]): Gap[] {
  const out: Gap[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aFrom, aTo] = a[i] as Gap;
    const [bFrom, bTo] = b[j] as Gap;
    const from = Math.max(aFrom, bFrom);
    const to = Math.min(aTo, bTo);
    if (from <= to) out.push([from, to]);
    if (aTo < bTo) i++;
    else j++;
  }
  return out;
}

/** The union of two entries' seen sets; `mine` itself when `theirs` adds nothing. */
function joinEntries(mine: ClockEntry, theirs: ClockEntry): ClockEntry {
  if (mine === theirs) return mine;
  const counter = Math.max(mine.counter, theirs.counter);
  const timeMs = mine.counter === theirs.counter ? Math.max(mine.timeMs, theirs.timeMs) : mine.counter > theirs.counter ? mine.timeMs : theirs.timeMs;
  if (timeMs === mine.timeMs && entryIncludes(mine, theirs)) return mine;
  if (mine.gaps === undefined && theirs.gaps === undefined) {
    // Neither missed an event: the union is everything up to the higher counter.
    return counter === theirs.counter && timeMs === theirs.timeMs ? theirs : { counter, timeMs };
  }
  // Unseen by the union = unseen by both.
  return entryOf(counter, timeMs, intersect(unseenUpTo(mine, counter), unseenUpTo(theirs, counter)));
}

/** True when every counter `theirs` saw, `mine` saw too. */
function entryIncludes(mine: ClockEntry, theirs: ClockEntry): boolean {
  if (theirs.counter > mine.counter || inGaps(mine.gaps, theirs.counter)) return false;
  const mineUnseen = mine.gaps ?? [];
  if (mineUnseen.length === 0) return true;
  // Each of my gaps (up to their counter) must lie inside one of theirs.
  const theirUnseen = theirs.gaps ?? [];
  let j = 0;
  for (const [from, to] of mineUnseen) {
    if (from > theirs.counter) break;
    const end = Math.min(to, theirs.counter);
    while (j < theirUnseen.length && (theirUnseen[j] as Gap)[1] < from) j++;
    const around = theirUnseen[j];
    if (around === undefined || around[0] > from || around[1] < end) return false;
  }
  return true;
}

/**
 * Keeps the newest `maxGaps` gaps of an entry; every counter below them becomes "not seen",
 * except the live ones.
 */
function forgetOldest(entry: ClockEntry, liveCounters: readonly number[], maxGaps: number): ClockEntry {
  const gaps = entry.gaps ?? [];
  const kept = gaps.slice(gaps.length - maxGaps);
  // Everything below the first gap kept (below the counter, when none is) is forgotten.
  const [floor, forgetTo] = kept[0] ?? [entry.counter, entry.counter - 1];
  const spared = liveCounters.filter((counter) => counter < floor).sort((x, y) => x - y);
  const forgotten: Gap[] = [];
  let from = 1;
  for (const counter of spared) {
    if (counter > from) forgotten.push([from, counter - 1]);
    from = Math.max(from, counter + 1);
  }
  if (from <= forgetTo) forgotten.push([from, forgetTo]);
  return entryOf(entry.counter, entry.timeMs, [...forgotten, ...kept.slice(1)]);
}
