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
 *
 * A clock is one flat array (protocol/data.ts, `Clock`), and this is the one module of the core
 * that reads or builds its layout: the others go through its functions (`covers`,
 * `joinContexts`, `forEachEntry`, `clockView`, ...).
 */
import type { CausalContext, Clock, ClockEntry, Dot, Gap, VectorClock } from '../protocol/data.js';

export const EMPTY_CONTEXT: CausalContext = Object.freeze({ clock: Object.freeze([]) });

/**
 * The layout of a clock (protocol/data.ts, `Clock`): each entry is `[actor, counter, timeMs,
 * gapCount]` followed by its gaps, two numbers each.
 */
const ENTRY_HEAD = 4;

/** A clock being built (a Clock is read-only once made). */
type ClockBuilder = (string | number)[];

/** The length of the entry that starts at `i`. */
function widthAt(clock: Clock, i: number): number {
  return ENTRY_HEAD + 2 * (clock[i + 3] as number);
}

/** Where `actor`'s entry starts in `clock`, or -1 (a scan: a clock has a handful of actors). */
function entryAt(clock: Clock, actor: string): number {
  for (let i = 0; i < clock.length; i += widthAt(clock, i)) if (clock[i] === actor) return i;
  return -1;
}

/** True when the dot belongs to the context's set of seen events. */
export function covers(context: CausalContext, dot: Dot): boolean {
  const clock = context.clock;
  const i = entryAt(clock, dot.actor);
  return i >= 0 && dot.counter <= (clock[i + 1] as number) && !inGapsAt(clock, i, dot.counter);
}

/** The highest counter of `actor` the context has seen (0 when none). */
export function highestCounter(context: CausalContext, actor: string): number {
  const i = entryAt(context.clock, actor);
  return i < 0 ? 0 : (context.clock[i + 1] as number);
}

/** The context without its routing hint (`readFrom`): what a stored version keeps. */
export function causalPart(context: CausalContext): CausalContext {
  return context.readFrom === undefined ? context : { clock: context.clock };
}

/** The context with one more dot in it (the same object when it was there already). */
export function withDot(context: CausalContext, dot: Dot): CausalContext {
  const clock = context.clock;
  const i = entryAt(clock, dot.actor);
  if (i < 0) {
    const out = clock.slice();
    if (dot.counter > 1) out.push(dot.actor, dot.counter, dot.timeMs, 1, 1, dot.counter - 1);
    else out.push(dot.actor, dot.counter, dot.timeMs, 0);
    return withClock(context, out);
  }
  const counter = clock[i + 1] as number;
  const timeMs = clock[i + 2] as number;
  if (dot.counter === counter + 1 && clock[i + 3] === 0) {
    // The common case, in place in a copy: the actor's next event, none missing.
    const out = clock.slice();
    out[i + 1] = dot.counter;
    out[i + 2] = Math.max(timeMs, dot.timeMs);
    return withClock(context, out);
  }
  // Already seen (at or below the counter, not in a gap): nothing to build.
  if (dot.counter <= counter && !inGapsAt(clock, i, dot.counter)) return context;
  const gaps = entryFrom(clock, i).gaps ?? [];
  let next: ClockEntry;
  if (dot.counter > counter) {
    const grown = [...gaps];
    if (dot.counter > counter + 1) grown.push([counter + 1, dot.counter - 1]);
    next = entryOf(dot.counter, Math.max(timeMs, dot.timeMs), grown);
  } else {
    next = entryOf(counter, timeMs, splitAround(gaps, dot.counter));
  }
  return withClock(context, replaced(clock, i, next));
}

/**
 * The union of two contexts: an event is in it when it is in either. Returns `a` itself when
 * `b` adds nothing, so a caller can tell that nothing changed. Entries without gaps (nearly
 * all) are joined in place in a copy of `a`'s clock; an entry with gaps is joined as an
 * object and the clock rebuilt around it.
 */
export function joinContexts(a: CausalContext, b: CausalContext): CausalContext {
  if (a === b || a.clock === b.clock) return a;
  const mine = a.clock;
  const theirs = b.clock;
  let out: ClockBuilder | null = null;
  let rebuilt: Map<number, ClockEntry> | null = null;
  let added: number[] | null = null;
  for (let i = 0; i < theirs.length; i += widthAt(theirs, i)) {
    const j = entryAt(mine, theirs[i] as string);
    if (j < 0) {
      (added ??= []).push(i);
      continue;
    }
    const myCounter = mine[j + 1] as number;
    const theirCounter = theirs[i + 1] as number;
    if (mine[j + 3] === 0 && theirs[i + 3] === 0) {
      // Neither missed an event: the union is everything up to the higher counter, with the
      // time of the event that counter names (the later one when both name it).
      const theirTimeMs = theirs[i + 2] as number;
      if (theirCounter < myCounter || (theirCounter === myCounter && theirTimeMs <= (mine[j + 2] as number))) continue;
      out ??= mine.slice();
      out[j + 1] = theirCounter;
      out[j + 2] = theirTimeMs;
      continue;
    }
    if (sameEntry(mine, j, theirs, i)) continue;
    const myEntry = entryFrom(mine, j);
    const joined = joinEntries(myEntry, entryFrom(theirs, i));
    if (joined !== myEntry) (rebuilt ??= new Map()).set(j, joined);
  }
  if (out === null && rebuilt === null && added === null) return a;
  let clock: ClockBuilder = rebuilt === null ? (out ?? mine.slice()) : replacedAll(out ?? mine, rebuilt);
  if (added !== null) for (const i of added) clock = appendEntry(clock, theirs, i);
  return withClock(a, clock);
}

