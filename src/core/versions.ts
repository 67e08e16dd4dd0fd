/**
 * Versions and siblings (paper §4.4): a key holds the set of causally concurrent versions.
 *
 * Each version carries the dot of the write that made it and the causal context that write
 * superseded. Version `b` supersedes `a` exactly when `a`'s dot is in `b`'s context, so the
 * comparison is exact even when an actor made concurrent writes (see causal-context.ts).
 */
import { covers, highestCounter, mergeContexts, sameDot, withDot, contextAsClock, EMPTY_CONTEXT, type CausalContext, type Dot } from './causal-context.js';
import type { VectorClock } from './vector-clock.js';

/** One version of a key's value; deletes are tombstone versions (`deleted: true`). */
export interface Version {
  readonly value: unknown;
  readonly deleted: boolean;
  readonly dot: Dot;
  readonly context: CausalContext;
}

/** The concurrent versions a key holds. Never contains two versions where one supersedes the other. */
export type Siblings = readonly Version[];

/** How a version relates to another. */
export type VersionOrder = 'supersedes' | 'superseded' | 'equal' | 'concurrent';

/** Relates `a` to `b`. */
export function compareVersions(a: Version, b: Version): VersionOrder {
  if (sameDot(a.dot, b.dot)) return 'equal';
  if (covers(a.context, b.dot)) return 'supersedes';
  if (covers(b.context, a.dot)) return 'superseded';
  return 'concurrent';
}

/**
 * Adds a version: it is ignored when an existing version supersedes or equals it; otherwise
 * every version it supersedes is dropped and it joins the concurrent rest. Returns the same
 * array when nothing changed, so callers can skip a write.
 */
export function addVersion(siblings: Siblings, incoming: Version): Siblings {
  for (const existing of siblings) {
    const order = compareVersions(existing, incoming);
    if (order === 'equal' || order === 'supersedes') return siblings;
  }
  const kept = siblings.filter((existing) => !covers(incoming.context, existing.dot));
  return [...kept, incoming];
}

/** Merges two sibling sets (commutative, associative, idempotent up to order). */
export function mergeSiblings(a: Siblings, b: Siblings): Siblings {
  let out = a;
  for (const version of b) out = addVersion(out, version);
  return out;
}

/** The context of a read: every dot the siblings carry or supersede. */
export function contextOf(siblings: Siblings): CausalContext {
  let context = EMPTY_CONTEXT;
  for (const version of siblings) context = withDot(mergeContexts(context, version.context), version.dot);
  return context;
}

/**
 * The highest counter of `actor` these versions know of, in their dots or their contexts.
 * A coordinator mints its next dot for a key above it, so an actor's dots for one key run
 * 1, 2, 3... and fold into vector-clock entries instead of piling up in contexts.
 */
export function highestCounterIn(siblings: Siblings, actor: string): number {
  let highest = 0;
  for (const version of siblings) {
    if (version.dot.actor === actor && version.dot.counter > highest) highest = version.dot.counter;
    highest = Math.max(highest, highestCounter(version.context, actor));
  }
  return highest;
}

/** The version's full clock (its context plus its own dot), for display and inspection. */
export function clockOf(version: Version): VectorClock {
  return contextAsClock(withDot(version.context, version.dot));
}

/** True when both sets hold the same versions (by dot), whatever their order. */
export function sameSiblings(a: Siblings, b: Siblings): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((va) => b.some((vb) => sameDot(va.dot, vb.dot)));
}

/** True when `holder` has every version of `wanted` or one that supersedes it. */
export function includesAll(holder: Siblings, wanted: Siblings): boolean {
  return mergeSiblings(holder, wanted) === holder;
}
