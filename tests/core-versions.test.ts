import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covers, EMPTY_CONTEXT, pruneContext, sameDot, withDot, type CausalContext, type Dot } from '../src/core/causal-context.js';
import {
  addVersion,
  clockOf,
  compareVersions,
  contextOf,
  includesAll,
  mergeSiblings,
  sameSiblings,
  type Siblings,
  type Version,
} from '../src/core/versions.js';

/** Pinned so the properties replay the same runs every time; fast-check prints it on failure anyway. */
const SEED = 20_071_016;

function dot(actor: string, counter: number, timeMs = 0): Dot {
  return { actor, counter, timeMs };
}

function version(d: Dot, context: CausalContext = EMPTY_CONTEXT, value: unknown = `${d.actor}${d.counter}`, deleted = false): Version {
  return { value, deleted, dot: d, context };
}

function dotsOf(siblings: Siblings): string[] {
  return siblings.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort();
}

/** The invariant of a sibling set: no version in it supersedes or equals another. */
function expectAntichain(siblings: Siblings): void {
  const related = siblings.flatMap((a, i) =>
    siblings.filter((b, j) => i !== j && compareVersions(a, b) !== 'concurrent').map((b) => `${a.dot.actor}:${a.dot.counter} ~ ${b.dot.actor}:${b.dot.counter}`),
  );
  expect(related).toEqual([]);
}

const v1 = version(dot('a', 1));
const v2 = version(dot('a', 2));

describe('versions - addVersion', () => {
  it('versions - adding to an empty key stores the version alone', () => {
    expect(addVersion([], v1)).toEqual([v1]);
  });

  it('versions - a version drops every version its context covers', () => {
    const b1 = version(dot('b', 1));
    const c1 = version(dot('c', 1));
    const newer = version(dot('a', 2), contextOf([v1, b1]));
    expect(dotsOf(addVersion([v1, b1, c1], newer))).toEqual(['a:2', 'c:1']);
  });

  it('versions - a superseded version is ignored and the same array comes back', () => {
    const newer = version(dot('a', 2), contextOf([v1]));
    const siblings: Siblings = [newer];
    expect(addVersion(siblings, v1)).toBe(siblings);
  });

  it('versions - an equal version (same dot) is ignored and the same array comes back', () => {
    const siblings: Siblings = [v1];
    expect(addVersion(siblings, version(dot('a', 1)))).toBe(siblings);
  });

  it('versions - concurrent versions from different actors are kept side by side', () => {
    const b1 = version(dot('b', 1));
    expect(dotsOf(addVersion([v1], b1))).toEqual(['a:1', 'b:1']);
    expect(compareVersions(v1, b1)).toBe('concurrent');
  });

  it('versions - two puts with the same context through one actor stay siblings', () => {
    // The regression: with one plain vector clock per actor, {a:2} would look like it descends {a:1}.
    expect(compareVersions(v1, v2)).toBe('concurrent');
    expect(compareVersions(v2, v1)).toBe('concurrent');
    expect(dotsOf(addVersion([v1], v2))).toEqual(['a:1', 'a:2']);
    expect(dotsOf(addVersion([v2], v1))).toEqual(['a:1', 'a:2']);
  });

  it('versions - two puts through one actor after the same read stay siblings and both drop what was read', () => {
    const read = [version(dot('b', 1))];
    const context = contextOf(read);
    const x = version(dot('a', 1), context);
    const y = version(dot('a', 2), context);
    expect(dotsOf(addVersion(addVersion(read, x), y))).toEqual(['a:1', 'a:2']);
  });

  it('versions - a version whose context is contextOf(siblings) supersedes all of them', () => {
    const siblings = addVersion(addVersion(addVersion([], v1), v2), version(dot('b', 7)));
    expect(siblings).toHaveLength(3);
    const resolved = version(dot('a', 3), contextOf(siblings));
    for (const s of siblings) expect(compareVersions(resolved, s)).toBe('supersedes');
    expect(addVersion(siblings, resolved)).toEqual([resolved]);
  });

  it('versions - a write that saw only the later of two concurrent writes keeps the earlier one', () => {
    // The context covers a:2 but not a:1: a gap in the dot cloud, which a plain clock cannot express.
    const saw2 = version(dot('a', 3), withDot(EMPTY_CONTEXT, dot('a', 2)));
    expect(dotsOf(addVersion([v1, v2], saw2))).toEqual(['a:1', 'a:3']);
  });

  it('versions - two clients writing in turns with their own put contexts keep at most two siblings', () => {
    // Riak's sibling explosion: 100 writes through one actor, each client reusing the context of its last put.
    const contexts = [EMPTY_CONTEXT, EMPTY_CONTEXT];
    let siblings: Siblings = [];
    for (let i = 1; i <= 100; i++) {
      const client = i % 2;
      const mine = version(dot('n1', i, i), contexts[client]);
      siblings = addVersion(siblings, mine);
      contexts[client] = withDot(contexts[client] ?? EMPTY_CONTEXT, mine.dot);
      expect(siblings.length).toBeLessThanOrEqual(2);
    }
    expect(dotsOf(siblings)).toEqual(['n1:100', 'n1:99']);
  });

  it('versions - a tombstone supersedes, is superseded and stays a sibling like any version', () => {
    const tomb = version(dot('a', 2), contextOf([v1]), null, true);
    expect(addVersion([v1], tomb)).toEqual([tomb]);
    expect(addVersion([tomb], v1)).toEqual([tomb]);
    const concurrent = version(dot('b', 1));
    expect(dotsOf(addVersion([tomb], concurrent))).toEqual(['a:2', 'b:1']);
    const rewrite = version(dot('b', 2), contextOf([tomb, concurrent]));
    expect(addVersion([tomb, concurrent], rewrite)).toEqual([rewrite]);
  });
});

