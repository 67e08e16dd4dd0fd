import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextActors,
  contextAsClock,
  covers,
  EMPTY_CONTEXT,
  isEmpty,
  mergeContexts,
  pruneContext,
  sameDot,
  withDot,
  type CausalContext,
  type Dot,
} from '../src/core/causal-context.js';
import { counterOf, type ClockEntry, type VectorClock } from '../src/core/vector-clock.js';

/** Pinned so the properties replay the same runs every time; fast-check prints it on failure anyway. */
const SEED = 20_071_015;

const ACTORS = ['a', 'b', 'c', 'd'] as const;
const MAX_COUNTER = 7;

function dot(actor: string, counter: number, timeMs = 0): Dot {
  return { actor, counter, timeMs };
}

/** A context folded from dots, one `withDot` at a time, starting from `base`. */
function contextOf(dots: readonly Dot[], base: CausalContext = EMPTY_CONTEXT): CausalContext {
  return dots.reduce(withDot, base);
}

/** Every dot a test ever asks about: each actor, counters 1..MAX_COUNTER. */
const ALL_DOTS: readonly Dot[] = ACTORS.flatMap((actor) => Array.from({ length: MAX_COUNTER }, (_, i) => dot(actor, i + 1)));

const dotArb: fc.Arbitrary<Dot> = fc.record({
  actor: fc.constantFrom(...ACTORS),
  counter: fc.integer({ min: 1, max: MAX_COUNTER }),
  timeMs: fc.nat({ max: 100 }),
});
const dotsArb = fc.array(dotArb, { maxLength: 14 });

const entryArb: fc.Arbitrary<ClockEntry> = fc.record({ counter: fc.nat({ max: 3 }), timeMs: fc.nat({ max: 100 }) });
const baseClockArb: fc.Arbitrary<VectorClock> = fc.record({ a: entryArb, b: entryArb, c: entryArb, d: entryArb }, { requiredKeys: [] });

/** A well-formed context: a random base clock, then random dots added one by one. */
const contextArb: fc.Arbitrary<{ context: CausalContext; model: (d: Dot) => boolean }> = fc
  .tuple(baseClockArb, dotsArb)
  .map(([clock, dots]) => ({
    context: contextOf(dots, { clock, dots: [] }),
    // The set the context stands for, computed naively: the clock's down-set plus every dot added.
    model: (d: Dot) => d.counter <= counterOf(clock, d.actor) || dots.some((x) => sameDot(x, d)),
  }));

/** The representation invariant: the dot cloud holds only gaps, each once. */
function expectNormalized(context: CausalContext): void {
  context.dots.forEach((d, i) => {
    expect(d.counter).toBeGreaterThan(counterOf(context.clock, d.actor) + 1);
    expect(context.dots.findIndex((other) => sameDot(other, d))).toBe(i);
  });
}

