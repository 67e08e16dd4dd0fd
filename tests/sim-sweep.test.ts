/**
 * The simulator sweep in the test suite: seeded runs under partitions, one-way cuts, slow
 * links, crashes, joins and leaves and chaos (loss, duplication, delay), each judged by the
 * checkers (src/sim/checkers.ts): safety, then liveness once healed (quiet without reads). Every
 * seed derives the whole run, so a failure replays from its number. Seeds 1..40 run every
 * time; the pinned seeds below are runs that caught a bug class (each was found by breaking
 * the engine on purpose the way the bug did, and sweeping).
 */
import { describe, expect, it } from 'vitest';
import { configFor, runSeed } from '../src/sim/sweep.js';

const PINNED: Record<number, string> = {
  39: 'a put routed again after a late forward confirmation: one dot, one version (seed 88 too)',
  88: 'a put routed again after a late forward confirmation: one dot, one version',
  1495: 'a primary answering late and its stand-in count as one slot (acknowledged below W otherwise)',
  2: 'a read-merge-write keeps covering every version it read under pruning (seeds 1, 11 too)',
  5: 'a draining node hears of later leaves and drains (seed 6 too)',
  2910: 'a hint sent just before a reap, arriving after it, does not bring the deleted versions back',
  8388: 'a stale copy in flight when a key is reaped dies against the reaped tombstone',
};

describe('sim sweep - seeded runs under faults, judged by the checkers', () => {
  const seeds = [...Array.from({ length: 40 }, (_, i) => i + 1), ...Object.keys(PINNED).map(Number).filter((seed) => seed > 40)];
  it.each(seeds)('seed %i: no violation', (seed) => {
    const result = runSeed(seed);
    expect(result.violations, `${JSON.stringify(result.config)}\n${result.faults.join('; ')}`).toEqual([]);
    // The run did real work: even the harshest seeds (26: partitions, a 262 ms link to the
    // client, four crashes and leaves in 2 s) attempt ten operations or more.
    expect(result.attempted).toBeGreaterThanOrEqual(10);
  });

  it('the same seed replays the same run', () => {
    const a = runSeed(7);
    const b = runSeed(7);
    expect(b).toEqual(a);
  });

  it('the liveness check has teeth: without anti-entropy, a healed run does not go quiet (replicas nobody read stay different)', () => {
    const result = runSeed(6, { antiEntropy: false });
    expect(result.violations.map((v) => v.check)).toContain('not quiet');
    expect(runSeed(6).violations).toEqual([]);
  });

  it('the seeds cover both coordination modes, crashes, churn, chaos and heavy pruning', () => {
    const configs = Array.from({ length: 40 }, (_, i) => configFor(i + 1));
    expect(new Set(configs.map((c) => c.mode)).size).toBe(2);
    expect(configs.some((c) => c.crashes)).toBe(true);
    expect(configs.some((c) => c.churn)).toBe(true);
    expect(configs.some((c) => c.chaos)).toBe(true);
    expect(configs.some((c) => !c.chaos)).toBe(true);
    expect(configs.some((c) => c.clockPruneAt <= 2)).toBe(true);
    expect(configs.some((c) => c.w >= 2 && c.n >= 3)).toBe(true);
  });
});