describe('versions - compare, merge and inspect', () => {
  it('versions - compareVersions names each relation from both sides', () => {
    const newer = version(dot('b', 1), contextOf([v1]));
    expect(compareVersions(newer, v1)).toBe('supersedes');
    expect(compareVersions(v1, newer)).toBe('superseded');
    expect(compareVersions(v1, version(dot('a', 1), contextOf([v2])))).toBe('equal');
  });

  it('versions - mergeSiblings of a set with itself or with nothing returns the same array', () => {
    const siblings: Siblings = [v1, v2];
    expect(mergeSiblings(siblings, siblings)).toBe(siblings);
    expect(mergeSiblings(siblings, [])).toBe(siblings);
    expect(dotsOf(mergeSiblings([], siblings))).toEqual(['a:1', 'a:2']);
  });

  it('versions - includesAll accepts the same versions or newer ones, and rejects a missing concurrent one', () => {
    const newer = version(dot('a', 3), contextOf([v1, v2]));
    expect(includesAll([v1, v2], [v2])).toBe(true);
    expect(includesAll([newer], [v1, v2])).toBe(true);
    expect(includesAll([v1], [v1, v2])).toBe(false);
    expect(includesAll([v1], [])).toBe(true);
    expect(includesAll([], [v1])).toBe(false);
  });

  it('versions - sameSiblings compares by dot, whatever the order', () => {
    expect(sameSiblings([v1, v2], [v2, v1])).toBe(true);
    expect(sameSiblings([v1], [v1, v2])).toBe(false);
    expect(sameSiblings([v1, v2], [v1, version(dot('b', 1))])).toBe(false);
  });

  it('versions - contextOf covers every sibling and everything they superseded', () => {
    const b1 = version(dot('b', 1));
    const a2 = version(dot('a', 2), contextOf([v1, b1]));
    const c5 = version(dot('c', 5));
    const context = contextOf([a2, c5]);
    for (const d of [dot('a', 1), dot('b', 1), dot('a', 2), dot('c', 5)]) expect(covers(context, d)).toBe(true);
    // c:1..4 were never seen: the context must not claim them.
    expect(covers(context, dot('c', 4))).toBe(false);
    expect(covers(contextOf([]), dot('a', 1))).toBe(false);
  });

  it('versions - clockOf is the context with the own dot folded in', () => {
    const b1 = version(dot('b', 1, 5));
    const a1 = version(dot('a', 1, 9), contextOf([b1]));
    expect(clockOf(a1)).toEqual({ a: { counter: 1, timeMs: 9 }, b: { counter: 1, timeMs: 5 } });
    expect(clockOf(version(dot('a', 3, 4)))).toEqual({ a: { counter: 3, timeMs: 4 } });
  });
});

// ---- random histories -------------------------------------------------------------------

const REPLICAS = [0, 1, 2] as const;
const ACTORS = ['n1', 'n2', 'n3'] as const;

type Op =
  | { readonly kind: 'write'; readonly actor: string; readonly readFrom: readonly number[]; readonly writeTo: readonly number[]; readonly deleted: boolean }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      actor: fc.constantFrom(...ACTORS),
      // A client reads from some replicas (maybe none: a blind write) and writes to at least one.
      readFrom: fc.subarray([...REPLICAS]),
      writeTo: fc.subarray([...REPLICAS], { minLength: 1 }),
      deleted: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.constantFrom(...REPLICAS), to: fc.constantFrom(...REPLICAS) }), weight: 1 },
);
// 'max' spreads lengths up to the limit: the default size keeps histories to a handful of writes.
const historyArb = fc.array(opArb, { minLength: 4, maxLength: 40, size: 'max' });

