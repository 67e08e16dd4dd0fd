/**
 * Vector clocks (paper §4.4): one (counter, time of last update) entry per actor.
 *
 * Clocks are plain frozen objects so they survive structured clone unchanged. Times are
 * passed in by the caller: the core never reads a clock of its own.
 */

/** One actor's entry: how many events it made, and when it last made one. */
export interface ClockEntry {
  readonly counter: number;
  readonly timeMs: number;
}

/** A vector clock: actor id to entry. Absent actors count as zero. */
export type VectorClock = Readonly<Record<string, ClockEntry>>;

/** The causal relation between two clocks. */
export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent';

export const EMPTY_CLOCK: VectorClock = Object.freeze({});

/** Number of actors in the clock. */
export function clockSize(clock: VectorClock): number {
  return Object.keys(clock).length;
}

/** The counter of one actor (0 when absent). */
export function counterOf(clock: VectorClock, actor: string): number {
  return clock[actor]?.counter ?? 0;
}

/** A new clock with `actor`'s counter advanced by one, stamped at `nowMs`. */
export function increment(clock: VectorClock, actor: string, nowMs: number): VectorClock {
  return { ...clock, [actor]: { counter: counterOf(clock, actor) + 1, timeMs: nowMs } };
}

/** A new clock with `actor` raised to at least `counter` (used to fold a dot into a clock). */
export function advanceTo(clock: VectorClock, actor: string, counter: number, timeMs: number): VectorClock {
  const current = clock[actor];
  if (current && current.counter >= counter) return clock;
  return { ...clock, [actor]: { counter, timeMs: Math.max(timeMs, current?.timeMs ?? 0) } };
}

/** How `a` relates to `b`: before (a < b), after (a > b), equal, or concurrent. */
export function compare(a: VectorClock, b: VectorClock): ClockOrder {
  let aAhead = false;
  let bAhead = false;
  for (const actor of Object.keys(a)) {
    const diff = counterOf(a, actor) - counterOf(b, actor);
    if (diff > 0) aAhead = true;
    else if (diff < 0) bAhead = true;
  }
  for (const actor of Object.keys(b)) {
    if (!(actor in a) && counterOf(b, actor) > 0) bAhead = true;
  }
  if (aAhead && bAhead) return 'concurrent';
  if (aAhead) return 'after';
  if (bAhead) return 'before';
  return 'equal';
}

/** True when `a` has seen everything `b` has (a >= b). */
export function descends(a: VectorClock, b: VectorClock): boolean {
  const order = compare(a, b);
  return order === 'after' || order === 'equal';
}

/** The least upper bound: per actor the larger counter, with that entry's time. */
export function merge(a: VectorClock, b: VectorClock): VectorClock {
  if (a === b || clockSize(b) === 0) return a;
  if (clockSize(a) === 0) return b;
  const out: Record<string, ClockEntry> = { ...a };
  for (const [actor, entry] of Object.entries(b)) {
    const mine = out[actor];
    if (!mine || entry.counter > mine.counter) out[actor] = entry;
    else if (entry.counter === mine.counter && entry.timeMs > mine.timeMs) out[actor] = entry;
  }
  return out;
}

/** Result of pruning: the clock and how many entries were dropped. */
export interface PruneResult {
  readonly clock: VectorClock;
  readonly prunedEntries: number;
}

/**
 * Dynamo-style truncation (§4.4): while the clock has more than `maxEntries` actors, drop the
 * entry updated longest ago (ties broken by actor id, so the result is deterministic).
 * Pruning can only make versions look concurrent that were not; it never hides data.
 */
export function prune(clock: VectorClock, maxEntries: number): PruneResult {
  const actors = Object.keys(clock);
  if (actors.length <= maxEntries) return { clock, prunedEntries: 0 };
  const byAge = oldestFirst(clock);
  const dropped = new Set(byAge.slice(0, actors.length - maxEntries));
  const out: Record<string, ClockEntry> = {};
  for (const [actor, entry] of Object.entries(clock)) if (!dropped.has(actor)) out[actor] = entry;
  return { clock: out, prunedEntries: dropped.size };
}

function oldestFirst(clock: VectorClock): string[] {
  return Object.entries(clock)
    .sort(([actorA, a], [actorB, b]) => a.timeMs - b.timeMs || (actorA < actorB ? -1 : actorA > actorB ? 1 : 0))
    .map(([actor]) => actor);
}
