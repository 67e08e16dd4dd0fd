/**
 * The shopping cart: the value Dynamo stores is a CRDT, so the siblings a get returns merge
 * to the same cart in any order, grouping and repetition, keep every concurrent add, and
 * never count a change twice (the seed summed sibling quantities and did).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCartOp, CartError, cartQuantities, EMPTY_CART, mergeCarts, type CartChange, type CartState } from '../src/control/job/cart.js';

const SEED = 2007;
const SKUS = ['apple', 'pear', 'milk'];
const ACTORS = ['client1', 'client2', 'cart1'];

const counters = fc.dictionary(fc.constantFrom(...SKUS), fc.dictionary(fc.constantFrom(...ACTORS), fc.nat({ max: 50 })));
const cartState: fc.Arbitrary<CartState> = fc.record({ v: fc.constant(1 as const), adds: counters, removes: counters });
const change: fc.Arbitrary<CartChange> = fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), sku: fc.constantFrom(...SKUS), qty: fc.integer({ min: 1, max: 5 }) });

/** A state one client reached by its own changes, one after the other. */
const history = (actor: string, changes: readonly CartChange[], from: CartState = EMPTY_CART): CartState => changes.reduce((state, c) => applyCartOp(state, actor, c), from);

describe('cart - merging siblings', () => {
  it('cart - siblings merge to the same cart in any order, grouping and repetition', () => {
    fc.assert(
      fc.property(fc.array(cartState, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (states, picks) => {
        const once = mergeCarts(states);
        const shuffled = [...states].reverse();
        const repeated = [...shuffled, ...picks.map((i) => states[i % states.length])];
        expect(mergeCarts(repeated)).toEqual(once);
        const grouped = mergeCarts([mergeCarts(states.slice(0, 2)), mergeCarts(states.slice(2))]);
        expect(grouped).toEqual(once);
      }),
      { seed: SEED },
    );
  });

  it('cart - re-merging a merged cart with one of its inputs changes nothing', () => {
    fc.assert(
      fc.property(fc.array(cartState, { minLength: 1, maxLength: 5 }), fc.nat(), (states, pick) => {
        const merged = mergeCarts(states);
        expect(mergeCarts([merged, states[pick % states.length]])).toEqual(merged);
        expect(cartQuantities(mergeCarts([merged, merged]))).toEqual(cartQuantities(merged));
      }),
      { seed: SEED },
    );
  });

  it('cart - two clients adding concurrently to the same cart merge to the sum of both adds', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 6 }), fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (past, sku, qa, qb) => {
        const base = history('cart1', past);
        const before = cartQuantities(base)[sku] ?? 0;
        const a = applyCartOp(base, 'client1', { op: 'add', sku, qty: qa });
        const b = applyCartOp(base, 'client2', { op: 'add', sku, qty: qb });
        expect(cartQuantities(mergeCarts([a, b]))[sku]).toBe(before + qa + qb);
        // The common past is in both siblings and still counts once.
        for (const other of SKUS.filter((s) => s !== sku)) expect(cartQuantities(mergeCarts([a, b]))[other]).toBe(cartQuantities(base)[other]);
      }),
      { seed: SEED },
    );
  });

  it('cart - what both siblings inherited counts once, where the seed counted it twice', () => {
    const base = applyCartOp(EMPTY_CART, 'client1', { op: 'add', sku: 'apple', qty: 2 });
    const withPear = applyCartOp(base, 'client1', { op: 'add', sku: 'pear', qty: 1 });
    const withMilk = applyCartOp(base, 'client2', { op: 'add', sku: 'milk', qty: 1 });
    expect(cartQuantities(mergeCarts([withPear, withMilk]))).toEqual({ apple: 2, milk: 1, pear: 1 });
  });

  it('cart - no siblings is the empty cart', () => {
    expect(mergeCarts([])).toEqual(EMPTY_CART);
    expect(cartQuantities(EMPTY_CART)).toEqual({});
  });
});

