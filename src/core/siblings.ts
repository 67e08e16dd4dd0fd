/**
 * Siblings (paper §4.4): the concurrent versions of a key and the context of everything seen
 * for it, merged the way causal CRDTs (and Riak's DVVSets) merge.
 *
 * A version survives a merge unless the other side's context covers its dot while the other
 * side no longer holds it: then the other side saw it and something superseded it there. So
 * a replica that saw a version die keeps knowing it is dead (its context says so) whatever
 * the context of the write that killed it, and a stale copy met later (a late message, an old
 * hint, a replica that was cut off) is recognised and dropped. The merge is a join: the same
 * result in any order, any grouping, any number of repeats.
 */
import type { CausalContext, Dot, Siblings, Version } from '../protocol/data.js';
import { compactContext, covers, EMPTY_CONTEXT, joinContexts, withDot, withinLimits, type ContextLimits } from './causal-context.js';

export const NO_SIBLINGS: Siblings = Object.freeze({ versions: Object.freeze([]), context: EMPTY_CONTEXT });

/** Same actor and counter. */
function sameDot(a: Dot, b: Dot): boolean {
  return a.actor === b.actor && a.counter === b.counter;
}

function holds(versions: readonly Version[], dot: Dot): boolean {
  for (const version of versions) if (sameDot(version.dot, dot)) return true;
  return false;
}

/** A version of one side survives the other side unless the other saw it and no longer holds it. */
function survives(version: Version, other: Siblings): boolean {
  return holds(other.versions, version.dot) || !covers(other.context, version.dot);
}

/** A version of one side is new to the other unless the other holds it or saw it superseded. */
function isNewTo(version: Version, other: Siblings): boolean {
  return !holds(other.versions, version.dot) && !covers(other.context, version.dot);
}

/** Every version of `side` survives `other` (a loop: `every` with a closure made one per merge). */
function allSurvive(side: Siblings, other: Siblings): boolean {
  for (const version of side.versions) if (!survives(version, other)) return false;
  return true;
}

/** Some version of `side` is new to `other`. */
function anyNewTo(side: Siblings, other: Siblings): boolean {
  for (const version of side.versions) if (isNewTo(version, other)) return true;
  return false;
}

/**
 * What a write of `version` over `context` (what its writer had seen) adds to a key: the
 * version, and the context with its own dot, so every version the context covers is
 * superseded wherever this meets it.
 */
export function writeOf(version: Version, context: CausalContext): Siblings {
  return { versions: [version], context: withDot(context, version.dot) };
}

/**
 * No versions and an empty context: what a replica that never saw the key answers. A copy of
 * NO_SIBLINGS that came over a port is not the constant itself, so identity is not enough.
 */
function isEmpty(s: Siblings): boolean {
  if (s === NO_SIBLINGS) return true;
  return s.versions.length === 0 && s.context.clock.length === 0;
}

/** The join of two sibling sets; `a` itself when `b` adds nothing, so callers can skip a store. */
export function mergeSiblings(a: Siblings, b: Siblings): Siblings {
  if (a === b || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  const context = joinContexts(a.context, b.context);
  // Most merges change nothing (a replica meets a copy it holds, a coordinator merges equal
  // answers): that is decided before any array is made.
  if (context === a.context && allSurvive(a, b) && !anyNewTo(b, a)) return a;
  const versions: Version[] = [];
  for (const version of a.versions) if (survives(version, b)) versions.push(version);
  for (const version of b.versions) if (isNewTo(version, a)) versions.push(version);
  return { versions, context };
}

/** True when `holder` has everything `wanted` would bring (every version, or what superseded it). */
export function includesAll(holder: Siblings, wanted: Siblings): boolean {
  return mergeSiblings(holder, wanted) === holder;
}

/** The dots of the versions held. */
export function liveDots(siblings: Siblings): Dot[] {
  return siblings.versions.map((version) => version.dot);
}

/**
 * Siblings as stored: their context bounded (the versions' own dots always stay covered).
 * `pruned` counts what the bound dropped.
 */
export function boundSiblings(siblings: Siblings, limits: ContextLimits): { siblings: Siblings; pruned: number } {
  const { context, pruned } = boundedContext(siblings, limits);
  return pruned === 0 ? { siblings, pruned } : { siblings: { versions: siblings.versions, context }, pruned };
}

/**
 * The siblings' context bounded by `limits`, the versions' own dots kept covered; `pruned`
 * counts the entries dropped. Within the limits (nearly always) it is the context itself, and
 * the list of live dots is not made.
 */
export function boundedContext(siblings: Siblings, limits: ContextLimits): { context: CausalContext; pruned: number } {
  if (withinLimits(siblings.context, limits)) return { context: siblings.context, pruned: 0 };
  return compactContext(siblings.context, liveDots(siblings), limits);
}
