/**
 * The anti-entropy tree (src/core/merkle-tree.ts) and the key digests that feed it: a tree
 * kept up to date change by change equals one built from scratch, the order of changes does
 * not matter, and descending only where hashes differ finds exactly the leaves that differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeTrees } from '../src/core/anti-entropy-ranges.js';
import { clockView } from '../src/core/causal-context.js';
import { clockFromView } from './helpers/clocks.js';
import { stateDigest } from '../src/core/state-digest.js';
import { EMPTY_HASH, MerkleTree } from '../src/core/merkle-tree.js';
import { Ring } from '../src/core/ring.js';
import type { Siblings } from '../src/protocol/data.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { md5Hex } from '../src/util/md5.js';

const SEED = 20_070_407;

/** A small tree (fanout 4, depth 3: 64 leaves), so random keys share leaves. */
const FANOUT = 4;
const DEPTH = 3;

type Change = { readonly key: string; readonly state: number | null };

const change: fc.Arbitrary<Change> = fc.record({ key: fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `k${i}`)), state: fc.option(fc.nat(5), { nil: null }) });

const digestOf = (key: string, state: number): string => md5Hex(`${key}\u0000${state}`);

/** Applies changes one by one (a null state deletes) and returns the final state per key. */
function applyAll(tree: MerkleTree, changes: readonly Change[]): Map<string, number> {
  const final = new Map<string, number>();
  for (const { key, state } of changes) {
    const leaf = tree.leafOf(md5Hex(key));
    if (state === null) {
      tree.delete(key, leaf);
      final.delete(key);
    } else {
      tree.set(key, leaf, digestOf(key, state));
      final.set(key, state);
    }
  }
  return final;
}

function scratch(final: ReadonlyMap<string, number>): MerkleTree {
  const shape = new MerkleTree(FANOUT, DEPTH);
  return MerkleTree.fromEntries(
    [...final].map(([key, state]) => [key, shape.leafOf(md5Hex(key)), digestOf(key, state)] as const),
    FANOUT,
    DEPTH,
  );
}

function allHashes(tree: MerkleTree): string[] {
  const out: string[] = [];
  for (let level = 0; level <= tree.depth; level++) for (let i = 0; i < tree.widthOf(level); i++) out.push(tree.hashAt(level, i));
  return out;
}

/** Descends from the root the way an exchange does: only into nodes whose hashes differ. */
function differingLeaves(a: MerkleTree, b: MerkleTree): { leaves: number[]; visited: number } {
  let parents: number[] = [];
  let visited = 0;
  for (let level = 0; level <= a.depth; level++) {
    const theirs = new Map<number, string>();
    const candidates = level === 0 ? [0] : parents.flatMap((p) => b.childrenOf(level - 1, p));
    for (const i of candidates) if (!b.isEmpty(level, i)) theirs.set(i, b.hashAt(level, i));
    visited += candidates.length;
    parents = a.differing(level, level === 0 ? [] : parents, theirs);
  }
  return { leaves: parents.sort((x, y) => x - y), visited };
}

