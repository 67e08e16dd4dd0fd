import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceTo,
  clockSize,
  compare,
  counterOf,
  descends,
  EMPTY_CLOCK,
  increment,
  merge,
  prune,
  type ClockEntry,
  type ClockOrder,
  type VectorClock,
} from '../src/core/vector-clock.js';

/** Pinned so the properties replay the same runs every time; fast-check prints it on failure anyway. */
const SEED = 20_071_014;

const ACTORS = ['a', 'b', 'c', 'd', 'e'] as const;

const entry: fc.Arbitrary<ClockEntry> = fc.record({ counter: fc.nat({ max: 4 }), timeMs: fc.nat({ max: 50 }) });

/** Clocks over a small actor set, so that random pairs often share actors; absent actors and zero entries both occur. */
const clock: fc.Arbitrary<VectorClock> = fc.record(
  { a: entry, b: entry, c: entry, d: entry, e: entry },
  { requiredKeys: [] },
);

/** Builds a clock from counters, all stamped at `timeMs`. */
function clockOf(counters: Record<string, number>, timeMs = 0): VectorClock {
  return Object.fromEntries(Object.entries(counters).map(([actor, counter]) => [actor, { counter, timeMs }]));
}

/** The reference order: counters compared actor by actor over the union of actors, absent = 0. */
function naiveCompare(a: VectorClock, b: VectorClock): ClockOrder {
  const actors = new Set([...Object.keys(a), ...Object.keys(b)]);
  const aLeB = [...actors].every((x) => counterOf(a, x) <= counterOf(b, x));
  const bLeA = [...actors].every((x) => counterOf(b, x) <= counterOf(a, x));
  if (aLeB && bLeA) return 'equal';
  if (aLeB) return 'before';
  if (bLeA) return 'after';
  return 'concurrent';
}

const mirror: Record<ClockOrder, ClockOrder> = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' };

