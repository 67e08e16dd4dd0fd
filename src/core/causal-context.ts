/**
 * Causal contexts: the exact set of write events ("dots") a client has seen.
 *
 * A plain vector clock covers every counter up to its maximum, so a reader that saw an
 * actor's 5th write but not its concurrent 4th would silently supersede the 4th. A context
 * here is a vector clock plus the dots that do not fit contiguously into it (the "dot
 * cloud" of dotted version vectors), which keeps the set exact: a put supersedes precisely
 * the versions its context came from. This is how two puts carrying the same context stay
 * siblings even through the same coordinator (Riak's lesson with dotted version vectors).
 */
import { advanceTo, counterOf, EMPTY_CLOCK, merge as mergeClocks, type VectorClock } from './vector-clock.js';

/** One write event: the actor that made it, its counter, and when it was made. */
export interface Dot {
  readonly actor: string;
  readonly counter: number;
  readonly timeMs: number;
}

/** The exact set of dots seen: everything up to `clock`, plus the `dots` beyond it. */
export interface CausalContext {
  readonly clock: VectorClock;
  readonly dots: readonly Dot[];
  /**
   * The node that answered the read (or took the write) this context came from. In node
   * coordination mode the next write goes there, as paper §5 suggests: it is in the key's
   * preference list, so no forward is needed, and it has just seen the versions.
   */
  readonly readFrom?: string;
}

export const EMPTY_CONTEXT: CausalContext = Object.freeze({ clock: EMPTY_CLOCK, dots: Object.freeze([]) });

/** True when the dot belongs to the context's set of seen events. */
export function covers(context: CausalContext, dot: Dot): boolean {
  if (counterOf(context.clock, dot.actor) >= dot.counter) return true;
  return context.dots.some((d) => d.actor === dot.actor && d.counter === dot.counter);
}

/** The highest counter of `actor` the context has seen (0 when none). */
export function highestCounter(context: CausalContext, actor: string): number {
  let highest = counterOf(context.clock, actor);
  for (const dot of context.dots) if (dot.actor === actor && dot.counter > highest) highest = dot.counter;
  return highest;
}

/** Same actor and counter. */
export function sameDot(a: Dot, b: Dot): boolean {
  return a.actor === b.actor && a.counter === b.counter;
}

/** The context with one more dot in it. */
export function withDot(context: CausalContext, dot: Dot): CausalContext {
  if (covers(context, dot)) return context;
  return normalize(context.clock, [...context.dots, dot]);
}

/** The union of two contexts. */
export function mergeContexts(a: CausalContext, b: CausalContext): CausalContext {
  if (a === b || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  return normalize(mergeClocks(a.clock, b.clock), [...a.dots, ...b.dots]);
}

/** True for the context of a blind write. */
export function isEmpty(context: CausalContext): boolean {
  return context.dots.length === 0 && Object.keys(context.clock).length === 0;
}

/** Number of actors the context mentions (what pruning bounds). */
export function contextActors(context: CausalContext): number {
  const actors = new Set(Object.keys(context.clock));
  for (const dot of context.dots) actors.add(dot.actor);
  return actors.size;
}

/** The context as one vector clock, for display: every dot folded in as a maximum. */
export function contextAsClock(context: CausalContext): VectorClock {
  let clock = context.clock;
  for (const dot of context.dots) clock = advanceTo(clock, dot.actor, dot.counter, dot.timeMs);
  return clock;
}

/**
 * Drops the actors updated longest ago until at most `maxActors` remain (§4.4). A pruned
 * context covers fewer versions, so a later write keeps more siblings: never fewer.
 */
export function pruneContext(context: CausalContext, maxActors: number): { context: CausalContext; prunedEntries: number } {
  // The common case, checked without building anything: few enough entries to name at most
  // `maxActors` actors.
  if (Object.keys(context.clock).length + context.dots.length <= maxActors) return { context, prunedEntries: 0 };
  const lastUpdate = new Map<string, number>();
  for (const [actor, entry] of Object.entries(context.clock)) lastUpdate.set(actor, entry.timeMs);
  for (const dot of context.dots) lastUpdate.set(dot.actor, Math.max(lastUpdate.get(dot.actor) ?? 0, dot.timeMs));
  if (lastUpdate.size <= maxActors) return { context, prunedEntries: 0 };
  const oldestFirst = [...lastUpdate.entries()]
    .sort(([actorA, a], [actorB, b]) => a - b || (actorA < actorB ? -1 : actorA > actorB ? 1 : 0))
    .map(([actor]) => actor);
  const dropped = new Set(oldestFirst.slice(0, lastUpdate.size - maxActors));
  const clock: Record<string, VectorClock[string]> = {};
  for (const [actor, entry] of Object.entries(context.clock)) if (!dropped.has(actor)) clock[actor] = entry;
  const dots = context.dots.filter((d) => !dropped.has(d.actor));
  return { context: { clock, dots }, prunedEntries: dropped.size };
}

/**
 * Folds dots that extend the clock contiguously into it and drops duplicates. Sorting by
 * actor then counter lets one pass fold a whole run (2 then 3 onto a clock at 1).
 */
function normalize(clockIn: VectorClock, dotsIn: readonly Dot[]): CausalContext {
  let clock = clockIn;
  const sorted = [...dotsIn].sort((a, b) => (a.actor < b.actor ? -1 : a.actor > b.actor ? 1 : a.counter - b.counter));
  const dots: Dot[] = [];
  for (const dot of sorted) {
    const have = counterOf(clock, dot.actor);
    if (dot.counter <= have) continue;
    if (dot.counter === have + 1) clock = advanceTo(clock, dot.actor, dot.counter, dot.timeMs);
    else if (!dots.some((d) => sameDot(d, dot))) dots.push(dot);
  }
  return { clock, dots };
}
