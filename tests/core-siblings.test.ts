/**
 * Siblings: the join of what replicas hold. It must give the same result in any order and
 * grouping (replicas merge in whatever order messages arrive), lose no version that no write
 * superseded, and keep dead versions dead wherever a replica saw them die.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactContext, covers, EMPTY_CONTEXT } from '../src/core/causal-context.js';
import { includesAll, mergeSiblings, NO_SIBLINGS, writeOf } from '../src/core/siblings.js';
import type { CausalContext, Dot, Siblings, Version } from '../src/protocol/data.js';

const SEED = 90_210;

const dot = (actor: string, counter: number): Dot => ({ actor, counter, timeMs: counter });
const version = (value: string, d: Dot, deleted = false): Version => ({ value, deleted, dot: d });
const dots = (s: Siblings): string[] => s.versions.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort();

describe('siblings - writes', () => {
  it('siblings - a write supersedes exactly what its context covers', () => {
    const a = writeOf(version('a', dot('x', 1)), EMPTY_CONTEXT);
    const b = writeOf(version('b', dot('y', 1)), EMPTY_CONTEXT);
    const both = mergeSiblings(a, b);
    expect(dots(both)).toEqual(['x:1', 'y:1']);
    const onlyA = mergeSiblings(both, writeOf(version('a2', dot('x', 2)), a.context));
    expect(dots(onlyA)).toEqual(['x:2', 'y:1']);
    const all = mergeSiblings(onlyA, writeOf(version('ab', dot('z', 1)), onlyA.context));
    expect(dots(all)).toEqual(['z:1']);
  });

  it('siblings - two writes over the same context by one actor stay siblings', () => {
    const base = writeOf(version('v0', dot('x', 1)), EMPTY_CONTEXT);
    const one = writeOf(version('one', dot('x', 2)), base.context);
    const two = writeOf(version('two', dot('x', 3)), base.context);
    expect(dots([base, one, two].reduce(mergeSiblings, NO_SIBLINGS))).toEqual(['x:2', 'x:3']);
  });

  it('siblings - a tombstone supersedes and is superseded like any version', () => {
    const v = writeOf(version('v', dot('x', 1)), EMPTY_CONTEXT);
    const gone = mergeSiblings(v, writeOf(version('', dot('y', 1), true), v.context));
    expect(gone.versions.map((x) => x.deleted)).toEqual([true]);
    const back = mergeSiblings(gone, writeOf(version('w', dot('x', 2)), gone.context));
    expect(back.versions.map((x) => x.value)).toEqual(['w']);
  });

  it('siblings - a replica that saw a version die drops a stale copy of it, whatever the later write covered', () => {
    // v was superseded by w at this replica; a later put pruned its context down to w alone.
    const v = writeOf(version('v', dot('old', 1)), EMPTY_CONTEXT);
    const w = mergeSiblings(v, writeOf(version('w', dot('x', 1)), v.context));
    const later = writeOf(version('later', dot('x', 2)), compactContext(w.context, [dot('x', 1)], { maxActors: 1, maxGaps: 0 }).context);
    expect(covers(later.context, dot('old', 1))).toBe(false);
    const knowing = mergeSiblings(w, later);
    const stale = mergeSiblings(v, later); // a replica that only ever had v
    expect(dots(mergeSiblings(stale, knowing))).toEqual(['x:2']);
    expect(dots(mergeSiblings(knowing, stale))).toEqual(['x:2']);
  });

  it('siblings - merging nothing new returns the same object; includesAll says so', () => {
    const a = writeOf(version('a', dot('x', 1)), EMPTY_CONTEXT);
    expect(mergeSiblings(a, a)).toBe(a);
    expect(mergeSiblings(a, NO_SIBLINGS)).toBe(a);
    expect(includesAll(a, a)).toBe(true);
    const b = mergeSiblings(a, writeOf(version('b', dot('y', 1)), EMPTY_CONTEXT));
    expect(includesAll(b, a)).toBe(true);
    expect(includesAll(a, b)).toBe(false);
  });
});

/**
 * A random history: writes by a few actors, each over what it read from some replica (its
 * context sometimes compacted, as a context handed to a client is), delivered to a random
 * subset of replicas, with replicas merging pairwise in between.
 */
