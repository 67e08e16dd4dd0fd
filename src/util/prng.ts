/**
 * A small seeded pseudo-random number generator for the simulator and the benchmark: xoshiro128** (Blackman and
 * Vigna), seeded through splitmix32.
 *
 * Why not Math.random: a bench run prints its seed, and the same seed must replay the same key
 * choices, the same operation mix and the same values. Why xoshiro128** rather than mulberry32:
 * it has 128 bits of state (period 2^128 - 1), so streams split from one seed do not overlap in
 * practice, and it passes BigCrush; it still needs nothing but 32-bit integer arithmetic.
 */

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** A deterministic generator: the same seed always yields the same sequence. */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any non-negative safe integer; both its low and high 32 bits feed the state,
   *   so seeds that differ only above bit 31 still give different sequences.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    // splitmix32 turns a low-entropy seed (0, 1, 2...) into a well-mixed state; xoshiro must
    // never start from the all-zero state, which splitmix32's outputs cannot all be.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32) >>> 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The next 32-bit unsigned integer, uniform over [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float uniform over [0, 1) with 53 random bits, like Java's Random.nextDouble. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 0x400_0000 + low) / TWO_POW_53;
  }

  /**
   * An integer uniform over [0, maxExclusive). Unbiased: ranges up to 2^32 use rejection
   * sampling, larger ones (up to 2^53) scale a 53-bit float, whose bias is below 2^-21.
   */
  nextInt(maxExclusive: number): number {
    if (!Number.isSafeInteger(maxExclusive) || maxExclusive < 1) {
      throw new RangeError(`maxExclusive must be a positive safe integer, got ${maxExclusive}`);
    }
    if (maxExclusive > TWO_POW_32) return Math.floor(this.nextFloat() * maxExclusive);
    // Draws at or above `limit` would make the low residues more likely than the high ones.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (;;) {
      const draw = this.nextUint32();
      if (draw < limit) return draw % maxExclusive;
    }
  }

  /**
   * A new generator seeded from this one. Each concern of a run (key choice, operation mix,
   * values) takes its own stream, so changing how many numbers one of them draws does not
   * shift the others.
   */
  split(): Prng {
    // 53 bits of this stream become the child's seed; splitmix32 re-mixes them.
    return new Prng(Math.floor(this.nextFloat() * TWO_POW_53));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
