/**
 * A shopping cart kept in Dynamo that survives siblings: the value stored is a state-based
 * CRDT, so merging the concurrent versions a get returns keeps every add and counts nothing
 * twice. (The seed summed the quantities of its siblings, so an item both siblings inherited
 * from their common past was counted twice.)
 *
 * Why not a counter. Version 1 was a PN-counter: per sku and actor, how many were added and
 * how many removed in all. When two clients concurrently removed the same last unit, both
 * removes counted, removes exceeded adds, the cart floored at 0, and the excess silently
 * swallowed the next add of that sku (it showed 0 instead of 1): an add was lost. A counter
 * cannot tell "the same unit removed twice" from "two units removed".
 *
 * The design (observed-remove). Each add makes a *unit record* under a fresh unique id that
 * the caller supplies (client id plus a UUID), holding its qty and how much of it is removed.
 * A remove raises `removed` on records it sees in the cart it read, and on nothing else. Two
 * versions merge by the union of their records, taking for each id the larger `removed`;
 * union and max are idempotent, commutative and associative, so siblings merge alike in any
 * order, grouping and repetition.
 *
 * The guarantee. An add is never lost: a unit made after a remove, or concurrently with it,
 * was not in the cart that remove read, so the remove cannot cancel any of it. Two removes
 * that cancel the same unit cancel it once (max, not sum). Concurrent removes of different
 * units both count: they raise different records. A remove picks units in a fixed order (by
 * unit id), so two clients who read the same cart and each remove one pick the same unit and
 * cancel one between them: the merge cannot know whether they meant the same item, and it
 * assumes they did, because the opposite error, cancelling a unit that no remove saw, is the
 * lost add. A user who meant two sees one left and removes it again.
 *
 * The cost. Records grow with the number of adds, not with the items in the cart. A fully
 * removed unit stays as a tombstone (removed = qty): dropping it would let a stale sibling
 * that still holds it live bring it back. Compacting tombstones needs causal stability
 * (knowing every replica and client has seen them), which is not built; instead a cart holds
 * at most CART_LIMITS.maxUnits records, and an add beyond that is refused.
 *
 * Plain data throughout: the state crosses structured clone, v8.serialize and JSON alike.
 */
import { CART_LIMITS, CartError, describe, readSibling, unitField, type ReadUnit, type UnitRecord } from './cart-validate.js';

export { CART_LIMITS, CartError } from './cart-validate.js';

/** One add: its qty, fixed when added, and how much of it removes have cancelled since. */
export interface CartUnit {
  readonly qty: number;
  readonly removed: number;
}

/** Unit records by sku, then unit id. */
export type CartUnits = Readonly<Record<string, Readonly<Record<string, CartUnit>>>>;

/** The value stored under a cart's key. */
export interface CartState {
  readonly v: 2;
  readonly units: CartUnits;
}

/** One change to a cart (a CartOp of a job's script, minus the cart's name, fits). */
export interface CartChange {
  readonly op: 'add' | 'remove';
  readonly sku: string;
  readonly qty: number;
}

export const EMPTY_CART: CartState = { v: 2, units: {} };

/** Unit records by id: ids are unique across skus, so the merge needs nothing else. */
type Units = Map<string, UnitRecord>;

/** The join of every sibling a get returned (none: the empty cart); throws CartError naming a bad one. */
export function mergeCarts(siblings: readonly unknown[]): CartState {
  return { v: 2, units: canonical(joinSiblings(siblings)) };
}

/**
 * The cart after `change`; `state` must be the merge of everything the client read, because a
 * remove cancels only what it sees there. An add makes a unit under `unitId`, which must be
 * new to every replica (the cart program uses its client id and a random UUID); a remove
 * needs none. A remove of more than the cart shows cancels what it shows and forgets the
 * rest: the excess names no unit, and keeping it for later is exactly how the PN-counter
 * swallowed an add.
 */
export function applyCartOp(state: CartState, change: CartChange, unitId?: string): CartState {
  if (change.op !== 'add' && change.op !== 'remove') throw new CartError(`the op must be add or remove, got ${describe(change.op)}`);
  if (typeof change.sku !== 'string' || change.sku.length === 0 || change.sku.length > CART_LIMITS.maxNameLength) {
    throw new CartError(`the sku must be a string of 1 to ${CART_LIMITS.maxNameLength} characters, got ${describe(change.sku)}`);
  }
  if (!Number.isSafeInteger(change.qty) || change.qty < 1 || change.qty > CART_LIMITS.maxQty) {
    throw new CartError(`the quantity must be an integer from 1 to ${CART_LIMITS.maxQty}, got ${describe(change.qty)}`);
  }
  const units = joinSiblings([state]);
  if (change.op === 'add') addUnit(units, change, unitId);
  else removeObserved(units, change.sku, change.qty);
  return { v: 2, units: canonical(units) };
}

