/**
 * A key's contribution to its Merkle leaf (paper §4.7): a 128-bit digest of the key and its
 * state, as 32 hex digits. Replicas holding the same state for a key must get the same digest
 * whatever order their versions and clock entries are in, and any other state a different one.
 *
 * What is hashed: the key; each version's dot (actor, counter) and deleted flag; each clock
 * entry (actor, counter, time, gaps). A version's value is named by its dot (a dot never names
 * two values), so it is left out, and so is a dot's time (the dot names it).
 *
 * How. Not MD5 over a sorted canonical string, as before: every write on every replica pays
 * for this, and building, sorting and hashing that string cost 2-4 us a key, enough that a
 * node's upkeep of its trees every maintenance round showed in the p99 latency
 * (docs/PERFORMANCE.md, "The third round"). Each element (the key, a version, a clock entry)
 * is hashed on its own into four 32-bit lanes, each lane a multiply-rotate hash with its own
 * seed, finished with MurmurHash3's mixer; the elements' lanes are added modulo 2^32, which
 * does not depend on their order, so nothing is sorted. Every element starts with a tag of its
 * kind and strings carry their length, so no element can pass for another. This is not a
 * cryptographic hash: it guards against accidental differences between replicas, not against
 * an adversary (anti-entropy compares replicas of one cluster with each other).
 */
import type { Siblings } from '../protocol/data.js';
import { forEachEntry } from './causal-context.js';
import { hex8 } from './merkle-tree.js';

const KEY_TAG = 0x6b657931;
const VERSION_TAG = 0x76657231;
const ENTRY_TAG = 0x656e7431;

/** Per lane: the seed and the multiplier of its hash. Odd constants from MurmurHash and xxHash. */
const SEED_0 = 0x9e3779b1;
const SEED_1 = 0x85ebca77;
const SEED_2 = 0xc2b2ae3d;
const SEED_3 = 0x27d4eb2f;
const M_0 = 0xcc9e2d51;
const M_1 = 0x1b873593;
const M_2 = 0x5bd1e995;
const M_3 = 0x165667b1;

// The running lanes of the element being hashed, and the sums over elements. Module state
// is safe: a digest is computed start to end without yielding.
let l0 = 0;
let l1 = 0;
let l2 = 0;
let l3 = 0;

/** The bits of a double, as two 32-bit words. */
const doubleBits = new Float64Array(1);
const doubleWords = new Uint32Array(doubleBits.buffer);

function begin(tag: number): void {
  l0 = SEED_0;
  l1 = SEED_1;
  l2 = SEED_2;
  l3 = SEED_3;
  word(tag);
}

function word(w: number): void {
  l0 = Math.imul(rotl(l0 ^ w, 13), M_0);
  l1 = Math.imul(rotl(l1 ^ w, 15), M_1);
  l2 = Math.imul(rotl(l2 ^ w, 17), M_2);
  l3 = Math.imul(rotl(l3 ^ w, 19), M_3);
}

function rotl(x: number, by: number): number {
  return (x << by) | (x >>> (32 - by));
}

/** A string: its length, then its UTF-16 code units two to a word. */
function text(s: string): void {
  const length = s.length;
  word(length);
  let i = 0;
  for (; i + 1 < length; i += 2) word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < length) word(s.charCodeAt(i));
}

/** A safe integer (counters): its low and high 32 bits. */
function integer(n: number): void {
  word(n >>> 0);
  word(Math.floor(n / 0x1_0000_0000) >>> 0);
}

/** A double (times), bit for bit, except that -0 is 0 (they are equal, and a time may come in as either). */
function double(x: number): void {
  doubleBits[0] = x + 0;
  word(doubleWords[0] as number);
  word(doubleWords[1] as number);
}

/** MurmurHash3's finalizer: every input bit moves every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** The digest of `key` holding `siblings`: 32 hex digits. */
export function stateDigest(key: string, siblings: Siblings): string {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const add = (): void => {
    s0 = (s0 + fmix(l0)) | 0;
    s1 = (s1 + fmix(l1)) | 0;
    s2 = (s2 + fmix(l2)) | 0;
    s3 = (s3 + fmix(l3)) | 0;
  };
  begin(KEY_TAG);
  text(key);
  add();
  for (const version of siblings.versions) {
    begin(VERSION_TAG);
    text(version.dot.actor);
    integer(version.dot.counter);
    word(version.deleted ? 1 : 0);
    add();
  }
  forEachEntry(siblings.context.clock, (actor, entry) => {
    begin(ENTRY_TAG);
    text(actor);
    integer(entry.counter);
    double(entry.timeMs);
    const gaps = entry.gaps ?? [];
    word(gaps.length);
    for (const [from, to] of gaps) {
      integer(from);
      integer(to);
    }
    add();
  });
  // Each lane's sum mixed once more on its own (a bijection: no bit of the sum is lost).
  return hex8(fmix(s0)) + hex8(fmix(s1)) + hex8(fmix(s2)) + hex8(fmix(s3));
}
