/**
 * MD5 (RFC 1321) in plain TypeScript.
 *
 * The core must stay free of runtime modules, so it cannot use `node:crypto`.
 * Dynamo hashes every key with MD5 to place it on the ring (paper §4.1, §4.2),
 * which puts this function on the hot path of every request: it encodes the
 * string straight into a reused byte buffer and works on 32-bit words, with no
 * per-byte string building.
 */

/** Two lowercase hex digits for every byte value. */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Scratch space reused across calls. The functions below are synchronous and
 * never call out while the buffer is in use, so sharing it is safe and saves
 * an allocation per hash. It grows (to a power of two) when a longer input arrives.
 */
let scratch = new Uint8Array(256);
const state = new Int32Array(4);

/** Worst case UTF-8 size of `input` plus MD5 padding: 3 bytes per UTF-16 code unit, then 72 bytes. */
function ensureScratch(input: string): Uint8Array {
  const needed = input.length * 3 + 72;
  if (scratch.length < needed) {
    let size = scratch.length;
    while (size < needed) size *= 2;
    scratch = new Uint8Array(size);
  }
  return scratch;
}

/**
 * Writes the UTF-8 encoding of `input` into `buf` from offset 0 and returns the
 * byte length. Lone surrogates become U+FFFD, as TextEncoder and Node's Buffer do.
 */
