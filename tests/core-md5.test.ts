import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Hex, md5Position } from '../src/core/md5.js';

function nodeMd5(input: string): string {
  return createHash('md5').update(input, 'utf8').digest('hex');
}

describe('md5', () => {
  it('md5 - matches the RFC 1321 test suite', () => {
    const vectors: readonly (readonly [string, string])[] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        '57edf4a22be3c955ac49da2e2107b67a',
      ],
    ];
    for (const [input, digest] of vectors) expect(md5Hex(input)).toBe(digest);
  });

  it('md5 - pads correctly at every length around the 64-byte block boundary', () => {
    for (let length = 0; length <= 200; length++) {
      const input = 'x'.repeat(length);
      expect(md5Hex(input)).toBe(nodeMd5(input));
    }
  });

  it('md5 - agrees with node:crypto on 500 random strings, unicode included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.string({ unit: 'binary', maxLength: 100 }),
          // Any UTF-16 code units, so lone surrogates too (both encode them as U+FFFD).
          fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 100 }),
        ),
        (input) => {
          expect(md5Hex(input)).toBe(nodeMd5(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('md5 - hashes a long input that outgrows the scratch buffer, then short ones again', () => {
    const long = 'é𝄞a'.repeat(10_000);
    expect(md5Hex(long)).toBe(nodeMd5(long));
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('md5Position - is the hex digest, so string order is numeric order', () => {
    expect(md5Position('abc')).toBe(md5Hex('abc'));
    const positions = ['a', 'b', 'c', 'd', 'e'].map(md5Position);
    const byString = [...positions].sort();
    const byNumber = [...positions].sort((x, y) => (BigInt(`0x${x}`) < BigInt(`0x${y}`) ? -1 : 1));
    expect(byString).toEqual(byNumber);
  });
});
