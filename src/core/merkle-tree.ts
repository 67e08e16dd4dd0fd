/**
 * A hash tree over one key range (paper §4.7), kept up to date on every change of a key
 * instead of being rebuilt for an exchange.
 *
 * Shape: a complete tree of fixed `fanout` and `depth` (16 and 3 by default: 4,096 leaves).
 * A key sits in the leaf its position picks (`leafOf`: the low bits of the key's hash, which
 * are spread evenly whatever arcs of the ring the range covers), so two replicas put a key in
 * the same leaf. Each key contributes a 128-bit digest of its state (`stateDigest`).
 *
 * Combination: a leaf's hash is the XOR of its keys' digests, and an inner node's the XOR of
 * its children's, so every node is the XOR of the digests below it. XOR is order independent
 * (replicas that applied the same changes in any order agree) and invertible, so a change of
 * one key updates its leaf and every ancestor with one XOR each: O(depth), no rehashing.
 * Two replicas' nodes differ exactly when the digests below them differ, except when the
 * differences XOR to zero: with MD5-sized digests of (key, state), a chance of 2^-128 per
 * node, and the next change of any key below undoes it.
 *
 * Hashes travel as 32 hex digits. The tree is plain data and pure: no hash function of its
 * own (callers hand in digests and positions made with the injected one).
 */
import { invariant } from './assert.js';

export const DEFAULT_FANOUT = 16;
export const DEFAULT_DEPTH = 3;

const LANES = 4;
const ZERO = '0'.repeat(32);

/** 32 hex digits (as state-digest.ts writes them, lower case; upper case reads the same) to four 32-bit lanes. */
function lanesOf(hex: string): [number, number, number, number] {
  invariant(hex.length === 32, `a digest is 32 hex digits, got ${hex.length}`);
  // Char codes rather than parseInt of slices: every change of every key comes through here.
  return [laneAt(hex, 0), laneAt(hex, 8), laneAt(hex, 16), laneAt(hex, 24)];
}

function laneAt(hex: string, from: number): number {
  let lane = 0;
  for (let i = from; i < from + 8; i++) {
    const code = hex.charCodeAt(i);
    lane = (lane << 4) | (code <= 57 ? code - 48 : (code | 0x20) - 87);
  }
  return lane >>> 0;
}

/** Two hex digits per byte value: Number.prototype.toString(16) cost most of a key digest's time. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 32-bit word as 8 lower-case hex digits: how digests and tree hashes are written. */
export function hex8(x: number): string {
  return (HEX_BYTES[x >>> 24] as string) + (HEX_BYTES[(x >>> 16) & 0xff] as string) + (HEX_BYTES[(x >>> 8) & 0xff] as string) + (HEX_BYTES[x & 0xff] as string);
}

export class MerkleTree {
  readonly fanout: number;
  readonly depth: number;
  readonly leafCount: number;
  /** Level l's nodes start at offsets[l]; level 0 is the root, level `depth` the leaves. */
  private readonly offsets: number[] = [];
  /** Every node's hash, LANES words each, level by level. */
  private readonly words: Uint32Array;
  /** Leaf index -> key -> digest, for the leaves that hold any key. */
  private readonly leaves = new Map<number, Map<string, string>>();
  private count = 0;

  constructor(fanout = DEFAULT_FANOUT, depth = DEFAULT_DEPTH) {
    invariant(Number.isInteger(fanout) && fanout >= 2 && Number.isInteger(depth) && depth >= 0, 'bad tree shape');
    this.fanout = fanout;
    this.depth = depth;
    let offset = 0;
    let width = 1;
    for (let level = 0; level <= depth; level++) {
      this.offsets.push(offset);
      offset += width;
      width *= fanout;
    }
    this.leafCount = width / fanout;
    this.words = new Uint32Array(offset * LANES);
  }

  /** Builds a tree from scratch, bottom up (not by incremental updates): for checking those. */
  static fromEntries(entries: Iterable<readonly [key: string, leaf: number, digest: string]>, fanout = DEFAULT_FANOUT, depth = DEFAULT_DEPTH): MerkleTree {
    const tree = new MerkleTree(fanout, depth);
    for (const [key, leaf, digest] of entries) {
      let keys = tree.leaves.get(leaf);
      if (!keys) tree.leaves.set(leaf, (keys = new Map()));
      if (!keys.has(key)) tree.count++;
      keys.set(key, digest);
    }
    const leafBase = tree.offsets[depth] as number;
    for (const [leaf, keys] of tree.leaves) {
      for (const digest of keys.values()) tree.xorInto(leafBase + leaf, lanesOf(digest));
    }
    for (let level = depth - 1; level >= 0; level--) {
      const base = tree.offsets[level] as number;
      const width = tree.widthOf(level);
      for (let i = 0; i < width; i++) {
        for (const child of tree.childrenOf(level, i)) tree.xorInto(base + i, tree.lanesAt(level + 1, child));
      }
    }
    return tree;
  }