describe('merkle tree', () => {
  it('updated change by change, it equals a tree built from scratch from the final state', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 200 }), (changes) => {
        const tree = new MerkleTree(FANOUT, DEPTH);
        const final = applyAll(tree, changes);
        expect(allHashes(tree)).toEqual(allHashes(scratch(final)));
        expect(tree.size).toBe(final.size);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('the order of changes does not matter: two replicas that end in the same state have the same hashes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(change, { selector: (c) => c.key, maxLength: 40 }), fc.nat(), (changes, shuffleSeed) => {
        const a = new MerkleTree(FANOUT, DEPTH);
        const b = new MerkleTree(FANOUT, DEPTH);
        applyAll(a, changes);
        // Same final state per key, reached in another order and through an extra state.
        const shuffled = [...changes].sort((x, y) => ((x.key.length * 31 + shuffleSeed) % 7) - ((y.key.length * 31 + shuffleSeed) % 7) || (x.key < y.key ? 1 : -1));
        applyAll(b, shuffled.flatMap((c) => [{ key: c.key, state: 99 }, c]));
        expect(allHashes(b)).toEqual(allHashes(a));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('descending only where hashes differ finds exactly the leaves whose keys differ', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 100 }), fc.array(change, { maxLength: 10 }), (common, extra) => {
        const a = new MerkleTree(FANOUT, DEPTH);
        const b = new MerkleTree(FANOUT, DEPTH);
        const finalA = applyAll(a, common);
        const finalB = applyAll(b, [...common, ...extra]);
        const expected = new Set<number>();
        for (const key of new Set([...finalA.keys(), ...finalB.keys()])) {
          if (finalA.get(key) !== finalB.get(key)) expected.add(a.leafOf(md5Hex(key)));
        }
        expect(differingLeaves(a, b).leaves).toEqual([...expected].sort((x, y) => x - y));
        expect(a.root === b.root).toBe(expected.size === 0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('one differing key costs one path, not the whole tree', () => {
    const a = new MerkleTree();
    const b = new MerkleTree();
    for (let i = 0; i < 2000; i++) {
      const key = `key${i}`;
      a.set(key, a.leafOf(md5Hex(key)), digestOf(key, 1));
      b.set(key, b.leafOf(md5Hex(key)), digestOf(key, i === 1234 ? 2 : 1));
    }
    const { leaves, visited } = differingLeaves(a, b);
    expect(leaves).toEqual([a.leafOf(md5Hex('key1234'))]);
    expect(visited).toBe(1 + a.fanout * a.depth);
    expect(a.leafEntries(leaves[0] as number).map(([key]) => key)).toContain('key1234');
  });

  it('deleting every key brings the root back to empty', () => {
    const tree = new MerkleTree();
    for (let i = 0; i < 100; i++) tree.set(`k${i}`, tree.leafOf(md5Hex(`k${i}`)), digestOf(`k${i}`, i));
    expect(tree.root).not.toBe(EMPTY_HASH);
    for (let i = 0; i < 100; i++) expect(tree.delete(`k${i}`, tree.leafOf(md5Hex(`k${i}`)))).toBe(true);
    expect(tree.root).toBe(EMPTY_HASH);
    expect(tree.size).toBe(0);
  });
});

describe('key digests', () => {
  const dot = (actor: string, counter: number) => ({ actor, counter, timeMs: counter });
  const base: Siblings = {
    versions: [
      { value: 'a', deleted: false, dot: dot('n1#1', 2) },
      { value: 'b', deleted: false, dot: dot('n2#1', 1) },
    ],
    context: { clock: clockFromView({ 'n1#1': { counter: 2, timeMs: 2 }, 'n2#1': { counter: 1, timeMs: 1 } }) },
  };

  it('the same state hashes the same whatever the order of versions and clock entries', () => {
    const reordered: Siblings = {
      versions: [...base.versions].reverse(),
      context: { clock: clockFromView({ 'n2#1': { counter: 1, timeMs: 1 }, 'n1#1': { counter: 2, timeMs: 2 } }) },
    };
    expect(stateDigest('k', reordered)).toBe(stateDigest('k', base));
  });

  it('another key, a deleted flag, another dot or another context hash differently', () => {
    const digest = stateDigest('k', base);
    const [first, second] = base.versions as [Siblings['versions'][number], Siblings['versions'][number]];
    const variants: Siblings[] = [
      { ...base, versions: [{ ...first, deleted: true }, second] },
      { ...base, versions: [{ ...first, dot: dot('n1#1', 3) }, second] },
      { ...base, versions: [first] },
      { ...base, context: { clock: clockFromView({ ...clockView(base.context.clock), 'n3#1': { counter: 1, timeMs: 5 } }) } },
      { ...base, context: { clock: clockFromView({ ...clockView(base.context.clock), 'n1#1': { counter: 2, timeMs: 2, gaps: [[1, 1]] } }) } },
    ];
    for (const variant of variants) expect(stateDigest('k', variant)).not.toBe(digest);
    expect(stateDigest('j', base)).not.toBe(digest);
    // A clock time, a gap, and a version's value: the first two count, the value does not (its dot names it).
    expect(stateDigest('k', { ...base, context: { clock: clockFromView({ ...clockView(base.context.clock), 'n2#1': { counter: 1, timeMs: 1.5 } }) } })).not.toBe(digest);
    expect(stateDigest('k', { ...base, versions: [{ ...first, value: 'other' }, second] })).toBe(digest);
  });

  it('a time of -0 hashes as 0 (they are equal, and a context may bring either)', () => {
    const zero: Siblings = { versions: [], context: { clock: clockFromView({ 'n1#1': { counter: 1, timeMs: 0 } }) } };
    const minusZero: Siblings = { versions: [], context: { clock: clockFromView({ 'n1#1': { counter: 1, timeMs: -0 } }) } };
    expect(stateDigest('k', minusZero)).toBe(stateDigest('k', zero));
  });

  it('a tree holding one key has that key\'s digest as its root, whatever the case of its hex digits', () => {
    const digest = stateDigest('k', base);
    const tree = new MerkleTree();
    tree.set('k', 7, digest);
    expect(tree.root).toBe(digest);
    const upper = new MerkleTree();
    upper.set('k', 7, digest.toUpperCase());
    expect(upper.root).toBe(digest);
  });

  it('any order of the same versions and entries hashes the same; 20,000 distinct states, 20,000 distinct digests', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a#1', 'b#1', 'c#2', 'node-1#1'), fc.integer({ min: 1, max: 2 ** 40 }), fc.boolean()), { maxLength: 6 }), (entries) => {
        const versions = entries.map(([actor, counter, deleted]) => ({ value: null, deleted, dot: { actor, counter, timeMs: counter } }));
        const clock = Object.fromEntries(entries.map(([actor, counter]) => [actor, { counter, timeMs: counter / 3 }]));
        const reversedClock = Object.fromEntries(Object.entries(clock).reverse());
        expect(stateDigest('k', { versions: [...versions].reverse(), context: { clock: clockFromView(reversedClock) } })).toBe(stateDigest('k', { versions, context: { clock: clockFromView(clock) } }));
      }),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      // Neighbouring states: one counter, one key, one flag or one gap apart.
      const counter = 1 + (i % 5000);
      const siblings: Siblings = {
        versions: [{ value: null, deleted: i % 7 === 0, dot: { actor: 'n1#1', counter, timeMs: 1 } }],
        context: { clock: clockFromView({ 'n1#1': i % 3 === 0 ? { counter: counter + 2, timeMs: 1, gaps: [[counter + 1, counter + 1]] } : { counter, timeMs: 1 } }) },
      };
      seen.add(stateDigest(`key${Math.floor(i / 5000)}`, siblings));
    }
    expect(seen.size).toBe(20_000);
  });
});

