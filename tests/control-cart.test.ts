/**
 * The shopping cart: the value Dynamo stores is an observed-remove CRDT of unit records, so
 * the siblings a get returns merge to the same cart in any order, grouping and repetition,
 * keep every add (a remove cancels only units it saw), and never count a change twice (the
 * seed summed sibling quantities; the PN-counter after it let two removes of one unit
 * swallow the next add).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyCartOp, CART_LIMITS, CartError, cartQuantities, EMPTY_CART, mergeCarts, type CartChange, type CartState, type CartUnit } from '../src/control/job/cart.js';

const SEED = 2007;
const SKUS = ['apple', 'pear', 'milk'];

let minted = 0;
/** A unit id no other add in this file uses, as the cart program's `${clientId}.${randomUUID()}` is. */
const freshId = (actor: string): string => `${actor}.${String(minted++).padStart(6, '0')}`;

/** The cart after `actor` makes `change`, with a fresh unit id for an add. */
const apply = (state: CartState, actor: string, change: CartChange): CartState => applyCartOp(state, change, freshId(actor));
const add = (sku: string, qty = 1): CartChange => ({ op: 'add', sku, qty });
const remove = (sku: string, qty = 1): CartChange => ({ op: 'remove', sku, qty });

/** A state one client reached by its own changes, one after the other. */
const history = (actor: string, changes: readonly CartChange[], from: CartState = EMPTY_CART): CartState => changes.reduce((state, c) => apply(state, actor, c), from);

/**
 * Valid states drawn from one pool of units, so that states made apart agree on each unit's
 * sku and qty (as real replicas do) and differ only in which units they hold and how much of
 * each is removed.
 */
const cartState: fc.Arbitrary<CartState> = fc.array(fc.record({ n: fc.nat({ max: 29 }), removed: fc.nat({ max: 4 }) }), { maxLength: 12 }).map((picks) => {
  const units: Record<string, Record<string, CartUnit>> = {};
  for (const { n, removed } of picks) {
    const sku = SKUS[n % SKUS.length] ?? 'apple';
    const qty = (n % 4) + 1;
    units[sku] = { ...units[sku], [`u${String(n).padStart(2, '0')}`]: { qty, removed: Math.min(removed, qty) } };
  }
  return { v: 2, units };
});
const change: fc.Arbitrary<CartChange> = fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), sku: fc.constantFrom(...SKUS), qty: fc.integer({ min: 1, max: 5 }) });

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
        expect(mergeCarts([merged, merged])).toEqual(merged);
      }),
      { seed: SEED },
    );
  });

  it('cart - two clients adding concurrently to the same cart merge to the sum of both adds', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 6 }), fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), (past, sku, qa, qb) => {
        const base = history('cart1', past);
        const before = cartQuantities(base)[sku] ?? 0;
        const a = apply(base, 'client1', add(sku, qa));
        const b = apply(base, 'client2', add(sku, qb));
        const merged = cartQuantities(mergeCarts([a, b]));
        expect(merged[sku]).toBe(before + qa + qb);
        // The common past is in both siblings and still counts once.
        for (const other of SKUS.filter((s) => s !== sku)) expect(merged[other]).toBe(cartQuantities(base)[other]);
      }),
      { seed: SEED },
    );
  });

  it('cart - what both siblings inherited counts once, where the seed counted it twice', () => {
    const base = apply(EMPTY_CART, 'client1', add('apple', 2));
    const withPear = apply(base, 'client1', add('pear'));
    const withMilk = apply(base, 'client2', add('milk'));
    expect(cartQuantities(mergeCarts([withPear, withMilk]))).toEqual({ apple: 2, milk: 1, pear: 1 });
  });

  it('cart - no siblings is the empty cart', () => {
    expect(mergeCarts([])).toEqual(EMPTY_CART);
    expect(cartQuantities(EMPTY_CART)).toEqual({});
  });
});

