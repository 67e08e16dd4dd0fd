/**
 * The JSON bodies of the seed's control paths, in Reactor's shapes, checked with zod. A body
 * that does not fit is a 400 whose message names the field (`probability: must be a number
 * between 0 and 1`). Unknown fields are refused too: every field of these bodies matters, and
 * a misspelt optional one (`sender` for `senders`) would otherwise silently widen a rule.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { badRequest } from './errors.js';

const actorName = z.string({ error: 'must be a string (an actor name)' }).min(1, 'must not be empty');
const nonEmptyString = z.string({ error: 'must be a string' }).min(1, 'must not be empty');
const probability = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, 'must be a number between 0 and 1')
  .max(1, 'must be a number between 0 and 1');
const delayMs = z.int({ error: 'must be a whole number of milliseconds >= 0' }).min(0, 'must be a whole number of milliseconds >= 0');
const senders = z.array(actorName, { error: 'must be an array of actor names' }).default([]);

/** POST /start_actor. */
export const startActorBody = z.strictObject({
  actor_name: actorName,
  operator_name: nonEmptyString,
  lib_name: z.string({ error: 'must be a string' }),
  payload: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).default({}),
});

/** POST /set_msg_loss. */
export const msgLossBody = z.strictObject({ actor_name: actorName, probability });

/** POST /set_duplication: `factor` copies in all, as Reactor's msg_duplication. */
export const duplicationBody = z.strictObject({
  actor_name: actorName,
  factor: z.int({ error: 'must be a whole number >= 1' }).min(1, 'must be a whole number >= 1'),
  probability,
});

/** POST /set_msg_delay: messages to `actor_name` from each of `senders` (all when empty). */
export const msgDelayBody = z
  .strictObject({ actor_name: actorName, delay_range_start: delayMs, delay_range_end: delayMs, senders })
  .refine((body) => body.delay_range_start <= body.delay_range_end, {
    path: ['delay_range_end'],
    error: 'must not be below delay_range_start',
  });

/** POST /unset_msg_delay. */
export const unsetDelayBody = z.strictObject({ actor_name: actorName, senders });

const actorNameObject = z.strictObject({ actor_name: actorName });

/** An issue's path as a field name: `senders[0]`, `payload.x`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? 'body' : out;
}

/** Whether `value` has something (even null) at `path`. */
function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let at: unknown = value;
  for (const part of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return false;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return true;
}

/** Parses `value` with `schema`, or throws a 400 naming a field at fault. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A misspelt field shows as an unknown one and a missing one: naming the unknown one says why.
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) throw badRequest('body: invalid');
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? '' : ` in ${fieldName(issue.path)}`;
    throw badRequest(`unknown field${issue.keys.length === 1 ? '' : 's'}${where}: ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`);
  }
  if (issue.code === 'invalid_type' && issue.path.length > 0 && !hasPath(value, issue.path)) {
    throw badRequest(`${fieldName(issue.path)}: required`);
  }
  throw badRequest(`${fieldName(issue.path)}: ${issue.message}`);
}

/**
 * Reactor's `Json<String>` body naming an actor (`"nodeA"`), or `{ "actor_name": "nodeA" }`.
 */
export function parseActorName(value: unknown): string {
  if (typeof value === 'string') return parseBody(actorName, value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('body: must be a JSON string (an actor name) or { "actor_name": ... }');
  }
  return parseBody(actorNameObject, value).actor_name;
}

/** The request body as JSON: 400 when it is empty or not JSON. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw badRequest('body: a JSON body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body; the body is the caller's own, but logs and
    // proxies may keep answers, so it is not echoed.
    throw badRequest('body: not valid JSON');
  }
}
