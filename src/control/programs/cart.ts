/**
 * `dynamo_cart_client`: the paper's shopping cart (§4.4). Every add or remove reads the cart,
 * merges its siblings, applies the change, and writes the result with the read's context, so
 * it supersedes exactly the versions it merged. An add makes a unit under a fresh id (this
 * client's id and a random UUID, unique without coordination). Siblings made by concurrent
 * writers are merged by `mergeCarts` (src/control/job/cart.ts), which keeps every add and
 * counts none twice: the seed summed sibling quantities and double-counted. Adds are retried
 * after a timeout, removes are not (changeCart says why).
 */
import { randomUUID } from 'node:crypto';
import type { Version } from '../../protocol/data.js';
import type { Failure } from '../../protocol/outcomes.js';
import type { ProgramClient, ProgramRun } from '../../runtime/client-program.js';
import { applyCartOp, cartQuantities, mergeCarts, type CartState } from '../job/cart.js';
import type { CartOp } from '../job/job-plan.js';
import { describeContext, describeFailure, elapsedMs } from './describe.js';
import { describeTries, retrying } from './retry.js';

export async function run({ client, args, print }: ProgramRun): Promise<boolean> {
  const script = (args as { script: readonly CartOp[] }).script;
  let ok = true;
  for (const op of script) {
    const startedAt = performance.now();
    const done = op.op === 'get' ? await readCart(client, op.cart) : await changeCart(client, op, `${client.clientId}.${randomUUID()}`);
    if (!done.ok) ok = false;
    print(`${done.line} (${elapsedMs(startedAt)})${describeTries(done.tries)}`);
  }
  return ok;
}

interface Done {
  readonly ok: boolean;
  readonly line: string;
  readonly tries: number;
}

async function readCart(client: ProgramClient, cart: string): Promise<Done> {
  const { outcome: read, tries } = await retrying(() => client.get(`cart:${cart}`));
  if (!read.ok) return { ok: false, line: `GET ${cart} ${describeFailure(read)}`, tries };
  const siblings = liveValues(read.versions);
  const merged = siblings.length > 1 ? ` (merged ${siblings.length} siblings)` : '';
  return { ok: true, line: `CART ${cart}: ${describeQuantities(cartQuantities(mergeCarts(siblings)))}${merged} context=${describeContext(read.context)}`, tries };
}

/**
 * Read, merge, change, write back with the read's context. An add is retried whole after a
 * TIMEOUT: its unit id makes it idempotent (a unit already in the cart means an earlier try
 * got through, and even two writes of the same unit merge into one). A remove is not
 * retried: tried twice it could cancel two units.
 */
async function changeCart(client: ProgramClient, op: Exclude<CartOp, { op: 'get' }>, unitId: string): Promise<Done> {
  const what = `${op.op.toUpperCase()} ${op.cart} ${op.sku} x${op.qty}`;
  const key = `cart:${op.cart}`;
  const attempt = async (): Promise<{ ok: true; cart: CartState } | Failure> => {
    const read = await client.get(key);
    if (!read.ok) return read;
    const state = mergeCarts(liveValues(read.versions));
    if (op.op === 'add' && state.units[op.sku]?.[unitId] !== undefined) return { ok: true, cart: state };
    const next = applyCartOp(state, op, unitId);
    const written = await client.put(key, next, read.context);
    return written.ok ? { ok: true, cart: next } : written;
  };
  const { outcome, tries } = op.op === 'add' ? await retrying(attempt) : { outcome: await attempt(), tries: 1 };
  if (!outcome.ok) return { ok: false, line: `${what} ${describeFailure(outcome)}`, tries };
  return { ok: true, line: `${what} -> ${describeQuantities(cartQuantities(outcome.cart))}`, tries };
}

function liveValues(versions: readonly Version[]): unknown[] {
  return versions.filter((v) => !v.deleted).map((v) => v.value);
}

function describeQuantities(quantities: Record<string, number>): string {
  const items = Object.entries(quantities).filter(([, qty]) => qty > 0);
  return items.length === 0 ? '(empty)' : items.map(([sku, qty]) => `${sku}=${qty}`).join(', ');
}
