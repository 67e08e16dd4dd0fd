/**
 * A few hundred seeds in the suite: seeds 41..300 through the simulator CLI's pool (seeds
 * 1..40 and the pinned ones run one by one in sim-sweep.test.ts). A failure names each seed,
 * its violations and the command that replays it with a trace.
 */
import { describe, expect, it } from 'vitest';
import { runSeedsInPool } from '../sim/pool.js';
import { formatFailure } from '../sim/report.js';

const FROM = 41;
const COUNT = 260;

describe('sim seeds - a few hundred seeds in the pool', () => {
  it(`seeds ${FROM}..${FROM + COUNT - 1}: no violation`, { timeout: 180_000 }, async () => {
    let batches = 0;
    const tally = await runSeedsInPool({ from: FROM, count: COUNT, threads: 2, onBatch: () => batches++ });
    expect(tally.failures.map((failure) => formatFailure(failure)).join('\n')).toBe('');
    expect(tally.seeds).toBe(COUNT);
    expect(batches).toBe(26);
    expect(tally.acknowledged).toBeGreaterThan(COUNT * 20);
    for (const kind of ['partition', 'cut', 'slow', 'heal', 'crash', 'restart', 'join', 'leave']) expect(tally.faults[kind], kind).toBeGreaterThan(0);
  });
});
