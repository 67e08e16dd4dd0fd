/** How client programs print what they read and wrote: one line per operation, contexts included. */
import { forEachEntry } from '../../core/causal-context.js';
import type { CausalContext, Version } from '../../protocol/data.js';
import type { Failure } from '../../protocol/outcomes.js';

/** A context as `{actor:counter, ...}`, actors sorted (the clock a later write supersedes). */
export function describeContext(context: CausalContext): string {
  const entries: [string, number][] = [];
  forEachEntry(context.clock, (actor, entry) => entries.push([actor, entry.counter]));
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([actor, counter]) => `${actor}:${counter}`).join(', ')}}`;
}

/** The live values of a read: one, `(none)`, or every sibling. */
export function describeVersions(versions: readonly Version[]): string {
  const live = versions.filter((v) => !v.deleted);
  if (live.length === 0) return '(none)';
  if (live.length === 1) return JSON.stringify(live[0]?.value);
  return `${live.length} siblings: ${live.map((v) => JSON.stringify(v.value)).join(' | ')}`;
}

export function describeFailure(failure: Failure): string {
  return `failed: ${failure.code}: ${failure.message}`;
}

export function elapsedMs(startedAt: number): string {
  return `${(performance.now() - startedAt).toFixed(2)} ms`;
}
