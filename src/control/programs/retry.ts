/**
 * Client programs retry what a retry cannot make wrong. A TIMEOUT (the coordinator did not
 * answer: it may have crashed, and it is now suspected, so the next attempt goes to another
 * node) or a QUORUM_FAILED (too few replicas answered in time) may have left the write done
 * or not; the program decides per operation whether trying again is safe (a read always; a
 * cart's add, which names its unit; not a cart's remove, which could then cancel twice).
 */
import type { Failure } from '../../protocol/outcomes.js';

/** Attempts of one operation, the first included. */
export const ATTEMPTS = 3;

export function isTransient(failure: Failure): boolean {
  return failure.code === 'TIMEOUT' || failure.code === 'QUORUM_FAILED';
}

/** Runs `attempt` until it succeeds, fails for good, or ATTEMPTS are spent; the last outcome and how many tries it took. */
export async function retrying<T extends { readonly ok: true } | Failure>(attempt: () => Promise<T>): Promise<{ outcome: T; tries: number }> {
  let outcome = await attempt();
  let tries = 1;
  while (!outcome.ok && isTransient(outcome) && tries < ATTEMPTS) {
    outcome = await attempt();
    tries++;
  }
  return { outcome, tries };
}

/** ` (after 2 tries)` when it took more than one. */
export function describeTries(tries: number): string {
  return tries > 1 ? ` (after ${tries} tries)` : '';
}
