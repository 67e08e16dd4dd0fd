/**
 * The topology's chaos rules between the caller and the fault layers: input checked into
 * INVALID_ARGUMENT, the delay budget the tombstone grace period allows, and the client named
 * by its real id on the wire.
 */
import { InvalidChaosRule, type ChaosRule } from '../transport/chaos.js';
import { EngineError } from './engine-error.js';

/** What chaos rules call the client endpoint: its real id is a random one per cluster. */
export const CLIENT_ENDPOINT = 'client';

/** Runs a parse of the caller's rule; anything it throws is the caller's input at fault. */
export function checkedChaosInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    // Anything else reading the caller's object threw (a getter, a proxy): the input is at fault too.
    const message = error instanceof InvalidChaosRule ? error.message : `the rule could not be read: ${String(error)}`;
    throw new EngineError('INVALID_ARGUMENT', `chaos: ${message}`, { cause: error });
  }
}

/** A message held past the grace period could bring a reaped delete back (tombstone-reaper.ts). */
export function checkDelayBudget(rules: readonly ChaosRule[], tombstoneGraceMs: number): void {
  const longestMs = rules.reduce((sum, r) => sum + (r.delayMs?.[1] ?? 0), 0);
  if (longestMs >= tombstoneGraceMs) {
    throw new EngineError('INVALID_ARGUMENT', `delayMs: the rules in force could hold a message ${longestMs} ms, which must stay below tombstoneGraceMs (${tombstoneGraceMs} ms)`);
  }
}

/** The rules as the fault layers see them: the client under its real id. */
export function rulesOnTheWire(rules: readonly ChaosRule[], clientId: string): ChaosRule[] {
  return rules.map((rule) => {
    const wire: { -readonly [K in keyof ChaosRule]: ChaosRule[K] } = { ...rule };
    for (const field of ['node', 'from', 'to'] as const) if (wire[field] === CLIENT_ENDPOINT) wire[field] = clientId;
    return wire;
  });
}