interface History {
  readonly replicas: Siblings[];
  readonly written: Version[];
  /** What each write had seen: a version is dead exactly when one of them covers it. */
  readonly contexts: CausalContext[];
}

const stepArb = fc.record({
  writer: fc.integer({ min: 0, max: 2 }),
  readFrom: fc.integer({ min: 0, max: 3 }),
  deliverTo: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  compact: fc.option(fc.record({ maxActors: fc.integer({ min: 1, max: 3 }), maxGaps: fc.integer({ min: 0, max: 2 }) }), { nil: undefined }),
  blind: fc.boolean(),
  deleted: fc.boolean(),
  gossip: fc.option(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { nil: undefined }),
});

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function play(steps: readonly Step[]): History {
  const replicas: Siblings[] = [NO_SIBLINGS, NO_SIBLINGS, NO_SIBLINGS, NO_SIBLINGS];
  const counters = [0, 0, 0];
  const written: Version[] = [];
  const contexts: CausalContext[] = [];
  steps.forEach((step, i) => {
    const read = replicas[step.readFrom] ?? NO_SIBLINGS;
    let context = step.blind ? EMPTY_CONTEXT : read.context;
    if (step.compact) context = compactContext(context, read.versions.map((v) => v.dot), step.compact).context;
    const counter = (counters[step.writer] ?? 0) + 1;
    counters[step.writer] = counter;
    const d = dot(`w${step.writer}`, counter);
    const v = version(`v${i}`, d, step.deleted);
    const delta = writeOf(v, context);
    written.push(v);
    contexts.push(context);
    step.deliverTo.forEach((deliver, r) => {
      if (deliver || r === step.readFrom) replicas[r] = mergeSiblings(replicas[r] ?? NO_SIBLINGS, delta);
    });
    if (step.gossip) {
      const [a, b] = step.gossip;
      replicas[a] = mergeSiblings(replicas[a] ?? NO_SIBLINGS, replicas[b] ?? NO_SIBLINGS);
    }
  });
  return { replicas, written, contexts };
}

function sameState(a: Siblings, b: Siblings): boolean {
  return dots(a).join() === dots(b).join() && includesAll(a, b) && includesAll(b, a);
}

describe('siblings - random histories', () => {
  const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 30 }).map(play);

  it('siblings - after merging every replica, exactly the versions no write superseded remain (none lost)', () => {
    fc.assert(
      fc.property(historyArb, ({ replicas, written, contexts }) => {
        const all = replicas.reduce(mergeSiblings, NO_SIBLINGS);
        const alive = written.filter((v) => !contexts.some((c) => covers(c, v.dot)));
        expect(dots(all)).toEqual(alive.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort());
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('siblings - merging replicas gives the same state in any order and grouping, and again changes nothing', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), ({ replicas }, keys) => {
        const [a = NO_SIBLINGS, b = NO_SIBLINGS, c = NO_SIBLINGS, d = NO_SIBLINGS] = replicas;
        const shuffled = replicas.map((r, i) => ({ r, k: keys[i] ?? 0 })).sort((x, y) => x.k - y.k).map(({ r }) => r);
        const inOrder = replicas.reduce(mergeSiblings, NO_SIBLINGS);
        expect(sameState(shuffled.reduce(mergeSiblings, NO_SIBLINGS), inOrder)).toBe(true);
        expect(sameState(mergeSiblings(a, b), mergeSiblings(b, a))).toBe(true);
        expect(sameState(mergeSiblings(mergeSiblings(a, b), mergeSiblings(c, d)), mergeSiblings(a, mergeSiblings(b, mergeSiblings(c, d))))).toBe(true);
        expect(mergeSiblings(inOrder, a)).toBe(inOrder);
        expect(mergeSiblings(inOrder, inOrder)).toBe(inOrder);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('siblings - a write with the context of a merged read supersedes everything read', () => {
    fc.assert(
      fc.property(historyArb, ({ replicas }) => {
        const read = replicas.reduce(mergeSiblings, NO_SIBLINGS);
        const after = mergeSiblings(read, writeOf(version('resolved', dot('r', 1)), read.context));
        expect(dots(after)).toEqual(['r:1']);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
