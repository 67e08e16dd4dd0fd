/**
 * Sloppy quorum (paper §4.6): a request goes to the first N healthy nodes of the extended
 * preference list, not to the N primaries whatever their state. Each of the key's N primaries
 * is a slot; a fallback that stands in for a primary carries a hint naming it, and its copy
 * counts for that primary's slot only. Quorums count slots, never messages: a primary's late
 * answer and its stand-in's answer are one copy's worth, because once the hint is delivered
 * and dropped they are one copy.
 */

/** One replica a request is sent to; `hintFor` names the primary a fallback stands in for. */
export interface Target {
  readonly node: string;
  readonly hintFor: string | null;
}

/** The primary whose copy a target holds. */
export function slotOf(target: Target): string {
  return target.hintFor ?? target.node;
}

/** Takes the targets chosen, one call each, in slot order (the fan-out, which records them without a Target each). */
export interface TargetSink {
  target(node: string, hintFor: string | null): void;
}

/**
 * The first `n` healthy nodes of the preference list: every healthy primary, and for each
 * suspected primary the next healthy fallback, carrying a hint naming that primary. When no
 * fallback is left, the suspected primary itself is tried: suspicion may be stale. Each is
 * handed to `sink`, one per primary, in the primaries' order.
 */
export function chooseTargetsInto(preferenceList: readonly string[], n: number, isSuspect: (node: string) => boolean, sink: TargetSink): void {
  const primaries = Math.min(n, preferenceList.length);
  // Fallbacks are looked for only when a primary is suspected (every request asks this, and
  // nearly always every primary is healthy).
  let nextFallback = primaries;
  for (let i = 0; i < primaries; i++) {
    const primary = preferenceList[i] as string;
    if (!isSuspect(primary)) {
      sink.target(primary, null);
      continue;
    }
    while (nextFallback < preferenceList.length && isSuspect(preferenceList[nextFallback] as string)) nextFallback++;
    const fallback = preferenceList[nextFallback++];
    if (fallback === undefined) sink.target(primary, null);
    else sink.target(fallback, primary);
  }
}

/** The targets chooseTargetsInto picks, as a list. */
export function chooseTargets(preferenceList: readonly string[], n: number, isSuspect: (node: string) => boolean): Target[] {
  const targets: Target[] = [];
  chooseTargetsInto(preferenceList, n, isSuspect, { target: (node, hintFor) => targets.push({ node, hintFor }) });
  return targets;
}

/**
 * A new stand-in for `slot` after its attempt went silent: the slot's own primary when it
 * was never tried and is not suspected (its suspicion lapsed), or else the first fallback not
 * tried yet and not suspected, with a hint naming the slot. Null when none is left.
 */
export function replacementFor(
  slot: string,
  preferenceList: readonly string[],
  n: number,
  tried: ReadonlySet<string>,
  isSuspect: (node: string) => boolean,
): Target | null {
  if (!tried.has(slot) && !isSuspect(slot)) return { node: slot, hintFor: null };
  const fallback = preferenceList.slice(n).find((node) => !tried.has(node) && !isSuspect(node));
  return fallback === undefined ? null : { node: fallback, hintFor: slot };
}
