/**
 * The parts of a request URL the handlers read: query parameters (only the known ones, each
 * once, integers spelt as such) and a key taken from the path.
 */
import type { Context } from 'hono';
import { badRequest } from './errors.js';

/** Most digits an integer parameter may have: far beyond any quorum or timeout, and exact. */
const MAX_DIGITS = 12;

/**
 * The query parameters, each given once; 400 for one not in `allowed` or given twice.
 */
export function checkQuery(c: Context, allowed: readonly string[]): Record<string, string> {
  const all = c.req.queries();
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(all)) {
    if (!allowed.includes(name)) {
      const known = allowed.length === 0 ? 'this path takes none' : `known: ${allowed.join(', ')}`;
      throw badRequest(`unknown query parameter ${JSON.stringify(name)} (${known})`);
    }
    if (values.length !== 1 || values[0] === undefined) throw badRequest(`${name}: given more than once`);
    out[name] = values[0];
  }
  return out;
}

/** An integer >= 1, written in plain decimal digits. */
export function positiveInteger(name: string, text: string): number {
  if (!new RegExp(`^[1-9][0-9]{0,${MAX_DIGITS - 1}}$`).test(text)) throw badRequest(`${name}: must be a positive integer`);
  return Number(text);
}

/** An integer >= 0, written in plain decimal digits. */
export function nonNegativeInteger(name: string, text: string): number {
  if (!new RegExp(`^(0|[1-9][0-9]{0,${MAX_DIGITS - 1}})$`).test(text)) throw badRequest(`${name}: must be an integer >= 0`);
  return Number(text);
}

/**
 * The key after `prefix` in the path, percent-decoded (so `a%2Fb` is the key `a/b`; an
 * unencoded `/` is part of the key too). 400 when it is empty or badly encoded. Keys `.` and
 * `..` cannot be addressed: URL parsing resolves them as path segments, even percent-encoded.
 */
export function keyFromPath(c: Context, prefix: string): string {
  const path = new URL(c.req.url).pathname;
  const raw = path.startsWith(prefix) ? path.slice(prefix.length) : '';
  if (raw === '') throw badRequest('key: must not be empty');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest('key: not valid percent-encoding');
  }
}