describe('causal context - covers and withDot', () => {
  it('causal context - the empty context covers nothing', () => {
    for (const d of ALL_DOTS) expect(covers(EMPTY_CONTEXT, d)).toBe(false);
    expect(isEmpty(EMPTY_CONTEXT)).toBe(true);
  });

  it('causal context - the clock covers every counter up to its own, the dots only themselves', () => {
    const context: CausalContext = { clock: { a: { counter: 2, timeMs: 0 } }, dots: [dot('a', 5), dot('b', 3)] };
    expect(covers(context, dot('a', 1))).toBe(true);
    expect(covers(context, dot('a', 2))).toBe(true);
    expect(covers(context, dot('a', 3))).toBe(false);
    expect(covers(context, dot('a', 4))).toBe(false);
    expect(covers(context, dot('a', 5))).toBe(true);
    expect(covers(context, dot('a', 6))).toBe(false);
    expect(covers(context, dot('b', 1))).toBe(false);
    expect(covers(context, dot('b', 3))).toBe(true);
    // The time of a dot is not part of its identity.
    expect(covers(context, dot('a', 5, 999))).toBe(true);
  });

  it('causal context - withDot folds a dot that extends the clock contiguously into it', () => {
    const one = withDot(EMPTY_CONTEXT, dot('a', 1, 10));
    expect(one).toEqual({ clock: { a: { counter: 1, timeMs: 10 } }, dots: [] });
    const two = withDot(one, dot('a', 2, 20));
    expect(two).toEqual({ clock: { a: { counter: 2, timeMs: 20 } }, dots: [] });
  });

  it('causal context - withDot keeps a dot beyond a gap as a dot, so the missing counters stay uncovered', () => {
    const context = withDot(withDot(EMPTY_CONTEXT, dot('a', 1)), dot('a', 3));
    expect(context.clock).toEqual({ a: { counter: 1, timeMs: 0 } });
    expect(context.dots).toEqual([dot('a', 3)]);
    expect(covers(context, dot('a', 2))).toBe(false);
    expect(covers(context, dot('a', 3))).toBe(true);
  });

  it('causal context - withDot folds a whole run once the gap is filled', () => {
    const gappy = contextOf([dot('a', 1), dot('a', 4), dot('a', 3)]);
    expect(gappy.dots).toHaveLength(2);
    const filled = withDot(gappy, dot('a', 2, 7));
    expect(filled.dots).toEqual([]);
    expect(counterOf(filled.clock, 'a')).toBe(4);
  });

  it('causal context - withDot of a covered dot returns the same context', () => {
    const context = contextOf([dot('a', 1), dot('a', 2), dot('b', 4)]);
    expect(withDot(context, dot('a', 1))).toBe(context);
    expect(withDot(context, dot('b', 4))).toBe(context);
  });

  it('causal context - withDot adds exactly one dot to the set and keeps the representation normal', () => {
    fc.assert(
      fc.property(contextArb, dotArb, ({ context, model }, added) => {
        const next = withDot(context, added);
        for (const d of ALL_DOTS) expect(covers(next, d)).toBe(model(d) || sameDot(d, added));
        expectNormalized(next);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('causal context - a context built from dots covers exactly those dots', () => {
    fc.assert(
      fc.property(dotsArb, (dots) => {
        const context = contextOf(dots);
        for (const d of ALL_DOTS) expect(covers(context, d)).toBe(dots.some((x) => sameDot(x, d)));
        expectNormalized(context);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('causal context - mergeContexts', () => {
  it('causal context - merging folds dots that the other side made contiguous', () => {
    const a = contextOf([dot('a', 1), dot('a', 3)]);
    const b = contextOf([dot('a', 1), dot('a', 2)]);
    const merged = mergeContexts(a, b);
    expect(merged.dots).toEqual([]);
    expect(counterOf(merged.clock, 'a')).toBe(3);
  });

  it('causal context - merging with the empty context returns the other side', () => {
    const a = contextOf([dot('a', 1), dot('b', 3)]);
    expect(mergeContexts(a, EMPTY_CONTEXT)).toBe(a);
    expect(mergeContexts(EMPTY_CONTEXT, a)).toBe(a);
    expect(mergeContexts(a, a)).toBe(a);
  });

  it('causal context - a merge is the set union: it covers a dot exactly when either side does', () => {
    fc.assert(
      fc.property(contextArb, contextArb, (x, y) => {
        const merged = mergeContexts(x.context, y.context);
        for (const d of ALL_DOTS) expect(covers(merged, d)).toBe(covers(x.context, d) || covers(y.context, d));
        expectNormalized(merged);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('causal context - merge is commutative, associative and idempotent in what it covers', () => {
    fc.assert(
      fc.property(contextArb, contextArb, contextArb, (x, y, z) => {
        const a = x.context;
        const b = y.context;
        const c = z.context;
        const coverage = (ctx: CausalContext): boolean[] => ALL_DOTS.map((d) => covers(ctx, d));
        expect(coverage(mergeContexts(a, b))).toEqual(coverage(mergeContexts(b, a)));
        expect(coverage(mergeContexts(mergeContexts(a, b), c))).toEqual(coverage(mergeContexts(a, mergeContexts(b, c))));
        expect(coverage(mergeContexts(a, a))).toEqual(coverage(a));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('causal context - inspection', () => {
  it('causal context - contextActors counts actors of the clock and of the dots once each', () => {
    const context: CausalContext = { clock: { a: { counter: 1, timeMs: 0 } }, dots: [dot('a', 3), dot('b', 2), dot('b', 4)] };
    expect(contextActors(context)).toBe(2);
    expect(contextActors(EMPTY_CONTEXT)).toBe(0);
  });

  it('causal context - contextAsClock folds every dot in as a maximum', () => {
    const context: CausalContext = { clock: { a: { counter: 1, timeMs: 5 } }, dots: [dot('a', 3, 9), dot('b', 2, 4)] };
    expect(contextAsClock(context)).toEqual({ a: { counter: 3, timeMs: 9 }, b: { counter: 2, timeMs: 4 } });
    expect(contextAsClock(EMPTY_CONTEXT)).toEqual({});
  });

  it('causal context - a context with only zero entries is not the empty context but covers nothing', () => {
    const zero: CausalContext = { clock: { a: { counter: 0, timeMs: 0 } }, dots: [] };
    expect(isEmpty(zero)).toBe(false);
    for (const d of ALL_DOTS) expect(covers(zero, d)).toBe(false);
  });
});

describe('causal context - pruneContext', () => {
  it('causal context - pruneContext leaves a context within the limit untouched', () => {
    const context = contextOf([dot('a', 1), dot('b', 3)]);
    expect(pruneContext(context, 2)).toEqual({ context, prunedEntries: 0 });
    expect(pruneContext(context, 2).context).toBe(context);
  });

  it('causal context - pruneContext drops the actors updated longest ago, dots included', () => {
    const context: CausalContext = {
      clock: { a: { counter: 2, timeMs: 10 }, b: { counter: 1, timeMs: 50 } },
      // c lives only in the dot cloud; a's gap dot makes a recent, so b is older than a.
      dots: [dot('a', 4, 60), dot('c', 2, 30)],
    };
    const { context: pruned, prunedEntries } = pruneContext(context, 2);
    expect(prunedEntries).toBe(1);
    expect(pruned).toEqual({ clock: { a: { counter: 2, timeMs: 10 }, b: { counter: 1, timeMs: 50 } }, dots: [dot('a', 4, 60)] });
    const one = pruneContext(context, 1);
    expect(one.prunedEntries).toBe(2);
    expect(one.context).toEqual({ clock: { a: { counter: 2, timeMs: 10 } }, dots: [dot('a', 4, 60)] });
  });

  it('causal context - pruneContext breaks time ties by actor id', () => {
    const context = contextOf([dot('b', 1, 10), dot('a', 1, 10), dot('c', 1, 20)]);
    expect(Object.keys(pruneContext(context, 2).context.clock).sort()).toEqual(['b', 'c']);
  });

  it('causal context - pruning only ever reduces coverage, keeps at most maxActors and drops the oldest', () => {
    fc.assert(
      fc.property(contextArb, fc.nat({ max: 4 }), ({ context }, maxActors) => {
        const { context: pruned, prunedEntries } = pruneContext(context, maxActors);
        const before = contextActors(context);
        expect(contextActors(pruned)).toBe(Math.min(before, maxActors));
        expect(prunedEntries).toBe(before - contextActors(pruned));
        // Never covers more: a later write supersedes fewer versions, never more.
        for (const d of ALL_DOTS) if (covers(pruned, d)) expect(covers(context, d)).toBe(true);
        // A kept actor keeps all its coverage: pruning drops whole actors only.
        const kept = new Set([...Object.keys(pruned.clock), ...pruned.dots.map((d) => d.actor)]);
        for (const d of ALL_DOTS) if (kept.has(d.actor)) expect(covers(pruned, d)).toBe(covers(context, d));
        // Every dropped actor was updated no later than every kept one.
        const lastUpdate = (actor: string): number =>
          Math.max(context.clock[actor]?.timeMs ?? 0, ...context.dots.filter((d) => d.actor === actor).map((d) => d.timeMs));
        const all = new Set([...Object.keys(context.clock), ...context.dots.map((d) => d.actor)]);
        for (const dropped of [...all].filter((actor) => !kept.has(actor))) {
          for (const keptActor of kept) {
            const ok = lastUpdate(dropped) < lastUpdate(keptActor) || (lastUpdate(dropped) === lastUpdate(keptActor) && dropped < keptActor);
            expect(ok).toBe(true);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