function encodeUtf8(input: string, buf: Uint8Array): number {
  let at = 0;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    let c = input.charCodeAt(i);
    if (c < 0x80) {
      buf[at++] = c;
    } else if (c < 0x800) {
      buf[at++] = 0xc0 | (c >>> 6);
      buf[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? input.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buf[at++] = 0xf0 | (c >>> 18);
        buf[at++] = 0x80 | ((c >>> 12) & 0x3f);
        buf[at++] = 0x80 | ((c >>> 6) & 0x3f);
        buf[at++] = 0x80 | (c & 0x3f);
      } else {
        // Lone surrogate: U+FFFD REPLACEMENT CHARACTER.
        buf[at++] = 0xef;
        buf[at++] = 0xbf;
        buf[at++] = 0xbd;
      }
    } else {
      buf[at++] = 0xe0 | (c >>> 12);
      buf[at++] = 0x80 | ((c >>> 6) & 0x3f);
      buf[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}

/** The little-endian 32-bit word at `p`. Callers keep `p + 3` in range; `?? 0` only satisfies noUncheckedIndexedAccess. */
function word(buf: Uint8Array, p: number): number {
  return (buf[p] ?? 0) | ((buf[p + 1] ?? 0) << 8) | ((buf[p + 2] ?? 0) << 16) | ((buf[p + 3] ?? 0) << 24);
}

/**
 * Runs the MD5 compression function over the 64-byte block at `offset`,
 * updating `state`. Each of the 64 steps of RFC 1321 §3.4 is written out
 * (a = b + ((a + f(b, c, d) + X[k] + T[i]) <<< s)), like the RFC's reference
 * code with its macros expanded, so the hot path has no tables and no
 * branches. Sums of four 32-bit values stay exact below 2^53, so `| 0` wraps
 * them correctly.
 */
function compress(buf: Uint8Array, offset: number): void {
  const x0 = word(buf, offset + 0);
  const x1 = word(buf, offset + 4);
  const x2 = word(buf, offset + 8);
  const x3 = word(buf, offset + 12);
  const x4 = word(buf, offset + 16);
  const x5 = word(buf, offset + 20);
  const x6 = word(buf, offset + 24);
  const x7 = word(buf, offset + 28);
  const x8 = word(buf, offset + 32);
  const x9 = word(buf, offset + 36);
  const x10 = word(buf, offset + 40);
  const x11 = word(buf, offset + 44);
  const x12 = word(buf, offset + 48);
  const x13 = word(buf, offset + 52);
  const x14 = word(buf, offset + 56);
  const x15 = word(buf, offset + 60);
  const a0 = state[0] ?? 0;
  const b0 = state[1] ?? 0;
  const c0 = state[2] ?? 0;
  const d0 = state[3] ?? 0;
  let a = a0;
  let b = b0;
  let c = c0;
  let d = d0;

  let t: number;
  // Round 1: F(X,Y,Z) = XY v not(X) Z.
  t = (a + ((b & c) | (~b & d)) + x0 + 0xd76aa478) | 0;
  a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x1 + 0xe8c7b756) | 0;
  d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x2 + 0x242070db) | 0;
  c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x3 + 0xc1bdceee) | 0;
  b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x4 + 0xf57c0faf) | 0;
  a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x5 + 0x4787c62a) | 0;
  d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x6 + 0xa8304613) | 0;
  c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x7 + 0xfd469501) | 0;
  b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x8 + 0x698098d8) | 0;
  a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x9 + 0x8b44f7af) | 0;
  d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x10 + 0xffff5bb1) | 0;
  c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x11 + 0x895cd7be) | 0;
  b = (c + ((t << 22) | (t >>> 10))) | 0;
  t = (a + ((b & c) | (~b & d)) + x12 + 0x6b901122) | 0;
  a = (b + ((t << 7) | (t >>> 25))) | 0;
  t = (d + ((a & b) | (~a & c)) + x13 + 0xfd987193) | 0;
  d = (a + ((t << 12) | (t >>> 20))) | 0;
  t = (c + ((d & a) | (~d & b)) + x14 + 0xa679438e) | 0;
  c = (d + ((t << 17) | (t >>> 15))) | 0;
  t = (b + ((c & d) | (~c & a)) + x15 + 0x49b40821) | 0;
  b = (c + ((t << 22) | (t >>> 10))) | 0;
  // Round 2: G(X,Y,Z) = XZ v Y not(Z).
  t = (a + ((b & d) | (c & ~d)) + x1 + 0xf61e2562) | 0;
  a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x6 + 0xc040b340) | 0;
  d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x11 + 0x265e5a51) | 0;
  c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x0 + 0xe9b6c7aa) | 0;
  b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x5 + 0xd62f105d) | 0;
  a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x10 + 0x02441453) | 0;
  d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x15 + 0xd8a1e681) | 0;
  c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x4 + 0xe7d3fbc8) | 0;
  b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x9 + 0x21e1cde6) | 0;
  a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x14 + 0xc33707d6) | 0;
  d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x3 + 0xf4d50d87) | 0;
  c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x8 + 0x455a14ed) | 0;
  b = (c + ((t << 20) | (t >>> 12))) | 0;
  t = (a + ((b & d) | (c & ~d)) + x13 + 0xa9e3e905) | 0;
  a = (b + ((t << 5) | (t >>> 27))) | 0;
  t = (d + ((a & c) | (b & ~c)) + x2 + 0xfcefa3f8) | 0;
  d = (a + ((t << 9) | (t >>> 23))) | 0;
  t = (c + ((d & b) | (a & ~b)) + x7 + 0x676f02d9) | 0;
  c = (d + ((t << 14) | (t >>> 18))) | 0;
  t = (b + ((c & a) | (d & ~a)) + x12 + 0x8d2a4c8a) | 0;
  b = (c + ((t << 20) | (t >>> 12))) | 0;
  // Round 3: H(X,Y,Z) = X xor Y xor Z.
  t = (a + (b ^ c ^ d) + x5 + 0xfffa3942) | 0;
  a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x8 + 0x8771f681) | 0;
  d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x11 + 0x6d9d6122) | 0;
  c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x14 + 0xfde5380c) | 0;
  b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x1 + 0xa4beea44) | 0;
  a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x4 + 0x4bdecfa9) | 0;
  d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x7 + 0xf6bb4b60) | 0;
  c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x10 + 0xbebfbc70) | 0;
  b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x13 + 0x289b7ec6) | 0;
  a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x0 + 0xeaa127fa) | 0;
  d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x3 + 0xd4ef3085) | 0;
  c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x6 + 0x04881d05) | 0;
  b = (c + ((t << 23) | (t >>> 9))) | 0;
  t = (a + (b ^ c ^ d) + x9 + 0xd9d4d039) | 0;
  a = (b + ((t << 4) | (t >>> 28))) | 0;
  t = (d + (a ^ b ^ c) + x12 + 0xe6db99e5) | 0;
  d = (a + ((t << 11) | (t >>> 21))) | 0;
  t = (c + (d ^ a ^ b) + x15 + 0x1fa27cf8) | 0;
  c = (d + ((t << 16) | (t >>> 16))) | 0;
  t = (b + (c ^ d ^ a) + x2 + 0xc4ac5665) | 0;
  b = (c + ((t << 23) | (t >>> 9))) | 0;
  // Round 4: I(X,Y,Z) = Y xor (X v not(Z)).
  t = (a + (c ^ (b | ~d)) + x0 + 0xf4292244) | 0;
  a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x7 + 0x432aff97) | 0;
  d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x14 + 0xab9423a7) | 0;
  c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x5 + 0xfc93a039) | 0;
  b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x12 + 0x655b59c3) | 0;
  a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x3 + 0x8f0ccc92) | 0;
  d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x10 + 0xffeff47d) | 0;
  c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x1 + 0x85845dd1) | 0;
  b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x8 + 0x6fa87e4f) | 0;
  a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x15 + 0xfe2ce6e0) | 0;
  d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x6 + 0xa3014314) | 0;
  c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x13 + 0x4e0811a1) | 0;
  b = (c + ((t << 21) | (t >>> 11))) | 0;
  t = (a + (c ^ (b | ~d)) + x4 + 0xf7537e82) | 0;
  a = (b + ((t << 6) | (t >>> 26))) | 0;
  t = (d + (b ^ (a | ~c)) + x11 + 0xbd3af235) | 0;
  d = (a + ((t << 10) | (t >>> 22))) | 0;
  t = (c + (a ^ (d | ~b)) + x2 + 0x2ad7d2bb) | 0;
  c = (d + ((t << 15) | (t >>> 17))) | 0;
  t = (b + (d ^ (c | ~a)) + x9 + 0xeb86d391) | 0;
  b = (c + ((t << 21) | (t >>> 11))) | 0;

  state[0] = (a0 + a) | 0;
  state[1] = (b0 + b) | 0;
  state[2] = (c0 + c) | 0;
  state[3] = (d0 + d) | 0;
}