describe('vector clock - increment', () => {
  it('vector clock - increment advances only that actor by one and stamps it with the given time', () => {
    const start = Object.freeze(clockOf({ a: 2, b: 1 }, 5));
    const next = increment(start, 'a', 40);
    expect(next).toEqual({ a: { counter: 3, timeMs: 40 }, b: { counter: 1, timeMs: 5 } });
    // The input is untouched: clocks are values.
    expect(start).toEqual(clockOf({ a: 2, b: 1 }, 5));
    expect(compare(next, start)).toBe('after');
  });

  it('vector clock - increment of an absent actor starts it at 1', () => {
    expect(increment(EMPTY_CLOCK, 'x', 7)).toEqual({ x: { counter: 1, timeMs: 7 } });
    expect(clockSize(EMPTY_CLOCK)).toBe(0);
  });

  it('vector clock - an incremented clock always descends the original and is never equal to it', () => {
    fc.assert(
      fc.property(clock, fc.constantFrom(...ACTORS), fc.nat({ max: 100 }), (c, actor, nowMs) => {
        const next = increment(c, actor, nowMs);
        expect(compare(next, c)).toBe('after');
        expect(counterOf(next, actor)).toBe(counterOf(c, actor) + 1);
        for (const other of ACTORS) if (other !== actor) expect(next[other]).toEqual(c[other]);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('vector clock - advanceTo raises an actor to a counter but never lowers it', () => {
    const c = clockOf({ a: 3 }, 10);
    expect(advanceTo(c, 'a', 2, 99)).toBe(c);
    expect(advanceTo(c, 'a', 3, 99)).toBe(c);
    expect(advanceTo(c, 'a', 5, 4)).toEqual({ a: { counter: 5, timeMs: 10 } });
    expect(advanceTo(c, 'b', 2, 4)).toEqual({ a: { counter: 3, timeMs: 10 }, b: { counter: 2, timeMs: 4 } });
  });
});

describe('vector clock - compare', () => {
  it('vector clock - compare tells before, after, equal and concurrent apart', () => {
    expect(compare(clockOf({ a: 1 }), clockOf({ a: 2 }))).toBe('before');
    expect(compare(clockOf({ a: 2 }), clockOf({ a: 1 }))).toBe('after');
    expect(compare(clockOf({ a: 1, b: 2 }), clockOf({ a: 1, b: 2 }))).toBe('equal');
    expect(compare(clockOf({ a: 2, b: 1 }), clockOf({ a: 1, b: 2 }))).toBe('concurrent');
    expect(compare(EMPTY_CLOCK, EMPTY_CLOCK)).toBe('equal');
  });

  it('vector clock - an actor absent from one side counts as zero', () => {
    expect(compare(clockOf({ a: 1 }), clockOf({ a: 1, b: 1 }))).toBe('before');
    expect(compare(clockOf({ a: 1, b: 1 }), clockOf({ a: 1 }))).toBe('after');
    expect(compare(clockOf({ a: 1 }), clockOf({ b: 1 }))).toBe('concurrent');
    expect(compare(EMPTY_CLOCK, clockOf({ b: 1 }))).toBe('before');
  });

  it('vector clock - a zero entry is the same as an absent actor', () => {
    expect(compare(clockOf({ a: 1, b: 0 }), clockOf({ a: 1 }))).toBe('equal');
    expect(compare(clockOf({ a: 1 }), clockOf({ a: 1, b: 0 }))).toBe('equal');
    expect(compare(clockOf({ b: 0 }), EMPTY_CLOCK)).toBe('equal');
    expect(compare(clockOf({ a: 0 }), clockOf({ b: 0 }))).toBe('equal');
    expect(compare(clockOf({ a: 0 }), clockOf({ b: 1 }))).toBe('before');
    expect(descends(clockOf({ a: 0 }), EMPTY_CLOCK)).toBe(true);
  });

  it('vector clock - compare matches a naive actor-by-actor comparison and mirrors when swapped', () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        const order = compare(a, b);
        expect(order).toBe(naiveCompare(a, b));
        expect(compare(b, a)).toBe(mirror[order]);
        expect(compare(a, a)).toBe('equal');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('vector clock - descends holds exactly for after and equal', () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        const order = compare(a, b);
        expect(descends(a, b)).toBe(order === 'after' || order === 'equal');
        // Both ways only when equal; neither way only when concurrent.
        expect(descends(a, b) && descends(b, a)).toBe(order === 'equal');
        expect(!descends(a, b) && !descends(b, a)).toBe(order === 'concurrent');
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('vector clock - merge', () => {
  it('vector clock - merge takes the larger counter per actor, with that entry time', () => {
    const a = { x: { counter: 3, timeMs: 30 }, y: { counter: 1, timeMs: 10 } };
    const b = { y: { counter: 2, timeMs: 5 }, z: { counter: 1, timeMs: 7 } };
    expect(merge(a, b)).toEqual({ x: { counter: 3, timeMs: 30 }, y: { counter: 2, timeMs: 5 }, z: { counter: 1, timeMs: 7 } });
  });

  it('vector clock - merge of equal counters keeps the later time, whichever side it is on', () => {
    const early = { x: { counter: 2, timeMs: 1 } };
    const late = { x: { counter: 2, timeMs: 9 } };
    expect(merge(early, late)).toEqual(late);
    expect(merge(late, early)).toEqual(late);
  });

  it('vector clock - merge is commutative', () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        expect(merge(a, b)).toEqual(merge(b, a));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('vector clock - merge is associative', () => {
    fc.assert(
      fc.property(clock, clock, clock, (a, b, c) => {
        expect(merge(merge(a, b), c)).toEqual(merge(a, merge(b, c)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('vector clock - merge is idempotent', () => {
    fc.assert(
      fc.property(clock, clock, (a, b) => {
        expect(merge(a, a)).toEqual(a);
        const ab = merge(a, b);
        expect(merge(ab, b)).toEqual(ab);
        expect(merge(ab, a)).toEqual(ab);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('vector clock - a merge descends both inputs and is the least such clock', () => {
    fc.assert(
      fc.property(clock, clock, clock, (a, b, c) => {
        const m = merge(a, b);
        expect(descends(m, a)).toBe(true);
        expect(descends(m, b)).toBe(true);
        // Least upper bound: every clock that descends both also descends the merge.
        if (descends(c, a) && descends(c, b)) expect(descends(c, m)).toBe(true);
        for (const actor of ACTORS) expect(counterOf(m, actor)).toBe(Math.max(counterOf(a, actor), counterOf(b, actor)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('vector clock - prune', () => {
  it('vector clock - prune never drops anything at or below the limit', () => {
    const c = clockOf({ a: 1, b: 2, c: 3 });
    expect(prune(c, 3)).toEqual({ clock: c, prunedEntries: 0 });
    expect(prune(c, 10)).toEqual({ clock: c, prunedEntries: 0 });
    expect(prune(EMPTY_CLOCK, 0)).toEqual({ clock: EMPTY_CLOCK, prunedEntries: 0 });
  });

  it('vector clock - prune drops the entries updated longest ago first', () => {
    const c = {
      a: { counter: 5, timeMs: 30 },
      b: { counter: 9, timeMs: 10 },
      c: { counter: 1, timeMs: 20 },
      d: { counter: 2, timeMs: 40 },
    };
    expect(prune(c, 3)).toEqual({ clock: { a: c.a, c: c.c, d: c.d }, prunedEntries: 1 });
    expect(prune(c, 2)).toEqual({ clock: { a: c.a, d: c.d }, prunedEntries: 2 });
    expect(prune(c, 0)).toEqual({ clock: {}, prunedEntries: 4 });
  });

  it('vector clock - prune breaks time ties by actor id, whatever the insertion order', () => {
    const forward = { a: { counter: 1, timeMs: 10 }, b: { counter: 1, timeMs: 10 }, c: { counter: 1, timeMs: 20 } };
    const backward = { c: { counter: 1, timeMs: 20 }, b: { counter: 1, timeMs: 10 }, a: { counter: 1, timeMs: 10 } };
    expect(prune(forward, 2).clock).toEqual({ b: forward.b, c: forward.c });
    expect(prune(backward, 2).clock).toEqual({ b: forward.b, c: forward.c });
    expect(prune(backward, 1)).toEqual({ clock: { c: forward.c }, prunedEntries: 2 });
  });

  it('vector clock - prune keeps the newest max entries unchanged and reports how many it dropped', () => {
    fc.assert(
      fc.property(clock, fc.nat({ max: 6 }), (c, max) => {
        const { clock: pruned, prunedEntries } = prune(c, max);
        const size = clockSize(c);
        expect(clockSize(pruned)).toBe(Math.min(size, max));
        expect(prunedEntries).toBe(size - clockSize(pruned));
        // Kept entries are copied as they were; every dropped one is no newer than every kept one.
        for (const [actor, kept] of Object.entries(pruned)) expect(kept).toEqual(c[actor]);
        const dropped = Object.entries(c).filter(([actor]) => !(actor in pruned));
        for (const [droppedActor, d] of dropped) {
          for (const [keptActor, k] of Object.entries(pruned)) {
            expect(d.timeMs < k.timeMs || (d.timeMs === k.timeMs && droppedActor < keptActor)).toBe(true);
          }
        }
        // Pruning only forgets: the original clock still descends the pruned one.
        expect(descends(c, pruned)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('vector clock - prune is deterministic whatever the order the entries were inserted in', () => {
    fc.assert(
      fc.property(clock, fc.nat({ max: 5 }), (c, max) => {
        const reversed: VectorClock = Object.fromEntries(Object.entries(c).reverse());
        expect(prune(reversed, max)).toEqual(prune(c, max));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
