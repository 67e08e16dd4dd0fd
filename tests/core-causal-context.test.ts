/**
 * Causal contexts as version vectors with exceptions, checked against the naive model they
 * stand for: a plain set of (actor, counter) events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clockView,
  compactContext,
  covers,
  EMPTY_CONTEXT,
  highestCounter,
  joinContexts,
  withDot,
} from '../src/core/causal-context.js';
import type { CausalContext, Dot } from '../src/protocol/data.js';
import { isCausalContext } from '../src/protocol/guards.js';
import { clockFromView } from './helpers/clocks.js';

const SEED = 4_404;

const dot = (actor: string, counter: number, timeMs = counter): Dot => ({ actor, counter, timeMs });
const ctx = (...dots: Dot[]): CausalContext => dots.reduce(withDot, EMPTY_CONTEXT);

/** Events as a set of "actor:counter" strings: what a context means. */
type Model = Set<string>;
const event = (d: { actor: string; counter: number }): string => `${d.actor}:${d.counter}`;

const actorArb = fc.constantFrom('a', 'b', 'c', 'd');
const dotArb = fc.record({ actor: actorArb, counter: fc.integer({ min: 1, max: 40 }), timeMs: fc.integer({ min: 0, max: 1000 }) });
/** A context built from random dots, with the set it must stand for. */
const contextArb = fc.array(dotArb, { maxLength: 40 }).map((dots) => ({
  context: ctx(...dots),
  model: new Set(dots.map(event)) as Model,
}));

/** True when `holder` has seen every event `other` has: joining adds nothing to it. */
const includes = (holder: CausalContext, other: CausalContext): boolean => joinContexts(holder, other) === holder;
const actorsOf = (context: CausalContext): number => Object.keys(clockView(context.clock)).length;

/** Every event the context covers, for counters up to 45 (beyond the generators' range). */
function coverage(context: CausalContext): Model {
  const out: Model = new Set();
  for (const actor of ['a', 'b', 'c', 'd', 'e']) for (let c = 1; c <= 45; c++) if (covers(context, dot(actor, c))) out.add(`${actor}:${c}`);
  return out;
}

