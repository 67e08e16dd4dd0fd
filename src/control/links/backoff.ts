/**
 * How long a dialer waits before its next attempt: doubling from `initialMs` up to `maxMs`,
 * with "equal jitter" (half the delay fixed, half random) so that controllers which lost a
 * peer at the same moment do not all dial it again at the same moment.
 */

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 5000 };

/**
 * @param failures attempts that failed since the last authenticated connection (0 for the first retry)
 * @param random a number in [0, 1), injected so tests can pin it
 */
export function backoffDelayMs(failures: number, backoff: Backoff, random: number): number {
  // 2 ** 30 is far past any sane maxMs; capping the exponent keeps the arithmetic finite.
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 30));
  return ceiling / 2 + (random * ceiling) / 2;
}
