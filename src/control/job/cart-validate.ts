/**
 * Reading one cart sibling that a get returned. A sibling is untrusted input: whatever a
 * client wrote under the key comes back, so every field is checked and every size bounded
 * before the merge trusts it, and anything wrong is a CartError naming the sibling and the
 * field, never a TypeError from deep inside the merge.
 */
import { MAX_CART_QTY } from './job-scripts.js';

/** A value that is not a cart state, or a change that cannot be applied. */
export class CartError extends Error {
  override readonly name = 'CartError';
  readonly code = 'INVALID_CART';
}

/** Bounds on a cart state, so a hostile or corrupt sibling cannot make a merge run away. */
export const CART_LIMITS = {
  /** Unit records per cart state, tombstones included (each add makes one). */
  maxUnits: 100_000,
  /** A unit's qty: one step's largest qty, so a sku's sum stays an exact integer (1e5 * 1e9 < 2^53). */
  maxQty: MAX_CART_QTY,
  /** Characters in a sku or a unit id (a client id and a UUID fit with room to spare). */
  maxNameLength: 256,
} as const;

/** One unit record, its sku beside it: the merge keys units by id alone. */
export interface UnitRecord {
  readonly sku: string;
  readonly qty: number;
  readonly removed: number;
}

/** A unit record read from a sibling, with where it came from for later complaints. */
export interface ReadUnit {
  readonly id: string;
  readonly unit: UnitRecord;
  /** Which sibling, e.g. "sibling 1". */
  readonly where: string;
}

const STATE_FIELDS = ['v', 'units'];
const UNIT_FIELDS = ['qty', 'removed'];

/** Every unit record of one sibling, checked; `where` names the sibling ("sibling 2"). */
export function readSibling(sibling: unknown, where: string): ReadUnit[] {
  const fields = plainObject(sibling, where);
  const unknown = Object.keys(fields).find((name) => !STATE_FIELDS.includes(name));
  if (unknown !== undefined) throw new CartError(`${where}: unknown field ${describe(unknown)}; a cart state has v, units`);
  // Version 1 was the PN-counter (adds and removes per actor); its totals cannot be turned
  // into unit records, so it is refused rather than guessed at.
  if (fields.v !== 2) throw new CartError(`${where}: field "v": expected 2 (the cart format version), got ${describe(fields.v)}`);
  const read: ReadUnit[] = [];
  for (const [sku, byId] of Object.entries(plainObject(fields.units, `${where}: field "units"`))) {
    checkName(sku, `${where}: field "units"`, 'sku');
    for (const [id, unit] of Object.entries(plainObject(byId, `${where}: field "units.${sku}"`))) {
      checkName(id, `${where}: field "units.${sku}"`, 'unit id');
      const field = (suffix = ''): string => `${unitField(where, sku, id)}${suffix}"`;
      read.push({ id, unit: { sku, ...readUnit(unit, field) }, where });
      if (read.length > CART_LIMITS.maxUnits) throw new CartError(`${where}: more than ${CART_LIMITS.maxUnits} unit records`);
    }
  }
  return read;
}

/** The field path of a unit, for a message, without the closing quote: `sibling 1: field "units.apple.c1.0f3c`. */
export function unitField(where: string, sku: string, id: string): string {
  return `${where}: field "units.${sku}.${id}`;
}

/**
 * A unit's qty and removed: 1 <= qty <= maxQty, 0 <= removed <= qty. `field` names the unit
 * or one of its fields (".qty"); it is a function because the path is built only when
 * something is wrong, and a cart may hold 100,000 units.
 */
function readUnit(value: unknown, field: (suffix?: string) => string): Omit<UnitRecord, 'sku'> {
  const fields = plainObject(value, field);
  const unknown = Object.keys(fields).find((name) => !UNIT_FIELDS.includes(name));
  if (unknown !== undefined) throw new CartError(`${field()}: unknown field ${describe(unknown)}; a unit has qty, removed`);
  const { qty, removed } = fields;
  if (!isInteger(qty) || qty < 1 || qty > CART_LIMITS.maxQty) throw new CartError(`${field('.qty')}: expected an integer from 1 to ${CART_LIMITS.maxQty}, got ${describe(qty)}`);
  if (!isInteger(removed) || removed < 0 || removed > qty) throw new CartError(`${field('.removed')}: expected an integer from 0 to the unit's qty ${qty}, got ${describe(removed)}`);
  // JSON and structured clone keep -0, which would make equal carts deep-unequal.
  return { qty, removed: removed === 0 ? 0 : removed };
}

/** A sku or unit id (an object key): not empty, and short enough to go into a message. */
function checkName(name: string, field: string, what: string): void {
  if (name.length === 0) throw new CartError(`${field}: a ${what} must not be empty`);
  if (name.length > CART_LIMITS.maxNameLength) throw new CartError(`${field}: a ${what} of ${name.length} characters; at most ${CART_LIMITS.maxNameLength}`);
}

function isInteger(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

function plainObject(value: unknown, what: string | (() => string)): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CartError(`${typeof what === 'string' ? what : what()}: expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A value as a message shows it, long strings cut so garbage cannot flood a log line. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length <= 60 ? value : `${value.slice(0, 57)}...`);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : String(value);
}