describe('cart - changes', () => {
  it('cart - one client\'s adds and removes give the quantities of its script', () => {
    const state = history('client1', [
      { op: 'add', sku: 'apple', qty: 2 },
      { op: 'add', sku: 'pear', qty: 1 },
      { op: 'remove', sku: 'apple', qty: 1 },
      { op: 'remove', sku: 'pear', qty: 1 },
    ]);
    expect(cartQuantities(state)).toEqual({ apple: 1 });
    expect(state).toEqual({ v: 1, adds: { apple: { client1: 2 }, pear: { client1: 1 } }, removes: { apple: { client1: 1 }, pear: { client1: 1 } } });
  });

  it('cart - a remove takes at most what the client sees, so an add after it is not swallowed', () => {
    const state = history('client1', [
      { op: 'add', sku: 'apple', qty: 1 },
      { op: 'remove', sku: 'apple', qty: 5 },
      { op: 'add', sku: 'apple', qty: 1 },
    ]);
    expect(cartQuantities(state)).toEqual({ apple: 1 });
  });

  it('cart - two concurrent removes of the last item show 0, not a negative quantity', () => {
    const base = applyCartOp(EMPTY_CART, 'client1', { op: 'add', sku: 'apple', qty: 1 });
    const a = applyCartOp(base, 'client1', { op: 'remove', sku: 'apple', qty: 1 });
    const b = applyCartOp(base, 'client2', { op: 'remove', sku: 'apple', qty: 1 });
    expect(cartQuantities(mergeCarts([a, b]))).toEqual({});
  });

  it('cart - quantities never go negative, whatever siblings merge', () => {
    fc.assert(
      fc.property(fc.array(cartState, { maxLength: 4 }), (states) => {
        expect(Object.values(cartQuantities(mergeCarts(states))).every((q) => q > 0)).toBe(true);
      }),
      { seed: SEED },
    );
  });

  it('cart - a state survives JSON and structured clone, a "__proto__" sku included', () => {
    const state = applyCartOp(EMPTY_CART, 'client1', { op: 'add', sku: '__proto__', qty: 3 });
    expect(cartQuantities(mergeCarts([JSON.parse(JSON.stringify(state)), structuredClone(state)]))).toEqual(Object.fromEntries([['__proto__', 3]]));
  });
});

describe('cart - refusals', () => {
  const refusal = (siblings: unknown[]): string => {
    try {
      mergeCarts(siblings);
    } catch (error) {
      if (error instanceof CartError) return error.message;
      throw error;
    }
    throw new Error('accepted');
  };

  it('cart - a sibling that is not a cart state is named with what is wrong', () => {
    expect(refusal(['Alice'])).toBe('the cart: expected an object, got "Alice"');
    expect(refusal([EMPTY_CART, { v: 2, adds: {}, removes: {} }])).toBe('sibling 1: field "v": expected 1 (the cart format version), got 2');
    expect(refusal([EMPTY_CART, { v: 1, adds: {}, removes: {}, total: 3 }])).toBe('sibling 1: unknown field "total"; a cart state has v, adds, removes');
    expect(refusal([{ v: 1, adds: [], removes: {} }, EMPTY_CART])).toBe('sibling 0: field "adds": expected an object, got an array');
    expect(refusal([{ v: 1, adds: { apple: { c: -1 } }, removes: {} }, EMPTY_CART])).toBe('sibling 0: field "adds.apple.c": expected a non-negative integer, got -1');
    expect(refusal([{ v: 1, adds: {}, removes: { apple: 2 } }])).toBe('the cart: field "removes.apple": expected an object, got 2');
  });

  it('cart - a change needs an actor, a sku and a positive integer quantity', () => {
    expect(() => applyCartOp(EMPTY_CART, '', { op: 'add', sku: 'a', qty: 1 })).toThrow(CartError);
    expect(() => applyCartOp(EMPTY_CART, 'c', { op: 'add', sku: 'a', qty: 0 })).toThrow('the quantity must be a positive integer, got 0');
    expect(() => applyCartOp(EMPTY_CART, 'c', { op: 'add', sku: '', qty: 1 })).toThrow('the sku must be a non-empty string');
  });
});
