/**
 * IdMap (src/core/id-map.ts): the map the core and the hosts keep per request and per timer.
 * It must behave as a Map of integer ids whatever the order ids come and go in, including
 * long-lived ids that newer ones push aside and growth past its first capacity.
 */
import { describe, expect, it } from 'vitest';
import { IdMap } from '../src/core/id-map.js';
import { Prng } from '../src/util/prng.js';

describe('IdMap', () => {
  it('gets, sets, replaces and deletes like a Map', () => {
    const map = new IdMap<string>(4);
    expect(map.get(1)).toBeUndefined();
    map.set(1, 'a');
    map.set(2, 'b');
    map.set(1, 'A');
    expect(map.get(1)).toBe('A');
    expect(map.size).toBe(2);
    expect(map.has(2)).toBe(true);
    expect(map.delete(2)).toBe(true);
    expect(map.delete(2)).toBe(false);
    expect(map.has(2)).toBe(false);
    expect(map.size).toBe(1);
  });

  it('misses ids it never took, the empty marker and non-integers included, without changing', () => {
    const map = new IdMap<string>(4);
    map.set(0, 'zero');
    for (const id of [-1, -5, 1.5, Number.NaN, 4, 2 ** 40]) {
      expect(map.get(id)).toBeUndefined();
      expect(map.has(id)).toBe(false);
      expect(map.delete(id)).toBe(false);
    }
    expect(map.size).toBe(1);
    expect(() => map.set(-1, 'x')).toThrow(RangeError);
    expect(() => map.set(1.5, 'x')).toThrow(RangeError);
  });

  it('keeps a long-lived id when newer ones take its slot, and grows when many do', () => {
    const map = new IdMap<number>(4);
    map.set(0, 0);
    for (let id = 1; id < 1000; id++) {
      map.set(id, id);
      if (id > 3) map.delete(id - 3);
    }
    expect(map.get(0)).toBe(0);
    expect(map.keys().sort((a, b) => a - b)).toEqual([0, 997, 998, 999]);
    // Many alive at once: all kept.
    for (let id = 1000; id < 3000; id++) map.set(id, id);
    expect(map.size).toBe(2004);
    for (let id = 1000; id < 3000; id++) expect(map.get(id)).toBe(id);
    expect(map.values().length).toBe(2004);
  });

  it('agrees with a Map under random sets and deletes of mostly increasing ids', () => {
    const random = new Prng(42);
    const map = new IdMap<number>(8);
    const model = new Map<number, number>();
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      const roll = random.nextFloat();
      if (roll < 0.45) {
        const id = next++;
        map.set(id, step);
        model.set(id, step);
      } else if (roll < 0.9 && model.size > 0) {
        // Mostly the recent ones end; now and then an old one.
        const ids = [...model.keys()];
        const id = ids[random.nextFloat() < 0.9 ? ids.length - 1 - Math.floor(random.nextFloat() * Math.min(8, ids.length)) : Math.floor(random.nextFloat() * ids.length)] as number;
        expect(map.delete(id)).toBe(model.delete(id));
      } else {
        const id = Math.floor(random.nextFloat() * (next + 5));
        expect(map.get(id)).toBe(model.get(id));
      }
      expect(map.size).toBe(model.size);
    }
    expect(new Map(map.keys().map((id) => [id, map.get(id)]))).toEqual(model);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.keys()).toEqual([]);
  });
});
