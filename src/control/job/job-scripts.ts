/**
 * The `script` of a client entry: a list of inline tables, one step each, checked step by
 * step so that a message names the step (`script[2].value`) and what it lacks.
 */
import { EntryReader, type Table } from './entry-reader.js';
import { describeValue } from './job-error.js';
import type { CartOp, ScriptOp } from './job-plan.js';

/** Largest quantity one cart step may add or remove: far beyond any cart, well within exact integers. */
export const MAX_CART_QTY = 1_000_000_000;

const SCRIPT_FIELDS: Record<ScriptOp['op'], readonly string[]> = {
  put: ['op', 'key', 'value'],
  get: ['op', 'key'],
  delete: ['op', 'key'],
};

const CART_FIELDS: Record<CartOp['op'], readonly string[]> = {
  add: ['op', 'cart', 'sku', 'qty'],
  remove: ['op', 'cart', 'sku', 'qty'],
  get: ['op', 'cart'],
};

/** A dynamo_client's script: put, get and delete steps; undefined when the entry has none. */
export function readKvScript(entry: EntryReader): ScriptOp[] | undefined {
  return entry.optionalTableList('script')?.map((table, i): ScriptOp => {
    const step = stepReader(entry, table, i, SCRIPT_FIELDS);
    const key = step.reader.string('key');
    switch (step.op) {
      case 'put':
        return { op: 'put', key, value: stringValue(step.reader) };
      case 'get':
      case 'delete':
        return { op: step.op, key };
    }
  });
}

/** A dynamo_cart_client's script: add, remove and get steps on named carts. */
export function readCartScript(entry: EntryReader): CartOp[] {
  const steps = entry.optionalTableList('script');
  if (steps === undefined) throw entry.problem('script', 'missing; expected steps like { op = "add", cart = "c1", sku = "apple", qty = 2 }');
  return steps.map((table, i): CartOp => {
    const step = stepReader(entry, table, i, CART_FIELDS);
    const cart = step.reader.string('cart');
    if (step.op === 'get') return { op: 'get', cart };
    return { op: step.op, cart, sku: step.reader.string('sku'), qty: step.reader.integer('qty', 1, MAX_CART_QTY) };
  });
}

/** Reads a step's `op` first, since the fields a step may have depend on it. */
function stepReader<Op extends string>(entry: EntryReader, table: Table, index: number, fields: Record<Op, readonly string[]>): { op: Op; reader: EntryReader } {
  const field = `script[${index}]`;
  const ops = Object.keys(fields) as Op[];
  const op = table.op;
  if (op === undefined) throw entry.problem(`${field}.op`, `missing; expected one of ${ops.join(', ')}`);
  if (typeof op !== 'string' || !ops.includes(op as Op)) throw entry.problem(`${field}.op`, `expected one of ${ops.join(', ')}, got ${describeValue(op)}`);
  const known = fields[op as Op];
  return { op: op as Op, reader: new EntryReader(entry.where, table, known, `${field}.`) };
}

/** A put's value: every string, the empty one included (it is a value like the others). */
function stringValue(step: EntryReader): string {
  const value = step.value('value');
  if (value === undefined) throw step.problem('value', 'missing; a put needs a string value');
  if (typeof value !== 'string') throw step.problem('value', `expected a string, got ${describeValue(value)}`);
  return value;
}
