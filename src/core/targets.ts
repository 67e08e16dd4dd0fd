/**
 * Choosing replicas from the extended preference list (paper §4.3, §4.6).
 */

/** One replica a request is sent to; `hintFor` names the owner a fallback stands in for. */
export interface Target {
  readonly node: string;
  readonly hintFor: string | null;
}

/**
 * The first `n` healthy nodes of the preference list: every healthy primary, and for each
 * suspected primary the next healthy fallback, carrying a hint naming that primary. When
 * no fallback is left, the suspected primary itself is tried: suspicion may be stale.
 */
export function chooseTargets(preferenceList: readonly string[], n: number, isSuspect: (node: string) => boolean): Target[] {
  const primaries = preferenceList.slice(0, n);
  const fallbacks = preferenceList.slice(n).filter((node) => !isSuspect(node));
  const targets: Target[] = [];
  let nextFallback = 0;
  for (const primary of primaries) {
    if (!isSuspect(primary)) {
      targets.push({ node: primary, hintFor: null });
      continue;
    }
    const fallback = fallbacks[nextFallback++];
    targets.push(fallback === undefined ? { node: primary, hintFor: null } : { node: fallback, hintFor: primary });
  }
  return targets;
}

/**
 * The node that replaces a replica which did not answer in time: the first node of the
 * preference list not tried yet and not suspected. It inherits the hint (or, when the silent
 * node was a primary, a hint naming it).
 */
export function replacementFor(
  failed: Target,
  preferenceList: readonly string[],
  tried: ReadonlySet<string>,
  isSuspect: (node: string) => boolean,
  primaries: ReadonlySet<string>,
): Target | null {
  const node = preferenceList.find((candidate) => !tried.has(candidate) && !isSuspect(candidate));
  if (node === undefined) return null;
  const owner = failed.hintFor ?? (primaries.has(failed.node) ? failed.node : null);
  return { node, hintFor: primaries.has(node) ? null : owner };
}