/** MD5 of the UTF-8 bytes of `input`, as 32 lowercase hex characters. */
export function md5Hex(input: string): string {
  const buf = ensureScratch(input);
  const length = encodeUtf8(input, buf);

  // Padding: 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit little-endian integer.
  const total = (((length + 8) >>> 6) + 1) << 6;
  buf[length] = 0x80;
  buf.fill(0, length + 1, total - 8);
  const bitsLow = (length << 3) >>> 0;
  const bitsHigh = Math.floor(length / 0x20000000);
  buf[total - 8] = bitsLow & 0xff;
  buf[total - 7] = (bitsLow >>> 8) & 0xff;
  buf[total - 6] = (bitsLow >>> 16) & 0xff;
  buf[total - 5] = bitsLow >>> 24;
  buf[total - 4] = bitsHigh & 0xff;
  buf[total - 3] = (bitsHigh >>> 8) & 0xff;
  buf[total - 2] = (bitsHigh >>> 16) & 0xff;
  buf[total - 1] = bitsHigh >>> 24;

  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  for (let offset = 0; offset < total; offset += 64) compress(buf, offset);

  // The digest is the state words in little-endian byte order.
  let hex = '';
  for (let w = 0; w < 4; w++) {
    const v = state[w] ?? 0;
    hex +=
      (HEX_BYTE[v & 0xff] ?? '') +
      (HEX_BYTE[(v >>> 8) & 0xff] ?? '') +
      (HEX_BYTE[(v >>> 16) & 0xff] ?? '') +
      (HEX_BYTE[v >>> 24] ?? '');
  }
  return hex;
}

/**
 * Position of `input` on the consistent-hash ring: its MD5 as 32 lowercase hex
 * characters. Fixed-width lowercase hex strings compare with `<` exactly as the
 * 128-bit numbers they spell, so positions need no big-integer arithmetic.
 */
export const md5Position: (input: string) => string = md5Hex;
