/**
 * `dynamo_cart_client`: the paper's shopping cart (§4.4). Every add or remove reads the cart,
 * merges its siblings, applies the change, and writes the result with the read's context, so
 * it supersedes exactly the versions it merged. An add makes a unit under a fresh id (this
 * client's id and a random UUID, unique without coordination). Siblings made by concurrent
 * writers are merged by `mergeCarts` (src/control/job/cart.ts), which keeps every add and
 * counts none twice: the seed summed sibling quantities and double-counted.
 */
import { randomUUID } from 'node:crypto';
import type { Version } from '../../protocol/data.js';
import type { ProgramRun } from '../../runtime/client-program.js';
import { applyCartOp, cartQuantities, mergeCarts } from '../job/cart.js';
import type { CartOp } from '../job/job-plan.js';
import { describeContext, describeFailure, elapsedMs } from './describe.js';

export async function run({ client, args, print }: ProgramRun): Promise<boolean> {
  const script = (args as { script: readonly CartOp[] }).script;
  let ok = true;
  for (const op of script) {
    const startedAt = performance.now();
    const key = `cart:${op.cart}`;
    const read = await client.get(key);
    if (!read.ok) {
      ok = false;
      print(`${op.op.toUpperCase()} ${op.cart} ${describeFailure(read)}`);
      continue;
    }
    const siblings = liveValues(read.versions);
    const state = mergeCarts(siblings);
    if (op.op === 'get') {
      const merged = siblings.length > 1 ? ` (merged ${siblings.length} siblings)` : '';
      print(`CART ${op.cart}: ${describeQuantities(cartQuantities(state))}${merged} context=${describeContext(read.context)} (${elapsedMs(startedAt)})`);
      continue;
    }
    const next = applyCartOp(state, op, `${client.clientId}.${randomUUID()}`);
    const written = await client.put(key, next, read.context);
    const what = `${op.op.toUpperCase()} ${op.cart} ${op.sku} x${op.qty}`;
    if (!written.ok) {
      ok = false;
      print(`${what} ${describeFailure(written)}`);
      continue;
    }
    print(`${what} -> ${describeQuantities(cartQuantities(next))} (${elapsedMs(startedAt)})`);
  }
  return ok;
}

function liveValues(versions: readonly Version[]): unknown[] {
  return versions.filter((v) => !v.deleted).map((v) => v.value);
}

function describeQuantities(quantities: Record<string, number>): string {
  const items = Object.entries(quantities).filter(([, qty]) => qty > 0);
  return items.length === 0 ? '(empty)' : items.map(([sku, qty]) => `${sku}=${qty}`).join(', ');
}