  /** Keys in the tree. */
  get size(): number {
    return this.count;
  }

  /** The leaf a key goes to, from its position (hex of the injected hash): its low bits. */
  leafOf(position: string): number {
    return parseInt(position.slice(-8), 16) % this.leafCount;
  }

  /** Nodes at `level`. */
  widthOf(level: number): number {
    return this.fanout ** level;
  }

  /** Puts `key` with `digest` in `leaf`, replacing its previous digest. */
  set(key: string, leaf: number, digest: string): void {
    let keys = this.leaves.get(leaf);
    if (!keys) this.leaves.set(leaf, (keys = new Map()));
    const previous = keys.get(key);
    if (previous === digest) return;
    keys.set(key, digest);
    if (previous === undefined) this.count++;
    const delta = lanesOf(digest);
    if (previous !== undefined) {
      const old = lanesOf(previous);
      for (let lane = 0; lane < LANES; lane++) delta[lane] = ((delta[lane] as number) ^ (old[lane] as number)) >>> 0;
    }
    this.applyToPath(leaf, delta);
  }

  /** Takes `key` out of `leaf`; false when it was not there. */
  delete(key: string, leaf: number): boolean {
    const keys = this.leaves.get(leaf);
    const previous = keys?.get(key);
    if (keys === undefined || previous === undefined) return false;
    keys.delete(key);
    if (keys.size === 0) this.leaves.delete(leaf);
    this.count--;
    this.applyToPath(leaf, lanesOf(previous));
    return true;
  }

  /** The digest `key` has in `leaf`, if it is there. */
  digestOf(key: string, leaf: number): string | undefined {
    return this.leaves.get(leaf)?.get(key);
  }

  /** A node's hash as 32 hex digits (all zeros for an empty subtree). */
  hashAt(level: number, index: number): string {
    const at = this.wordAt(level, index);
    const w = this.words;
    return hex8(w[at] as number) + hex8(w[at + 1] as number) + hex8(w[at + 2] as number) + hex8(w[at + 3] as number);
  }

  get root(): string {
    return this.hashAt(0, 0);
  }

  /** Whether a (level, index) names a node of this tree. */
  has(level: number, index: number): boolean {
    return Number.isInteger(level) && level >= 0 && level <= this.depth && Number.isInteger(index) && index >= 0 && index < this.widthOf(level);
  }

  /** Indices of a node's children one level down. */
  childrenOf(level: number, index: number): number[] {
    invariant(level < this.depth, 'a leaf has no children');
    return Array.from({ length: this.fanout }, (_, i) => index * this.fanout + i);
  }

  /**
   * The nodes at `level` under `parents` (indices at `level - 1`; at level 0, the root) whose
   * hash differs from `theirs`, where a node `theirs` leaves out is empty.
   */
  differing(level: number, parents: readonly number[], theirs: ReadonlyMap<number, string>): number[] {
    if (level < 0 || level > this.depth) return [];
    const candidates = level === 0 ? [0] : parents.filter((p) => this.has(level - 1, p)).flatMap((p) => this.childrenOf(level - 1, p));
    return candidates.filter((index) => {
      const hash = theirs.get(index);
      return hash === undefined ? !this.isEmpty(level, index) : this.hashAt(level, index) !== hash;
    });
  }

  /** Whether a node's subtree holds no key. */
  isEmpty(level: number, index: number): boolean {
    const at = this.wordAt(level, index);
    const w = this.words;
    return w[at] === 0 && w[at + 1] === 0 && w[at + 2] === 0 && w[at + 3] === 0;
  }

  /** The keys of a leaf and their digests, sorted by key. */
  leafEntries(leaf: number): [key: string, digest: string][] {
    const keys = this.leaves.get(leaf);
    if (!keys) return [];
    return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Every key in the tree and its leaf. */
  *keys(): IterableIterator<[key: string, leaf: number]> {
    for (const [leaf, keys] of this.leaves) for (const key of keys.keys()) yield [key, leaf];
  }

  private wordAt(level: number, index: number): number {
    return ((this.offsets[level] as number) + index) * LANES;
  }

  private lanesAt(level: number, index: number): number[] {
    const at = this.wordAt(level, index);
    return Array.from(this.words.subarray(at, at + LANES));
  }

  private xorInto(node: number, lanes: readonly number[]): void {
    const at = node * LANES;
    for (let lane = 0; lane < LANES; lane++) this.words[at + lane] = ((this.words[at + lane] as number) ^ (lanes[lane] as number)) >>> 0;
  }

  /** XORs `delta` into a leaf and each of its ancestors: the path recomputed in O(depth). */
  private applyToPath(leaf: number, delta: readonly number[]): void {
    let index = leaf;
    for (let level = this.depth; level >= 0; level--) {
      this.xorInto((this.offsets[level] as number) + index, delta);
      index = Math.floor(index / this.fanout);
    }
  }
}

export const EMPTY_HASH = ZERO;
