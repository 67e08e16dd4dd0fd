/**
 * YCSB's key choosers, ported from site.ycsb.generator so that a workload here skews its keys
 * exactly as YCSB does: UniformLongGenerator, ZipfianGenerator (Gray et al., "Quickly
 * Generating Billion-Record Synthetic Databases", SIGMOD 1994), ScrambledZipfianGenerator and
 * SkewedLatestGenerator. Randomness comes from a seeded Prng instead of ThreadLocalRandom.
 */
import type { Prng } from '../../src/util/prng.js';

/** YCSB's ZipfianGenerator.ZIPFIAN_CONSTANT: the skew of every zipfian CoreWorkload. */
export const ZIPFIAN_CONSTANT = 0.99;

/** A source of item numbers. */
export interface NumberGenerator {
  next(): number;
}

/** Items in [min, max], all equally likely (YCSB's UniformLongGenerator). */
export class UniformGenerator implements NumberGenerator {
  private readonly count: number;

  constructor(
    private readonly rng: Prng,
    private readonly min: number,
    max: number,
  ) {
    if (max < min) throw new RangeError(`uniform range is empty: [${min}, ${max}]`);
    this.count = max - min + 1;
  }

  next(): number {
    return this.min + this.rng.nextInt(this.count);
  }
}

/**
 * Items in [min, max] with popularity following Zipf's law: item `min` is the most popular,
 * then min+1, and so on. As in YCSB, the item count may grow between calls (`nextLong` with a
 * larger count), and zeta is then extended incrementally rather than recomputed.
 */
export class ZipfianGenerator implements NumberGenerator {
  private readonly items: number;
  private readonly base: number;
  private readonly theta: number;
  private readonly zeta2theta: number;
  private readonly alpha: number;
  private zetan: number;
  private eta: number;
  private countForZeta: number;

  /**
   * @param zetan zeta(max - min + 1, theta) when already known; computing it costs one
   *   Math.pow per item, which is why YCSB hard-codes it for its 10^10-item scrambled zipfian.
   */
  constructor(
    private readonly rng: Prng,
    min: number,
    max: number,
    zipfianConstant: number = ZIPFIAN_CONSTANT,
    zetan?: number,
  ) {
    this.items = max - min + 1;
    this.base = min;
    this.theta = zipfianConstant;
    this.zeta2theta = zeta(0, 2, this.theta, 0);
    this.alpha = 1 / (1 - this.theta);
    this.zetan = zetan ?? zeta(0, this.items, this.theta, 0);
    this.countForZeta = this.items;
    this.eta = this.computeEta();
  }

  next(): number {
    return this.nextLong(this.items);
  }

  /** The next item among the first `itemCount` items, starting at `min`. */
  nextLong(itemCount: number): number {
    // YCSB only ever grows the count (allowitemcountdecrease is false): a smaller count keeps
    // the larger zeta, exactly as there.
    if (itemCount > this.countForZeta) {
      this.zetan = zeta(this.countForZeta, itemCount, this.theta, this.zetan);
      this.countForZeta = itemCount;
      this.eta = this.computeEta();
    }
    const u = this.rng.nextFloat();
    const uz = u * this.zetan;
    if (uz < 1) return this.base;
    if (uz < 1 + Math.pow(0.5, this.theta)) return this.base + 1;
    const scaled = itemCount * Math.pow(this.eta * u - this.eta + 1, this.alpha);
    // Java's (long) cast turns NaN into 0; eta is NaN for a one-item generator that grew.
    return this.base + (Number.isNaN(scaled) ? 0 : Math.floor(scaled));
  }

  private computeEta(): number {
    // YCSB uses the constructor's item count here even after the count has grown; kept as is
    // so that the distribution matches YCSB's, quirk included.
    return (1 - Math.pow(2 / this.items, 1 - this.theta)) / (1 - this.zeta2theta / this.zetan);
  }
}

/** YCSB's ScrambledZipfianGenerator.ITEM_COUNT: the zipfian runs over 10^10 items... */
const SCRAMBLED_ITEM_COUNT = 10_000_000_000;
/** ...whose zeta for theta 0.99 YCSB precomputed (ScrambledZipfianGenerator.ZETAN). */
const SCRAMBLED_ZETAN = 26.46902820178302;

/**
 * Zipfian popularity with the popular items scattered over [min, max] instead of clustered at
 * `min`: a zipfian over 10^10 items, hashed with FNV-1a 64, modulo the item count. This is
 * what YCSB's requestdistribution=zipfian uses.
 */
export class ScrambledZipfianGenerator implements NumberGenerator {
  private readonly zipfian: ZipfianGenerator;
  private readonly itemCount: bigint;

  constructor(
    rng: Prng,
    private readonly min: number,
    max: number,
  ) {
    if (max < min) throw new RangeError(`scrambled zipfian range is empty: [${min}, ${max}]`);
    this.itemCount = BigInt(max - min + 1);
    this.zipfian = new ZipfianGenerator(rng, 0, SCRAMBLED_ITEM_COUNT, ZIPFIAN_CONSTANT, SCRAMBLED_ZETAN);
  }

  next(): number {
    return this.min + Number(fnvHash64(this.zipfian.next()) % this.itemCount);
  }
}

/**
 * Recent items are the popular ones: a zipfian over the distance from the latest item. The
 * latest item is read from `latest()` at every call, so keys inserted during the run become
 * the hottest as soon as they exist (YCSB's SkewedLatestGenerator).
 */
export class SkewedLatestGenerator implements NumberGenerator {
  private readonly zipfian: ZipfianGenerator;

  constructor(
    rng: Prng,
    private readonly latest: () => number,
  ) {
    this.zipfian = new ZipfianGenerator(rng, 0, latest() - 1);
  }

  next(): number {
    const max = this.latest();
    return max - this.zipfian.nextLong(max);
  }
}

const FNV_OFFSET_BASIS_64 = 0xcbf29ce484222325n;
const FNV_PRIME_64 = 1099511628211n;

/**
 * YCSB's Utils.fnvhash64: FNV-1a over the 8 little-endian bytes of a long, as a non-negative
 * long. Java's Math.abs(Long.MIN_VALUE) stays negative; here it gives 2^63, a difference in
 * one input out of 2^64 that keeps every result in range.
 */
export function fnvHash64(value: number): bigint {
  let rest = BigInt.asIntN(64, BigInt(value));
  let hash = BigInt.asIntN(64, FNV_OFFSET_BASIS_64);
  for (let i = 0; i < 8; i++) {
    const octet = rest & 0xffn;
    rest >>= 8n; // arithmetic shift, as Java's >> on a long
    hash = BigInt.asIntN(64, (hash ^ octet) * FNV_PRIME_64);
  }
  return hash < 0n ? -hash : hash;
}

/** Sum of 1/i^theta for i in (st, n], added to `initialSum` (YCSB's zetastatic). */
function zeta(st: number, n: number, theta: number, initialSum: number): number {
  let sum = initialSum;
  for (let i = st; i < n; i++) sum += 1 / Math.pow(i + 1, theta);
  return sum;
}