describe('cart - removes', () => {
  it('cart - two clients removing the same last unit concurrently cancel it once, and the next add shows 1', () => {
    // The PN-counter's lost add: both removes counted, and the next add showed 0.
    const base = apply(EMPTY_CART, 'client1', add('apple'));
    const a = apply(base, 'client1', remove('apple'));
    const b = apply(base, 'client2', remove('apple'));
    const merged = mergeCarts([a, b]);
    expect(cartQuantities(merged)).toEqual({});
    expect(cartQuantities(apply(merged, 'client3', add('apple')))).toEqual({ apple: 1 });
  });

  it('cart - concurrent removes of different units both count', () => {
    const a = history('client1', [add('apple'), remove('apple')]);
    const b = history('client2', [add('apple'), remove('apple')]);
    expect(cartQuantities(mergeCarts([a, b]))).toEqual({});
    const c = history('client1', [add('apple'), add('pear')]);
    expect(cartQuantities(mergeCarts([apply(c, 'client1', remove('apple')), apply(c, 'client2', remove('pear'))]))).toEqual({});
  });

  it('cart - two clients each removing one from the cart they both read cancel the same unit, once', () => {
    // A remove picks units in id order, so both pick the same one; the merge takes them to
    // have meant the same item rather than risk cancelling a unit neither saw.
    const base = history('client1', [add('apple', 2), add('apple')]);
    const merged = mergeCarts([apply(base, 'client1', remove('apple')), apply(base, 'client2', remove('apple'))]);
    expect(cartQuantities(merged)).toEqual({ apple: 2 });
  });

  it('cart - one client\'s adds and removes give the quantities of its script, removes taking units in id order', () => {
    let state = applyCartOp(EMPTY_CART, add('apple', 2), 'c1.b');
    state = applyCartOp(state, add('apple'), 'c1.a');
    state = applyCartOp(state, add('pear'), 'c1.c');
    state = applyCartOp(state, remove('apple', 2));
    state = applyCartOp(state, remove('pear'));
    expect(cartQuantities(state)).toEqual({ apple: 1 });
    expect(state).toEqual({ v: 2, units: { apple: { 'c1.a': { qty: 1, removed: 1 }, 'c1.b': { qty: 2, removed: 1 } }, pear: { 'c1.c': { qty: 1, removed: 1 } } } });
  });

  it('cart - a remove of more than the cart shows cancels what it shows, so an add after it is not swallowed', () => {
    const state = history('client1', [add('apple'), remove('apple', 5), add('apple')]);
    expect(cartQuantities(state)).toEqual({ apple: 1 });
  });

  it('cart - quantities never go negative, whatever siblings merge', () => {
    fc.assert(
      fc.property(fc.array(cartState, { maxLength: 4 }), (states) => {
        expect(Object.values(cartQuantities(mergeCarts(states))).every((q) => q > 0)).toBe(true);
      }),
      { seed: SEED },
    );
  });

  it('cart - a state survives JSON and structured clone, a "__proto__" sku and unit id included', () => {
    const state = applyCartOp(EMPTY_CART, add('__proto__', 3), '__proto__');
    expect(cartQuantities(mergeCarts([JSON.parse(JSON.stringify(state)), structuredClone(state)]))).toEqual(Object.fromEntries([['__proto__', 3]]));
  });
});

type Step = { kind: 'add' | 'remove'; actor: number; sku: string; qty: number } | { kind: 'sync'; actor: number; from: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const), actor: fc.nat({ max: 2 }), sku: fc.constantFrom('apple', 'pear'), qty: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('sync' as const), actor: fc.nat({ max: 2 }), from: fc.nat({ max: 2 }) }),
);

const unitsOf = (state: CartState, sku: string): Record<string, CartUnit> => state.units[sku] ?? {};