describe('range trees', () => {
  const versionOf = (counter: number): Siblings => ({
    versions: [{ value: counter, deleted: false, dot: { actor: 'a#1', counter, timeMs: counter } }],
    context: { clock: clockFromView({ 'a#1': { counter, timeMs: counter } }) },
  });
  const roots = (trees: RangeTrees): Record<string, [string, number]> => Object.fromEntries(trees.list().map((r) => [r.id, [r.tree.root, r.tree.size]]));

  it('after a ring change, rebuilt a few keys per round with changes in between, the trees equal ones derived from scratch', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(299), fc.option(fc.nat(9), { nil: null })), { maxLength: 120 }), fc.integer({ min: 1, max: 50 }), (changes, perRound) => {
        let ring = Ring.of(['n1', 'n2', 'n3', 'n4'], 8, md5Hex);
        const data = new MemoryStore<Siblings>();
        const trees = new RangeTrees({ nodeId: 'n1', n: 2, hash: md5Hex, ring: () => ring, data });
        const set = (key: string, value: Siblings | undefined): void => {
          if (value === undefined) data.delete(key);
          else data.set(key, value);
          trees.changed(key, value);
        };
        trees.derive(0);
        for (let i = 0; i < 300; i++) set(`k${i}`, versionOf(1));
        ring = ring.withMembers(['n1', 'n2', 'n3', 'n4', 'n5']);
        trees.derive(1);
        expect(trees.ready).toBe(false);
        for (const [i, change] of changes) {
          trees.rebuildStep(perRound);
          set(`k${i}`, change === null ? undefined : versionOf(change + 2));
        }
        while (!trees.ready) trees.rebuildStep(perRound);
        const fresh = new RangeTrees({ nodeId: 'n1', n: 2, hash: md5Hex, ring: () => ring, data });
        fresh.derive(2);
        fresh.rebuildStep(1000);
        expect(roots(trees)).toEqual(roots(fresh));
        // Only the keys of ranges n1 replicates are in its trees.
        const owned = [...data.keys()].filter((key) => ring.preferenceList(key, 2).includes('n1'));
        expect(trees.list().reduce((n, r) => n + r.tree.size, 0)).toBe(owned.length);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
