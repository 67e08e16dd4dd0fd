/**
 * A shopping cart kept in Dynamo that survives siblings: the value stored is a state-based
 * CRDT, so merging the concurrent versions a get returns loses no add and counts nothing
 * twice. (The seed summed the quantities of its siblings, so an item both siblings inherited
 * from their common past was counted twice.)
 *
 * Each sku has two grow-only counters per actor (a PN-counter): how many the actor added in
 * all, and how many it removed in all. An actor only ever raises its own entries, so two
 * versions of a cart merge by taking, entry by entry, the larger number: each actor's latest
 * total wins, whatever order, grouping or repetition the versions come in. The actor must be
 * unique per client program (its client id) and change carts one write at a time, reading
 * and merging first; two programs sharing an id could both raise the same entry to the same
 * number, and one of their changes would vanish in the merge.
 *
 * Plain data throughout: the state crosses structured clone, v8.serialize and JSON alike.
 */

/** Which actor has added (or removed) how many in all, by sku then actor. */
export type CartCounters = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The value stored under a cart's key. */
export interface CartState {
  readonly v: 1;
  readonly adds: CartCounters;
  readonly removes: CartCounters;
}

/** One change to a cart (a CartOp of a job's script, minus the cart's name, fits). */
export interface CartChange {
  readonly op: 'add' | 'remove';
  readonly sku: string;
  readonly qty: number;
}

export const EMPTY_CART: CartState = { v: 1, adds: {}, removes: {} };

/** A value that is not a cart state, or a change that cannot be applied. */
export class CartError extends Error {
  override readonly name = 'CartError';
  readonly code = 'INVALID_CART';
}

type Counters = Map<string, Map<string, number>>;

/** The join of every sibling a get returned (none: the empty cart); throws CartError naming a bad one. */
export function mergeCarts(siblings: readonly unknown[]): CartState {
  const adds: Counters = new Map();
  const removes: Counters = new Map();
  siblings.forEach((sibling, index) => {
    const where = siblings.length === 1 ? 'the cart' : `sibling ${index}`;
    const fields = plainObject(sibling, where);
    const unknown = Object.keys(fields).find((name) => !['v', 'adds', 'removes'].includes(name));
    if (unknown !== undefined) throw new CartError(`${where}: unknown field "${unknown}"; a cart state has v, adds, removes`);
    if (fields.v !== 1) throw new CartError(`${where}: field "v": expected 1 (the cart format version), got ${describe(fields.v)}`);
    mergeInto(adds, readCounters(fields.adds, `${where}: field "adds`));
    mergeInto(removes, readCounters(fields.removes, `${where}: field "removes`));
  });
  return { v: 1, adds: canonical(adds), removes: canonical(removes) };
}

/**
 * The cart after `actor` makes `change` on it; `state` must be the merge of everything the
 * actor read. A remove takes at most what the actor sees in the cart, so one client on its
 * own can never remove more than is there.
 */
export function applyCartOp(state: CartState, actor: string, change: CartChange): CartState {
  if (typeof actor !== 'string' || actor.length === 0) throw new CartError(`the actor must be a non-empty string (the client id), got ${describe(actor)}`);
  if (typeof change.sku !== 'string' || change.sku.length === 0) throw new CartError(`the sku must be a non-empty string, got ${describe(change.sku)}`);
  if (!Number.isSafeInteger(change.qty) || change.qty < 1) throw new CartError(`the quantity must be a positive integer, got ${describe(change.qty)}`);
  if (change.op !== 'add' && change.op !== 'remove') throw new CartError(`the op must be add or remove, got ${describe(change.op)}`);
  const merged = mergeCarts([state]);
  const qty = change.op === 'add' ? change.qty : Math.min(change.qty, cartQuantities(merged)[change.sku] ?? 0);
  if (qty === 0) return merged;
  const side = change.op === 'add' ? 'adds' : 'removes';
  const counters = toCounters(merged[side]);
  const own = counters.get(change.sku) ?? new Map<string, number>();
  const total = (own.get(actor) ?? 0) + qty;
  if (!Number.isSafeInteger(total)) throw new CartError(`the ${side} of ${describe(change.sku)} by ${describe(actor)} would pass ${Number.MAX_SAFE_INTEGER}`);
  counters.set(change.sku, own.set(actor, total));
  return { ...merged, [side]: canonical(counters) };
}

/**
 * How many of each sku the cart holds: all adds minus all removes, skus at 0 left out.
 *
 * Removes can add up to more than the adds: two clients each saw the same item and removed
 * it concurrently (two siblings), and both removes count, as the counter cannot tell "the same
 * unit twice" from "two units". The cart shows 0, which is what each of them meant. The
 * excess is not forgotten (no merge may forget anything): a later add of the same sku first
 * makes it up. That is the price of a counter that never counts an add twice.
 */
export function cartQuantities(state: CartState): Record<string, number> {
  const sum = (byActor: Readonly<Record<string, number>> | undefined): number => Object.values(byActor ?? {}).reduce((a, b) => a + b, 0);
  const quantities: [string, number][] = [];
  for (const sku of Object.keys(state.adds).sort()) {
    const quantity = sum(state.adds[sku]) - sum(state.removes[sku]);
    if (quantity > 0) quantities.push([sku, quantity]);
  }
  return Object.fromEntries(quantities);
}

/** Validates one side of a sibling: sku -> actor -> non-negative safe integer. */
function readCounters(value: unknown, field: string): Counters {
  const counters: Counters = new Map();
  for (const [sku, byActor] of Object.entries(plainObject(value, `${field}"`))) {
    const entry = new Map<string, number>();
    for (const [actor, total] of Object.entries(plainObject(byActor, `${field}.${sku}"`))) {
      if (!Number.isSafeInteger(total) || (total as number) < 0) throw new CartError(`${field}.${sku}.${actor}": expected a non-negative integer, got ${describe(total)}`);
      entry.set(actor, total as number);
    }
    counters.set(sku, entry);
  }
  return counters;
}

function mergeInto(target: Counters, source: Counters): void {
  for (const [sku, byActor] of source) {
    const into = target.get(sku) ?? new Map<string, number>();
    for (const [actor, total] of byActor) into.set(actor, Math.max(into.get(actor) ?? 0, total));
    target.set(sku, into);
  }
}

function toCounters(counters: CartCounters): Counters {
  return new Map(Object.entries(counters).map(([sku, byActor]) => [sku, new Map(Object.entries(byActor))]));
}

/**
 * Counters as plain data in one canonical form (keys sorted, zeros dropped), so equal carts are
 * deep-equal and serialize alike. Object.fromEntries defines own properties, so even a sku
 * named "__proto__" stays data.
 */
function canonical(counters: Counters): CartCounters {
  const skus = [...counters.keys()].sort().flatMap((sku) => {
    const byActor = counters.get(sku) ?? new Map<string, number>();
    const actors = [...byActor.entries()].filter(([, total]) => total > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return actors.length === 0 ? [] : [[sku, Object.fromEntries(actors)] as const];
  });
  return Object.fromEntries(skus);
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CartError(`${what}: expected an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
