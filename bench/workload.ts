/**
 * The bench's operations: which key, GET or PUT, and which value, all drawn from the seeded
 * PRNG so a run replays from its seed. Keys are the seed's key0..key{n-1}; every one is
 * written before measuring, so every GET reads a key that holds data.
 */
import { Prng } from '../src/util/prng.js';
import type { OpKind } from './logs.js';

export interface BenchOp {
  readonly op: OpKind;
  readonly key: string;
  readonly value: string;
}

/** Distinct values per run: enough variety without building a string per operation. */
const VALUE_POOL_SIZE = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class OpPlan {
  private readonly prng: Prng;
  private readonly values: string[];
  readonly keys: readonly string[];

  constructor(seed: number, keyCount: number, private readonly readRatio: number, valueBytes: number) {
    this.prng = new Prng(seed);
    this.keys = Array.from({ length: keyCount }, (_, i) => `key${i}`);
    this.values = Array.from({ length: VALUE_POOL_SIZE }, () => randomText(this.prng, valueBytes));
  }

  /** The value written to `key` by the preload. */
  preloadValue(index: number): string {
    return this.values[index % this.values.length] ?? '';
  }

  next(): BenchOp {
    const op: OpKind = this.prng.nextFloat() < this.readRatio ? 'GET' : 'PUT';
    const key = this.keys[this.prng.nextInt(this.keys.length)] ?? 'key0';
    const value = this.values[this.prng.nextInt(this.values.length)] ?? '';
    return { op, key, value };
  }
}

function randomText(prng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[prng.nextInt(ALPHABET.length)];
  return out;
}