describe('cart - replicas', () => {
  it('cart - adds and removes by 2 or 3 clients over forked and merged replicas never lose an add nor count a remove twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.array(step, { maxLength: 30 }), (clients, steps) => {
        const replicas: CartState[] = Array.from({ length: clients }, () => EMPTY_CART);
        const added = new Map<string, { sku: string; qty: number }>();
        const observed = new Set<string>();
        const cancelled = new Set<string>(); // "unit#slot": slot k of a unit of qty q, 0 <= k < q
        for (const s of steps) {
          const actor = s.actor % clients;
          const before = replicas[actor] ?? EMPTY_CART;
          if (s.kind === 'sync') {
            replicas[actor] = mergeCarts([before, replicas[s.from % clients]]);
            continue;
          }
          if (s.kind === 'add') {
            const id = freshId(`client${actor}`);
            added.set(id, { sku: s.sku, qty: s.qty });
            replicas[actor] = applyCartOp(before, add(s.sku, s.qty), id);
            continue;
          }
          const after = applyCartOp(before, remove(s.sku, s.qty));
          replicas[actor] = after;
          const seen = unitsOf(before, s.sku);
          // A remove touches only units it saw, and cancels what was asked or all it saw.
          expect(Object.keys(unitsOf(after, s.sku))).toEqual(Object.keys(seen));
          expect(cartQuantities(after)[s.sku] ?? 0).toBe(Math.max(0, (cartQuantities(before)[s.sku] ?? 0) - s.qty));
          for (const [id, unit] of Object.entries(seen)) {
            observed.add(id);
            const removed = unitsOf(after, s.sku)[id]?.removed ?? 0;
            for (let slot = unit.removed; slot < removed; slot += 1) cancelled.add(`${id}#${slot}`);
          }
        }
        const final = mergeCarts(replicas);
        const totalAdded = [...added.values()].reduce((sum, unit) => sum + unit.qty, 0);
        const shown = Object.values(cartQuantities(final)).reduce((sum, qty) => sum + qty, 0);
        // Every add is in the merge, and the removes count once per unit slot they cancelled.
        expect(shown).toBe(totalAdded - cancelled.size);
        expect(shown).toBeGreaterThanOrEqual(0);
        for (const [id, { sku, qty }] of added) {
          const unit = unitsOf(final, sku)[id];
          expect(unit?.qty).toBe(qty);
          if (!observed.has(id)) expect(unit?.removed).toBe(0);
        }
        // Whatever happened before, the next add shows.
        for (const sku of ['apple', 'pear']) expect(cartQuantities(apply(final, 'late', add(sku)))[sku]).toBe((cartQuantities(final)[sku] ?? 0) + 1);
      }),
      { seed: SEED },
    );
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
  const cartOf = (units: unknown): unknown => ({ v: 2, units });

  it('cart - a sibling that is not a cart state is named with what is wrong', () => {
    expect(refusal(['Alice'])).toBe('the cart: expected an object, got "Alice"');
    expect(refusal([EMPTY_CART, { v: 1, adds: {}, removes: {} }])).toBe('sibling 1: unknown field "adds"; a cart state has v, units');
    expect(refusal([EMPTY_CART, { v: 1, units: {} }])).toBe('sibling 1: field "v": expected 2 (the cart format version), got 1');
    expect(refusal([cartOf([]), EMPTY_CART])).toBe('sibling 0: field "units": expected an object, got an array');
    expect(refusal([cartOf({ apple: 2 })])).toBe('the cart: field "units.apple": expected an object, got 2');
    expect(refusal([cartOf({ '': {} })])).toBe('the cart: field "units": a sku must not be empty');
    expect(refusal([cartOf({ apple: { u1: { qty: 0, removed: 0 } } })])).toBe('the cart: field "units.apple.u1.qty": expected an integer from 1 to 1000000000, got 0');
    expect(refusal([cartOf({ apple: { u1: { qty: 2, removed: 3 } } })])).toBe('the cart: field "units.apple.u1.removed": expected an integer from 0 to the unit\'s qty 2, got 3');
    expect(refusal([cartOf({ apple: { u1: { qty: 2, removed: -1 } } })])).toBe('the cart: field "units.apple.u1.removed": expected an integer from 0 to the unit\'s qty 2, got -1');
    expect(refusal([cartOf({ apple: { u1: { qty: 2, removed: 0, by: 'x' } } })])).toBe('the cart: field "units.apple.u1": unknown field "by"; a unit has qty, removed');
  });

  it('cart - siblings that disagree on a unit\'s qty or sku are corrupt, and named', () => {
    const unit = (sku: string, qty: number): unknown => cartOf({ [sku]: { 'c1.7': { qty, removed: 0 } } });
    expect(refusal([unit('apple', 2), unit('apple', 3)])).toBe('sibling 1: field "units.apple.c1.7.qty": 3, where an earlier sibling has 2; a unit\'s qty is fixed when it is added');
    expect(refusal([unit('apple', 2), unit('pear', 2)])).toBe('sibling 1: field "units.pear.c1.7": the unit is also under sku "apple"; a unit id belongs to one sku');
  });

  it('cart - a cart holds at most 100000 unit records, tombstones included', () => {
    const full = cartOf({ apple: Object.fromEntries(Array.from({ length: CART_LIMITS.maxUnits }, (_, i) => [`u${i}`, { qty: 1, removed: 1 }])) }) as CartState;
    expect(() => applyCartOp(full, add('apple'), 'one.more')).toThrow('no more adds fit');
    expect(refusal([full, cartOf({ pear: { extra: { qty: 1, removed: 0 } } })])).toBe('sibling 1: the siblings so far hold more than 100000 unit records');
  });

  it('cart - a change needs a sku, a positive integer quantity, and for an add a fresh unit id', () => {
    expect(() => applyCartOp(EMPTY_CART, add('a'))).toThrow('an add needs a fresh unit id');
    expect(() => applyCartOp(EMPTY_CART, add('a', 0), 'u')).toThrow('the quantity must be an integer from 1 to 1000000000, got 0');
    expect(() => applyCartOp(EMPTY_CART, add(''), 'u')).toThrow('the sku must be a string of 1 to 256 characters');
    expect(() => applyCartOp(applyCartOp(EMPTY_CART, add('a'), 'u'), add('b'), 'u')).toThrow('the unit id "u" is already in the cart');
  });

  it('cart - random garbage siblings give a CartError, never another exception', () => {
    const unit = fc.oneof(fc.record({ qty: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.anything()), removed: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.anything()) }, { requiredKeys: [] }), fc.anything());
    const units = fc.dictionary(fc.constantFrom('apple', 'pear', '', '__proto__'), fc.oneof(fc.dictionary(fc.constantFrom('u1', 'u2', ''), unit), fc.anything()));
    const nearCart = fc.record({ v: fc.oneof(fc.constant(2), fc.anything()), units: fc.oneof(units, fc.anything()) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(fc.oneof(nearCart, cartState, fc.anything()), { maxLength: 4 }), (siblings) => {
        try {
          const merged = mergeCarts(siblings);
          expect(mergeCarts([merged])).toEqual(merged);
          expect(Object.values(cartQuantities(merged)).every((q) => q > 0)).toBe(true);
        } catch (error) {
          if (!(error instanceof CartError)) throw error;
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