interface History {
  readonly replicas: Siblings[];
  readonly written: Version[];
}

/**
 * Runs writes and replica syncs in the given order. Each write takes as context the
 * contextOf() of the merge of the sibling sets it read, as a client's read-modify-write would;
 * each actor mints its own dots, as a coordinator does.
 */
function runHistory(ops: readonly Op[], shapeContext: (c: CausalContext) => CausalContext = (c) => c): History {
  const replicas: Siblings[] = REPLICAS.map(() => []);
  const counters = new Map<string, number>();
  const written: Version[] = [];
  const at = (i: number): Siblings => replicas[i] ?? [];
  for (const op of ops) {
    if (op.kind === 'sync') {
      replicas[op.to] = mergeSiblings(at(op.to), at(op.from));
    } else {
      const read = op.readFrom.reduce<Siblings>((acc, i) => mergeSiblings(acc, at(i)), []);
      const counter = (counters.get(op.actor) ?? 0) + 1;
      counters.set(op.actor, counter);
      const v = version(dot(op.actor, counter, written.length), shapeContext(contextOf(read)), written.length, op.deleted);
      for (const i of op.writeTo) replicas[i] = addVersion(at(i), v);
      written.push(v);
    }
    for (const r of replicas) expectAntichain(r);
  }
  return { replicas, written };
}

/** Versions no write's context ever covered: the ones a correct store must still hold. */
function neverSuperseded(written: readonly Version[]): Version[] {
  return written.filter((v) => !written.some((w) => covers(w.context, v.dot)));
}

describe('versions - random histories', () => {
  it('versions - no acknowledged write is lost: after merging all replicas exactly the never-superseded versions remain', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const { replicas, written } = runHistory(ops);
        const all = replicas.reduce<Siblings>(mergeSiblings, []);
        const expected = neverSuperseded(written);
        for (const v of expected) expect(all.some((x) => sameDot(x.dot, v.dot))).toBe(true);
        // And nothing superseded comes back.
        expect(dotsOf(all)).toEqual(dotsOf(expected));
        for (const r of replicas) expect(includesAll(all, r)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('versions - merging replicas in any order gives the same set', () => {
    fc.assert(
      fc.property(historyArb, fc.constantFrom([0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]), (ops, order) => {
        const { replicas } = runHistory(ops);
        const inOrder = replicas.reduce<Siblings>(mergeSiblings, []);
        const permuted = order.reduce<Siblings>((acc, i) => mergeSiblings(acc, replicas[i] ?? []), []);
        expect(sameSiblings(inOrder, permuted)).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('versions - pruned contexts never lose a write that no context covered', () => {
    // Pruning makes contexts cover less, so it may leave extra siblings, but it must never drop data.
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 2 }), (ops, maxActors) => {
        const { replicas, written } = runHistory(ops, (c) => pruneContext(c, maxActors).context);
        const all = replicas.reduce<Siblings>(mergeSiblings, []);
        for (const v of neverSuperseded(written)) expect(all.some((x) => sameDot(x.dot, v.dot))).toBe(true);
        expectAntichain(all);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('versions - mergeSiblings is commutative as a set, associative and idempotent', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const { replicas } = runHistory(ops);
        const [a = [], b = [], c = []] = replicas;
        const ab = mergeSiblings(a, b);
        expect(sameSiblings(ab, mergeSiblings(b, a))).toBe(true);
        expect(sameSiblings(mergeSiblings(ab, c), mergeSiblings(a, mergeSiblings(b, c)))).toBe(true);
        expect(mergeSiblings(a, a)).toBe(a);
        expect(sameSiblings(mergeSiblings(ab, b), ab)).toBe(true);
        expect(sameSiblings(mergeSiblings(ab, a), ab)).toBe(true);
        expectAntichain(ab);
        expect(includesAll(ab, a) && includesAll(ab, b)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('versions - a write with the context of everything read supersedes all of it', () => {
    fc.assert(
      fc.property(historyArb, (ops) => {
        const { replicas } = runHistory(ops);
        const all = replicas.reduce<Siblings>(mergeSiblings, []);
        const resolved = version(dot('resolver', 1), contextOf(all));
        expect(addVersion(all, resolved)).toEqual([resolved]);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
