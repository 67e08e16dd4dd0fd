/**
 * What the dashboard reads and changes beyond the seed's control paths: where a key lives,
 * the last minutes of client latencies, partitions, and chaos rules in the engine's own shape
 * (one body per rule, where the seed's paths take one effect each). Bodies are checked with
 * zod for their shape, naming the field at fault; the engine checks the rest (node names,
 * bounds) and its INVALID_ARGUMENT is a 400 too.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ChaosSelector } from '../../api/cluster.js';
import type { ChaosEffect, ControllerService } from '../service.js';
import { parseBody, readJsonBody } from './bodies.js';
import type { Done } from './control-routes.js';
import { checkQuery, keyFromPath } from './query.js';

const nodeName = z.string({ error: 'must be a string (a node id)' }).min(1, 'must not be empty');
const endpointName = z.string({ error: 'must be a string (a node or client id)' }).min(1, 'must not be empty');
const probability = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, 'must be a number between 0 and 1')
  .max(1, 'must be a number between 0 and 1');
const wholeMs = z.int({ error: 'must be a whole number of milliseconds >= 0' }).min(0, 'must be a whole number of milliseconds >= 0');

/** A ring holds at most 256 nodes (deployment.ts): no list of them needs to be longer. */
const MAX_NODES = 256;

/** POST /partition. */
const partitionBody = z.strictObject({
  groups: z
    .array(z.array(nodeName, { error: 'must be an array of node ids' }).max(MAX_NODES, `must list at most ${MAX_NODES} nodes`), {
      error: 'must be an array of groups, each an array of node ids',
    })
    .max(MAX_NODES, `must hold at most ${MAX_NODES} groups`),
});

const selectorFields = { node: endpointName.optional(), from: endpointName.optional(), to: endpointName.optional() };

/** POST /chaos: a ChaosRule (src/transport/chaos.ts). */
const chaosBody = z.strictObject({
  ...selectorFields,
  loss: probability.optional(),
  duplicate: z
    .strictObject(
      { probability, factor: z.int({ error: 'must be a whole number >= 1' }).min(1, 'must be a whole number >= 1') },
      { error: 'must be an object { probability, factor }' },
    )
    .optional(),
  delayMs: z.tuple([wholeMs, wholeMs], { error: 'must be [min, max] in milliseconds' }).optional(),
});

const ALL_EFFECTS: readonly ChaosEffect[] = ['loss', 'duplicate', 'delayMs'];

/** POST /chaos/clear. */
const clearChaosBody = z.strictObject({
  selector: z
    .strictObject(selectorFields, { error: 'must be an object { node } or { from, to }' })
    .refine((s) => s.node !== undefined || s.from !== undefined || s.to !== undefined, { error: 'must name node, or from and/or to' }),
  effects: z
    .array(z.enum(ALL_EFFECTS, { error: `must be one of ${ALL_EFFECTS.join(', ')}` }), { error: 'must be an array of effects' })
    .min(1, `must name at least one of ${ALL_EFFECTS.join(', ')}`)
    .default([...ALL_EFFECTS]),
});

const done = (message: string): Done => ({ ok: true, message });

/** The rule's fields that are set (zod leaves an absent optional field out, the engine takes no undefined). */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function describeSelector(selector: ChaosSelector): string {
  if (selector.node !== undefined) return selector.node;
  return `${selector.from ?? '*'} -> ${selector.to ?? '*'}`;
}

/** Registers the dashboard's paths on `app`. */
export function registerDashboardDataRoutes(app: Hono, service: ControllerService): void {
  app.get('/preference/*', async (c) => {
    checkQuery(c, []);
    return c.json(await service.preference(keyFromPath(c, '/preference/')));
  });

  app.get('/performance', async (c) => {
    checkQuery(c, []);
    return c.json(await service.performance());
  });

  app.post('/partition', async (c) => {
    const { groups } = parseBody(partitionBody, await readJsonBody(c));
    await service.partition(groups);
    return c.json(done(`Partitioned: ${groups.map((group) => `[${group.join(', ')}]`).join(' | ')}; unlisted nodes form one more group`));
  });

  // Takes no body; whatever is sent is ignored, as /stop_all_actors does.
  app.post('/heal', async (c) => {
    await service.heal();
    return c.json(done('Partitions healed'));
  });

  app.post('/chaos', async (c) => {
    const rule = definedOnly(parseBody(chaosBody, await readJsonBody(c)));
    await service.chaos(rule);
    return c.json(done(`Chaos rule set on ${describeSelector(rule)}`));
  });

  app.post('/chaos/clear', async (c) => {
    const body = parseBody(clearChaosBody, await readJsonBody(c));
    const selector = definedOnly(body.selector);
    await service.clearChaos(selector, body.effects);
    return c.json(done(`Chaos ${body.effects.join(', ')} cleared on ${describeSelector(selector)}`));
  });
}