describe('causal context - covers and withDot', () => {
  it('causal context - the empty context covers nothing', () => {
    expect(covers(EMPTY_CONTEXT, dot('a', 1))).toBe(false);
    expect(coverage(EMPTY_CONTEXT).size).toBe(0);
  });

  it('causal context - dots that run 1, 2, 3 fold into one counter without gaps', () => {
    expect(ctx(dot('a', 1), dot('a', 2), dot('a', 3))).toEqual({ clock: ['a', 3, 3, 0] });
    expect(clockView(ctx(dot('a', 1), dot('a', 2), dot('a', 3)).clock)).toEqual({ a: { counter: 3, timeMs: 3 } });
  });

  it('causal context - a dot beyond a gap keeps the missing counters uncovered, as one gap', () => {
    const context = ctx(dot('a', 1), dot('a', 5));
    expect(clockView(context.clock).a).toEqual({ counter: 5, timeMs: 5, gaps: [[2, 4]] });
    expect([1, 2, 3, 4, 5].map((c) => covers(context, dot('a', c)))).toEqual([true, false, false, false, true]);
  });

  it('causal context - one counter that never arrives costs one gap: later dots still fold', () => {
    let context = ctx(dot('a', 1));
    for (let c = 3; c <= 500; c++) context = withDot(context, dot('a', c));
    expect(clockView(context.clock).a).toEqual({ counter: 500, timeMs: 500, gaps: [[2, 2]] });
  });

  it('causal context - filling a gap splits it, and filling it completely removes it', () => {
    let context = ctx(dot('a', 6));
    context = withDot(context, dot('a', 3));
    expect(clockView(context.clock).a?.gaps).toEqual([[1, 2], [4, 5]]);
    for (const c of [1, 2, 4, 5]) context = withDot(context, dot('a', c));
    expect(clockView(context.clock).a).toEqual({ counter: 6, timeMs: 6 });
  });

  it('causal context - withDot of a covered dot returns the same object', () => {
    const context = ctx(dot('a', 1), dot('a', 2));
    expect(withDot(context, dot('a', 1))).toBe(context);
  });

  it('causal context - built from any dots, it covers exactly those dots and stays well-formed', () => {
    fc.assert(
      fc.property(contextArb, ({ context, model }) => {
        expect(coverage(context)).toEqual(model);
        expect(isCausalContext(structuredClone(context))).toBe(true);
        for (const actor of Object.keys(clockView(context.clock))) {
          const highest = Math.max(...[...model].filter((e) => e.startsWith(`${actor}:`)).map((e) => Number(e.split(':')[1])));
          expect(highestCounter(context, actor)).toBe(highest);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('causal context - the flat clock and the record the API shows', () => {
  it('causal context - a clock shown as a record and read back is the same clock, entry by entry', () => {
    fc.assert(
      fc.property(contextArb, ({ context }) => {
        const view = clockView(context.clock);
        expect(clockFromView(view)).toEqual(context.clock);
        for (const [actor, entry] of Object.entries(view)) {
          expect(highestCounter(context, actor)).toBe(entry.counter);
          for (const [from, to] of entry.gaps ?? []) {
            expect(covers(context, dot(actor, from))).toBe(false);
            expect(covers(context, dot(actor, to))).toBe(false);
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('causal context - actors named like Object properties', () => {
  it('causal context - constructor, toString and valueOf are actors like any other, never Object\'s members', () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'];
    const a = ctx(dot('a', 1));
    const b = ctx(...names.map((name, i) => dot(name, i + 1)));
    expect(covers(a, dot('constructor', 1))).toBe(false);
    expect(highestCounter(a, 'toString')).toBe(0);
    const joined = joinContexts(a, b);
    expect(coverage(joined).size).toBe(0 + 1); // only a:1 is in the checked actor range
    for (const [i, name] of names.entries()) {
      expect(clockView(joined.clock)[name]).toEqual(clockView(b.clock)[name]);
      expect(covers(joined, dot(name, i + 1))).toBe(true);
    }
    expect(includes(joined, b)).toBe(true);
    expect(includes(a, b)).toBe(false);
    expect(clockView(withDot(a, dot('constructor', 3)).clock).constructor).toEqual({ counter: 3, timeMs: 3, gaps: [[1, 2]] });
  });
});

describe('causal context - join and inclusion', () => {
  it('causal context - a join covers an event exactly when either side does', () => {
    fc.assert(
      fc.property(contextArb, contextArb, (a, b) => {
        expect(coverage(joinContexts(a.context, b.context))).toEqual(new Set([...a.model, ...b.model]));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('causal context - join is commutative, associative and idempotent, and returns the left side when the right adds nothing', () => {
    fc.assert(
      fc.property(contextArb, contextArb, contextArb, (a, b, c) => {
        const same = (x: CausalContext, y: CausalContext): void => expect(coverage(x)).toEqual(coverage(y));
        same(joinContexts(a.context, b.context), joinContexts(b.context, a.context));
        same(joinContexts(joinContexts(a.context, b.context), c.context), joinContexts(a.context, joinContexts(b.context, c.context)));
        const ab = joinContexts(a.context, b.context);
        expect(joinContexts(ab, a.context)).toBe(ab);
        expect(joinContexts(ab, b.context)).toBe(ab);
        expect(joinContexts(a.context, EMPTY_CONTEXT)).toBe(a.context);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('causal context - a join returns its left side exactly when the right side is included in it (set inclusion)', () => {
    fc.assert(
      fc.property(contextArb, contextArb, (a, b) => {
        const included = [...b.model].every((e) => a.model.has(e));
        // Times aside: an included side with later times still moves them.
        const timeless = (c: CausalContext): CausalContext => ({ clock: clockFromView(Object.fromEntries(Object.entries(clockView(c.clock)).map(([k, e]) => [k, { ...e, timeMs: 0 }]))) });
        expect(includes(timeless(a.context), timeless(b.context))).toBe(included);
        expect(includes(joinContexts(a.context, b.context), b.context)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('causal context - compaction (what handing a context out may drop)', () => {
  const limitsArb = fc.record({ maxActors: fc.integer({ min: 1, max: 4 }), maxGaps: fc.integer({ min: 0, max: 4 }) });

  it('causal context - compaction only ever removes coverage, and never that of the live dots', () => {
    fc.assert(
      fc.property(contextArb, limitsArb, fc.array(fc.nat(), { maxLength: 4 }), ({ context, model }, limits, picks) => {
        const events = [...model];
        const live = picks.flatMap((p) => {
          const e = events.length > 0 ? events[p % events.length] : undefined;
          if (e === undefined) return [];
          const [actor = '', counter = '0'] = e.split(':');
          return [dot(actor, Number(counter))];
        });
        const { context: compacted, pruned } = compactContext(context, live, limits);
        const after = coverage(compacted);
        for (const e of after) expect(model.has(e)).toBe(true);
        for (const d of live) expect(covers(compacted, d)).toBe(true);
        expect(pruned === 0).toBe(compacted === context);
        expect(isCausalContext(structuredClone(compacted))).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('causal context - compaction bounds actors (beyond those of live dots) and gaps per actor', () => {
    fc.assert(
      fc.property(contextArb, limitsArb, ({ context }, limits) => {
        const { context: compacted } = compactContext(context, [], limits);
        expect(actorsOf(compacted)).toBeLessThanOrEqual(limits.maxActors);
        for (const entry of Object.values(clockView(compacted.clock))) expect(entry.gaps?.length ?? 0).toBeLessThanOrEqual(Math.max(limits.maxGaps, 1));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('causal context - the actors updated longest ago go first, ties by actor id', () => {
    const context = ctx(dot('b', 1, 5), dot('a', 1, 5), dot('c', 1, 9), dot('d', 1, 1));
    const { context: compacted, pruned } = compactContext(context, [], { maxActors: 2, maxGaps: 8 });
    expect(Object.keys(clockView(compacted.clock)).sort()).toEqual(['b', 'c']);
    expect(pruned).toBe(2);
  });

  it('causal context - an actor whose dot is live is kept even past the limit', () => {
    const context = ctx(dot('a', 1, 1), dot('b', 1, 2), dot('c', 1, 3));
    const { context: compacted } = compactContext(context, [dot('a', 1, 1), dot('b', 1, 2)], { maxActors: 1, maxGaps: 8 });
    expect(Object.keys(clockView(compacted.clock)).sort()).toEqual(['a', 'b']);
  });

  it('causal context - past maxGaps the oldest counters are forgotten, the newest detail kept', () => {
    // Two writers interleaving through one actor: the context of one sees every other counter.
    let context = EMPTY_CONTEXT;
    for (let c = 1; c <= 41; c += 2) context = withDot(context, dot('x', c));
    const { context: compacted } = compactContext(context, [dot('x', 41)], { maxActors: 10, maxGaps: 3 });
    expect(clockView(compacted.clock).x?.gaps).toEqual([[1, 36], [38, 38], [40, 40]]);
    expect(covers(compacted, dot('x', 41))).toBe(true);
    expect(covers(compacted, dot('x', 37))).toBe(true);
    expect(covers(compacted, dot('x', 33))).toBe(false);
  });
});
