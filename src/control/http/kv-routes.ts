/**
 * The KV API, in the manner of Riak's: `GET`, `PUT` and `DELETE /kv/<key>`. The causal
 * context travels in the X-Dynamo-Context header both ways, opaque. One value is the body
 * itself (its Content-Type says which kind); concurrent values are a 300 Multiple Choices
 * listing each, tagged; a missing key is a 404 that still carries the context, which the
 * write after a delete needs.
 */
import type { Context, Hono } from 'hono';
import { HttpErrorCode, badRequest } from './errors.js';
import type { ApiErrorBody } from './errors.js';
import type { ControllerService, KvReadOptions, KvWriteOptions } from '../service.js';
import { CONTEXT_HEADER, encodeValue, isBytes, jsonText } from '../kv-wire.js';
import type { SiblingsBody } from '../kv-wire.js';
import { checkQuery, keyFromPath, positiveInteger } from './query.js';

const PREFIX = '/kv/';
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BYTES_TYPE = 'application/octet-stream';

/** Registers the KV paths on `app`. */
export function registerKvRoutes(app: Hono, service: ControllerService): void {
  app.get(`${PREFIX}*`, async (c) => {
    const key = keyFromPath(c, PREFIX);
    const query = checkQuery(c, ['r', 'timeout_ms']);
    const options: KvReadOptions = {
      ...(query['r'] !== undefined && { r: positiveInteger('r', query['r']) }),
      ...timeoutOf(query),
    };
    const result = await service.kvGet(key, options);
    const headers = { [CONTEXT_HEADER]: result.context, 'Cache-Control': 'no-store' };
    const [first, ...rest] = result.values;
    if (result.values.length === 0) {
      return c.json<ApiErrorBody>({ code: HttpErrorCode.NotFound, message: `key ${JSON.stringify(key)} not found` }, 404, headers);
    }
    if (rest.length > 0) {
      const body: SiblingsBody = { siblings: result.values.map(encodeValue) };
      return c.body(jsonText(body), 300, { ...headers, 'Content-Type': JSON_TYPE });
    }
    if (typeof first === 'string') return c.body(first, 200, { ...headers, 'Content-Type': TEXT_TYPE });
    if (isBytes(first)) return c.body(copyOf(first), 200, { ...headers, 'Content-Type': BYTES_TYPE });
    return c.body(jsonText(first), 200, { ...headers, 'Content-Type': JSON_TYPE });
  });

  app.put(`${PREFIX}*`, async (c) => {
    const key = keyFromPath(c, PREFIX);
    const options = writeOptions(c);
    const value = await readValue(c);
    const result = await service.kvPut(key, value, options);
    return c.json({ context: result.context }, 200, { [CONTEXT_HEADER]: result.context });
  });

  app.delete(`${PREFIX}*`, async (c) => {
    const key = keyFromPath(c, PREFIX);
    const result = await service.kvDelete(key, writeOptions(c));
    return c.json({ context: result.context }, 200, { [CONTEXT_HEADER]: result.context });
  });
}

function timeoutOf(query: Record<string, string>): { timeoutMs?: number } {
  return query['timeout_ms'] === undefined ? {} : { timeoutMs: positiveInteger('timeout_ms', query['timeout_ms']) };
}

function writeOptions(c: Context): KvWriteOptions {
  const query = checkQuery(c, ['w', 'timeout_ms']);
  const context = c.req.header(CONTEXT_HEADER);
  if (context !== undefined && context.trim() === '') {
    throw badRequest(`${CONTEXT_HEADER}: must not be empty (leave the header out for a blind write)`);
  }
  return {
    ...(context !== undefined && { context: context.trim() }),
    ...(query['w'] !== undefined && { w: positiveInteger('w', query['w']) }),
    ...timeoutOf(query),
  };
}

/** The media type of the request body, lower case, without parameters. */
function mediaType(c: Context): string {
  return (c.req.header('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The value a PUT body holds: JSON for application/json (and any +json type), bytes for
 * application/octet-stream, and UTF-8 text for anything else (text/*, or no type at all).
 */
async function readValue(c: Context): Promise<unknown> {
  const type = mediaType(c);
  if (type === BYTES_TYPE) return new Uint8Array(await c.req.arrayBuffer());
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest(`body: not valid UTF-8 (send bytes as ${BYTES_TYPE})`);
  }
  if (type !== JSON_TYPE && !type.endsWith('+json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(`body: not valid JSON (send text as text/plain)`);
  }
}

/** A copy in a fresh ArrayBuffer, which the Response body type asks for. */
function copyOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
