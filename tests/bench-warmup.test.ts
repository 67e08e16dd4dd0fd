import { describe, expect, it } from 'vitest';
import { warmupPhases } from '../bench/warmup.js';

describe('bench warm-up', () => {
  it("runs nine tenths at concurrency 64 and the last tenth at the run's own", () => {
    expect(warmupPhases(60_000, 1)).toEqual([
      { ops: 54_000, concurrency: 64 },
      { ops: 6000, concurrency: 1 },
    ]);
    expect(warmupPhases(200, 4)).toEqual([
      { ops: 180, concurrency: 64 },
      { ops: 20, concurrency: 4 },
    ]);
  });

  it('is one part at the run\'s concurrency where nine tenths would not fill 64 clients once', () => {
    expect(warmupPhases(70, 1)).toEqual([{ ops: 70, concurrency: 1 }]);
    expect(warmupPhases(71, 1)).toEqual([
      { ops: 64, concurrency: 64 },
      { ops: 7, concurrency: 1 },
    ]);
    expect(warmupPhases(1, 1)).toEqual([{ ops: 1, concurrency: 1 }]);
  });

  it('is one part at concurrency 64 and above, and nothing for no requests', () => {
    expect(warmupPhases(1000, 64)).toEqual([{ ops: 1000, concurrency: 64 }]);
    expect(warmupPhases(1000, 256)).toEqual([{ ops: 1000, concurrency: 256 }]);
    expect(warmupPhases(0, 1)).toEqual([]);
  });

  it('runs exactly the requests asked for, ending at the run\'s concurrency', () => {
    for (const ops of [1, 2, 9, 10, 11, 70, 71, 199, 200, 12_345]) {
      for (const concurrency of [1, 16, 63, 64, 100]) {
        const parts = warmupPhases(ops, concurrency);
        expect(parts.reduce((sum, part) => sum + part.ops, 0)).toBe(ops);
        expect(parts.every((part) => part.ops > 0)).toBe(true);
        expect(parts.at(-1)?.concurrency).toBe(concurrency);
      }
    }
  });
});
