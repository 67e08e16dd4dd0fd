import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quorumState, type QuorumState } from '../src/core/quorum.js';
import { chooseTargets, replacementFor, slotOf, type Target } from '../src/core/sloppy-quorum.js';

/** Pinned so the properties replay the same runs every time; fast-check prints it on failure anyway. */
const SEED = 20_071_017;

/** The reference: enumerate how many of the still-possible answers could arrive. */
function naiveQuorumState(answered: number, needed: number, stillPossible: number): QuorumState {
  if (answered >= needed) return 'won';
  for (let more = 0; more <= stillPossible; more++) if (answered + more >= needed) return 'pending';
  return 'lost';
}

describe('quorum - quorumState', () => {
  it('quorum - won once enough answered, however many could still come', () => {
    expect(quorumState(2, 2, 0)).toBe('won');
    expect(quorumState(3, 2, 5)).toBe('won');
    expect(quorumState(0, 0, 0)).toBe('won');
  });

  it('quorum - pending while the missing answers can still come', () => {
    expect(quorumState(1, 2, 1)).toBe('pending');
    expect(quorumState(0, 3, 3)).toBe('pending');
  });

  it('quorum - lost as soon as too few can still answer', () => {
    expect(quorumState(1, 3, 1)).toBe('lost');
    expect(quorumState(0, 1, 0)).toBe('lost');
  });

  it('quorum - matches a naive enumeration', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 }), fc.nat({ max: 10 }), fc.nat({ max: 10 }), (answered, needed, stillPossible) => {
        expect(quorumState(answered, needed, stillPossible)).toBe(naiveQuorumState(answered, needed, stillPossible));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('quorum - one more answer never moves a quorum backwards, one more failure never moves it forwards', () => {
    const rank: Record<QuorumState, number> = { lost: 0, pending: 1, won: 2 };
    fc.assert(
      fc.property(fc.nat({ max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), (answered, needed, stillPossible) => {
        const now = quorumState(answered, needed, stillPossible);
        // An attempt answers: it moves from still-possible to answered.
        expect(rank[quorumState(answered + 1, needed, stillPossible - 1)]).toBeGreaterThanOrEqual(rank[now]);
        // An attempt fails: it leaves still-possible.
        expect(rank[quorumState(answered, needed, stillPossible - 1)]).toBeLessThanOrEqual(rank[now]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

/** Builds an isSuspect function from a list. */
function suspects(...nodes: string[]): (node: string) => boolean {
  const set = new Set(nodes);
  return (node) => set.has(node);
}

/** The reference: walk the primaries, and for each suspect one scan forward for an unused healthy fallback. */
function naiveChooseTargets(list: readonly string[], n: number, isSuspect: (node: string) => boolean): Target[] {
  const out: Target[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n && i < list.length; i++) {
    const primary = list[i] as string;
    if (!isSuspect(primary)) {
      out.push({ node: primary, hintFor: null });
      continue;
    }
    let stand: string | null = null;
    for (let j = n; j < list.length; j++) {
      const candidate = list[j] as string;
      if (!isSuspect(candidate) && !used.has(candidate)) {
        stand = candidate;
        break;
      }
    }
    if (stand === null) {
      out.push({ node: primary, hintFor: null });
    } else {
      used.add(stand);
      out.push({ node: stand, hintFor: primary });
    }
  }
  return out;
}

/** The reference: the slot's own primary if it may be tried, else the first usable fallback, hinted for the slot. */
function naiveReplacementFor(slot: string, list: readonly string[], n: number, tried: ReadonlySet<string>, isSuspect: (node: string) => boolean): Target | null {
  if (!tried.has(slot) && !isSuspect(slot)) return { node: slot, hintFor: null };
  for (let i = n; i < list.length; i++) {
    const candidate = list[i] as string;
    if (!tried.has(candidate) && !isSuspect(candidate)) return { node: candidate, hintFor: slot };
  }
  return null;
}

const LIST = ['p1', 'p2', 'p3', 'f1', 'f2', 'f3'] as const;

describe('targets - chooseTargets', () => {
  it('targets - with every node healthy the first N nodes are the targets, without hints', () => {
    expect(chooseTargets(LIST, 3, suspects())).toEqual([
      { node: 'p1', hintFor: null },
      { node: 'p2', hintFor: null },
      { node: 'p3', hintFor: null },
    ]);
  });

  it('targets - a suspect primary is replaced by the next healthy fallback with a hint naming it', () => {
    expect(chooseTargets(LIST, 3, suspects('p2'))).toEqual([
      { node: 'p1', hintFor: null },
      { node: 'f1', hintFor: 'p2' },
      { node: 'p3', hintFor: null },
    ]);
  });

  it('targets - suspect fallbacks are skipped and each suspect primary gets its own fallback', () => {
    expect(chooseTargets(LIST, 3, suspects('p1', 'p3', 'f1'))).toEqual([
      { node: 'f2', hintFor: 'p1' },
      { node: 'p2', hintFor: null },
      { node: 'f3', hintFor: 'p3' },
    ]);
  });

  it('targets - with no fallback left the suspect primary itself is tried', () => {
    expect(chooseTargets(['p1', 'p2', 'p3', 'f1'], 3, suspects('p1', 'p2'))).toEqual([
      { node: 'f1', hintFor: 'p1' },
      { node: 'p2', hintFor: null },
      { node: 'p3', hintFor: null },
    ]);
    expect(chooseTargets(['p1', 'p2'], 3, suspects('p1', 'p2'))).toEqual([
      { node: 'p1', hintFor: null },
      { node: 'p2', hintFor: null },
    ]);
  });

  it('targets - an empty list or N = 0 gives no targets', () => {
    expect(chooseTargets([], 3, suspects())).toEqual([]);
    expect(chooseTargets(LIST, 0, suspects())).toEqual([]);
  });

  const listArb = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 8 });

  it('targets - chooseTargets matches a naive re-implementation', () => {
    fc.assert(
      fc.property(listArb, fc.nat({ max: 6 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')), (list, n, down) => {
        const isSuspect = suspects(...down);
        expect(chooseTargets(list, n, isSuspect)).toEqual(naiveChooseTargets(list, n, isSuspect));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('targets - targets are distinct, one per primary, and hints only ever name suspect primaries', () => {
    fc.assert(
      fc.property(listArb, fc.integer({ min: 1, max: 6 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')), (list, n, down) => {
        const isSuspect = suspects(...down);
        const targets = chooseTargets(list, n, isSuspect);
        const primaries = list.slice(0, n);
        expect(targets).toHaveLength(primaries.length);
        expect(new Set(targets.map((t) => t.node)).size).toBe(targets.length);
        for (const t of targets) {
          if (t.hintFor === null) {
            expect(primaries).toContain(t.node);
          } else {
            expect(primaries).not.toContain(t.node);
            expect(isSuspect(t.node)).toBe(false);
            expect(isSuspect(t.hintFor)).toBe(true);
            expect(primaries).toContain(t.hintFor);
          }
        }
        // Every primary is covered once: by itself or by a fallback holding its hint.
        for (const p of primaries) expect(targets.filter((t) => t.node === p || t.hintFor === p)).toHaveLength(1);
        // A healthy primary is never replaced.
        for (const p of primaries) if (!isSuspect(p)) expect(targets).toContainEqual({ node: p, hintFor: null });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('targets - replacementFor (one stand-in per silent slot)', () => {
  it('targets - a silent primary is replaced by the next untried healthy fallback with a hint naming it', () => {
    const tried = new Set(['p1', 'p2', 'p3']);
    expect(replacementFor('p2', LIST, 3, tried, suspects())).toEqual({ node: 'f1', hintFor: 'p2' });
  });

  it('targets - a silent fallback is replaced by the next one, for the same slot', () => {
    const tried = new Set(['p1', 'f1', 'p3']);
    expect(replacementFor('p2', LIST, 3, tried, suspects('p2'))).toEqual({ node: 'f2', hintFor: 'p2' });
  });

  it('targets - suspect and already tried nodes are skipped', () => {
    const tried = new Set(['p1', 'p2', 'p3', 'f1']);
    expect(replacementFor('p3', LIST, 3, tried, suspects('f2'))).toEqual({ node: 'f3', hintFor: 'p3' });
  });

  it('targets - no replacement once every fallback was tried or is suspect', () => {
    const tried = new Set(['p1', 'p2', 'p3', 'f1']);
    expect(replacementFor('p1', LIST, 3, tried, suspects('f2', 'f3'))).toBeNull();
  });

  it('targets - a slot whose primary was never tried (suspected then, healthy now) gets the primary itself', () => {
    const tried = new Set(['p1', 'f1', 'p3']);
    expect(replacementFor('p2', LIST, 3, tried, suspects())).toEqual({ node: 'p2', hintFor: null });
  });

  it('targets - another primary never stands in for a slot: it is its own slot', () => {
    // p2 was never tried, but the slot that went silent is p3's.
    const tried = new Set(['p1', 'f1', 'p3']);
    const replacement = replacementFor('p3', LIST, 3, tried, suspects());
    expect(replacement).toEqual({ node: 'f2', hintFor: 'p3' });
    expect(replacement && slotOf(replacement)).toBe('p3');
  });

  it('targets - replacementFor matches a naive re-implementation', () => {
    const nodes: readonly string[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...nodes), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.subarray([...nodes]),
        fc.subarray([...nodes]),
        fc.nat({ max: 6 }),
        (list, n, down, triedExtra, slotIndex) => {
          const isSuspect = suspects(...down);
          const primaries = list.slice(0, n);
          const slot = primaries[slotIndex % primaries.length] as string;
          const tried = new Set(triedExtra);
          const got = replacementFor(slot, list, n, tried, isSuspect);
          expect(got).toEqual(naiveReplacementFor(slot, list, n, tried, isSuspect));
          if (got !== null) {
            expect(tried.has(got.node)).toBe(false);
            expect(isSuspect(got.node)).toBe(false);
            expect(slotOf(got)).toBe(slot);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