/**
 * `context` with another clock. Built as a literal of the one or two fields a context has: a
 * spread (`{ ...context, clock }`) copied property by property through V8's generic path and
 * was most of the time a join took.
 */
function withClock(context: CausalContext, clock: Clock): CausalContext {
  return context.readFrom === undefined ? { clock } : { clock, readFrom: context.readFrom };
}

/** Calls `visit` with each entry of `clock`, in its order (its gaps as objects). */
export function forEachEntry(clock: Clock, visit: (actor: string, entry: ClockEntry) => void): void {
  for (let i = 0; i < clock.length; i += widthAt(clock, i)) visit(clock[i] as string, entryFrom(clock, i));
}

/** The clock as the API shows it: actor to entry. */
export function clockView(clock: Clock): VectorClock {
  const view: Record<string, ClockEntry> = {};
  forEachEntry(clock, (actor, entry) => {
    view[actor] = entry;
  });
  return view;
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
  let entries: [string, ClockEntry][] = [];
  forEachEntry(context.clock, (actor, entry) => entries.push([actor, entry]));
  let pruned = 0;
  if (entries.length > limits.maxActors) {
    const needed = new Set(live.map((dot) => dot.actor));
    const droppable = entries
      .filter(([actor]) => !needed.has(actor))
      .sort(([x, a], [y, b]) => a.timeMs - b.timeMs || (x < y ? -1 : x > y ? 1 : 0))
      .map(([actor]) => actor);
    const drop = new Set(droppable.slice(0, Math.min(droppable.length, entries.length - limits.maxActors)));
    entries = entries.filter(([actor]) => !drop.has(actor));
    pruned += drop.size;
  }
  for (const pair of entries) {
    const [actor, entry] = pair;
    if ((entry.gaps?.length ?? 0) <= limits.maxGaps) continue;
    const liveCounters = live.filter((dot) => dot.actor === actor).map((dot) => dot.counter);
    pair[1] = forgetOldest(entry, liveCounters, limits.maxGaps);
    pruned++;
  }
  if (pruned === 0) return { context, pruned };
  const clock: ClockBuilder = [];
  for (const [actor, entry] of entries) pushEntry(clock, actor, entry);
  return { context: withClock(context, clock), pruned };
}

/** The common case, checked without allocating: nothing to compact. */
export function withinLimits(context: CausalContext, limits: ContextLimits): boolean {
  const clock = context.clock;
  let actors = 0;
  for (let i = 0; i < clock.length; i += widthAt(clock, i)) {
    if (++actors > limits.maxActors) return false;
    if ((clock[i + 3] as number) > limits.maxGaps) return false;
  }
  return true;
}

// ---- entries as objects, for the rare paths (gaps, bounds) ----------------------------------

/** The entry at `i` as an object (gaps as pairs). */
function entryFrom(clock: Clock, i: number): ClockEntry {
  const counter = clock[i + 1] as number;
  const timeMs = clock[i + 2] as number;
  const gapCount = clock[i + 3] as number;
  if (gapCount === 0) return { counter, timeMs };
  const gaps: Gap[] = [];
  for (let g = i + ENTRY_HEAD, end = g + 2 * gapCount; g < end; g += 2) gaps.push([clock[g] as number, clock[g + 1] as number]);
  return { counter, timeMs, gaps };
}

function pushEntry(out: ClockBuilder, actor: string, entry: ClockEntry): void {
  const gaps = entry.gaps ?? [];
  out.push(actor, entry.counter, entry.timeMs, gaps.length);
  for (const [from, to] of gaps) out.push(from, to);
}

/** `clock` with its entry at `i` appended to `out`. */
function appendEntry(out: ClockBuilder, clock: Clock, i: number): ClockBuilder {
  for (let k = i, end = i + widthAt(clock, i); k < end; k++) out.push(clock[k] as string | number);
  return out;
}

/** A copy of `clock` with the entries starting at the given places replaced (same actors). */
function replacedAll(clock: Clock, entries: ReadonlyMap<number, ClockEntry>): ClockBuilder {
  const out: ClockBuilder = [];
  for (let i = 0; i < clock.length; i += widthAt(clock, i)) {
    const entry = entries.get(i);
    if (entry === undefined) appendEntry(out, clock, i);
    else pushEntry(out, clock[i] as string, entry);
  }
  return out;
}

/** A copy of `clock` with the entry starting at `at` replaced (same actor). */
function replaced(clock: Clock, at: number, entry: ClockEntry): ClockBuilder {
  const out = clock.slice(0, at);
  pushEntry(out, clock[at] as string, entry);
  for (let k = at + widthAt(clock, at); k < clock.length; k++) out.push(clock[k] as string | number);
  return out;
}

/** Whether the entries at `i` of `a` and `j` of `b` are the same, element by element. */
function sameEntry(a: Clock, i: number, b: Clock, j: number): boolean {
  const width = widthAt(a, i);
  if (width !== widthAt(b, j)) return false;
  for (let k = 0; k < width; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/** Whether `counter` is in the gaps of the entry at `i`. */
function inGapsAt(clock: Clock, i: number, counter: number): boolean {
  for (let g = i + ENTRY_HEAD, end = g + 2 * (clock[i + 3] as number); g < end; g += 2) {
    if (counter < (clock[g] as number)) return false;
    if (counter <= (clock[g + 1] as number)) return true;
  }
  return false;
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