/** How many of each sku the cart holds: the sum of qty - removed over its units, skus at 0 left out. */
export function cartQuantities(state: CartState): Record<string, number> {
  const quantities: [string, number][] = [];
  for (const sku of Object.keys(state.units).sort()) {
    const quantity = Object.values(state.units[sku] ?? {}).reduce((sum, unit) => sum + unit.qty - unit.removed, 0);
    if (quantity > 0) quantities.push([sku, quantity]);
  }
  return Object.fromEntries(quantities);
}

function joinSiblings(siblings: readonly unknown[]): Units {
  const units: Units = new Map();
  siblings.forEach((sibling, index) => {
    const where = siblings.length === 1 ? 'the cart' : `sibling ${index}`;
    for (const read of readSibling(sibling, where)) joinUnit(units, read);
    if (units.size > CART_LIMITS.maxUnits) throw new CartError(`${where}: the siblings so far hold more than ${CART_LIMITS.maxUnits} unit records`);
  });
  return units;
}

/** One record into the union: a new id joins, a known one keeps the larger `removed`. */
function joinUnit(units: Units, read: ReadUnit): void {
  const { id, unit } = read;
  const known = units.get(id);
  if (known === undefined) {
    units.set(id, unit);
    return;
  }
  // Ids are unique and a unit's sku and qty are fixed when it is added, so two versions that
  // disagree on them are not two histories of one cart: one of them is corrupt.
  if (known.sku !== unit.sku) throw new CartError(`${unitField(read.where, unit.sku, id)}": the unit is also under sku ${describe(known.sku)}; a unit id belongs to one sku`);
  if (known.qty !== unit.qty) throw new CartError(`${unitField(read.where, unit.sku, id)}.qty": ${unit.qty}, where an earlier sibling has ${known.qty}; a unit's qty is fixed when it is added`);
  if (unit.removed > known.removed) units.set(id, unit);
}

function addUnit(units: Units, change: CartChange, unitId: string | undefined): void {
  if (typeof unitId !== 'string' || unitId.length === 0 || unitId.length > CART_LIMITS.maxNameLength) {
    throw new CartError(`an add needs a fresh unit id of 1 to ${CART_LIMITS.maxNameLength} characters, got ${describe(unitId)}`);
  }
  // A reused id would merge with the old unit (or clash with it), and one of the adds would vanish.
  if (units.has(unitId)) throw new CartError(`the unit id ${describe(unitId)} is already in the cart; each add needs a fresh one`);
  if (units.size >= CART_LIMITS.maxUnits) throw new CartError(`the cart holds ${CART_LIMITS.maxUnits} unit records, tombstones included; no more adds fit`);
  units.set(unitId, { sku: change.sku, qty: change.qty, removed: 0 });
}

/**
 * Cancels up to `qty` of `sku` from the units present, in unit id order. The order is fixed so
 * that two clients removing from the same cart cancel the same units, which the merge then
 * counts once. (A bare sort() orders strings by UTF-16 code units, the same on every machine,
 * where localeCompare would depend on the locale.)
 */
function removeObserved(units: Units, sku: string, qty: number): void {
  let left = qty;
  const ids = [...units.keys()].filter((id) => units.get(id)?.sku === sku).sort();
  for (const id of ids) {
    const unit = units.get(id);
    if (left === 0) break;
    if (unit === undefined) continue;
    const taken = Math.min(left, unit.qty - unit.removed);
    if (taken > 0) units.set(id, { ...unit, removed: unit.removed + taken });
    left -= taken;
  }
}

/**
 * Units as plain data in one canonical form (skus and ids in code unit order), so equal carts are
 * deep-equal and serialize alike. Object.fromEntries defines own properties, so even a sku or
 * id named "__proto__" stays data.
 */
function canonical(units: Units): CartUnits {
  const bySku = new Map<string, [string, CartUnit][]>();
  for (const id of [...units.keys()].sort()) {
    const unit = units.get(id);
    if (unit === undefined) continue;
    const entries = bySku.get(unit.sku) ?? [];
    entries.push([id, { qty: unit.qty, removed: unit.removed }]);
    bySku.set(unit.sku, entries);
  }
  const skus = [...bySku.keys()].sort();
  return Object.fromEntries(skus.map((sku) => [sku, Object.fromEntries(bySku.get(sku) ?? [])]));
}
