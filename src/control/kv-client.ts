/**
 * A small client of the KV HTTP API (kv-routes.ts) over the global fetch, for `dynamo kv`
 * and for programs that talk to a node controller. It never logs; the token goes in the
 * Authorization header and nowhere else.
 */
import { assertNever } from '../core/assert.js';
import { CONTEXT_HEADER, decodeWireValue } from './kv-wire.js';
import type { DecodedValue } from './kv-wire.js';

export interface KvClientOptions {
  /** The node controller, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly token?: string | undefined;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface KvClientReadOptions {
  readonly r?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface KvClientWriteOptions {
  readonly context?: string | undefined;
  readonly w?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A read: 200 (one value), 300 (siblings) or 404 (none); the context in every case. */
export interface KvGetResponse {
  readonly status: number;
  readonly values: DecodedValue[];
  /** Null only if the server sent none (it always does). */
  readonly context: string | null;
}

export interface KvWriteResponse {
  readonly status: number;
  readonly context: string | null;
}

/** The server answered with an error (`code: message`), or could not be reached (status 0). */
export class KvRequestError extends Error {
  override readonly name = 'KvRequestError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class KvClient {
  private readonly base: URL;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: KvClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(options.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`the URL must be http:// or https://, got ${base.protocol}`);
    this.base = base;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async get(key: string, options: KvClientReadOptions = {}): Promise<KvGetResponse> {
    const response = await this.send('GET', key, { r: options.r, timeout_ms: options.timeoutMs }, {});
    const context = response.headers.get(CONTEXT_HEADER);
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: 404, values: [], context };
    }
    if (response.status === 300) return { status: 300, values: await readSiblings(response), context };
    if (response.status !== 200) throw await requestError(response);
    return { status: 200, values: [await readValue(response)], context };
  }

  /** Writes `value`: text as text/plain, bytes as application/octet-stream, JSON as application/json. */
  async put(key: string, value: DecodedValue, options: KvClientWriteOptions = {}): Promise<KvWriteResponse> {
    const body = encodeBody(value);
    return this.write('PUT', key, options, body);
  }

  async delete(key: string, options: KvClientWriteOptions = {}): Promise<KvWriteResponse> {
    return this.write('DELETE', key, options, undefined);
  }

  private async write(method: 'PUT' | 'DELETE', key: string, options: KvClientWriteOptions, body: { type: string; data: Uint8Array<ArrayBuffer> | string } | undefined): Promise<KvWriteResponse> {
    const headers: Record<string, string> = {};
    if (options.context !== undefined) headers[CONTEXT_HEADER] = options.context;
    if (body !== undefined) headers['Content-Type'] = body.type;
    const response = await this.send(method, key, { w: options.w, timeout_ms: options.timeoutMs }, headers, body?.data);
    if (response.status < 200 || response.status > 299) throw await requestError(response);
    await response.body?.cancel();
    return { status: response.status, context: response.headers.get(CONTEXT_HEADER) };
  }

  private async send(method: string, key: string, query: Record<string, number | undefined>, headers: Record<string, string>, body?: Uint8Array<ArrayBuffer> | string): Promise<Response> {
    const url = new URL(`kv/${encodeURIComponent(key)}`, this.base.href.endsWith('/') ? this.base : `${this.base.href}/`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const all = { ...headers };
    if (this.options.token !== undefined) all['Authorization'] = `Bearer ${this.options.token}`;
    try {
      return await this.fetch(url, { method, headers: all, ...(body !== undefined && { body }) });
    } catch (error) {
      // fetch's own message is "fetch failed"; the reason is in its cause.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? (cause instanceof Error ? cause.message : String(cause));
      throw new KvRequestError(0, 'UNREACHABLE', `cannot reach ${this.base.origin}: ${reason}`, { cause: error });
    }
  }
}

function encodeBody(value: DecodedValue): { type: string; data: Uint8Array<ArrayBuffer> | string } {
  switch (value.kind) {
    case 'text':
      return { type: 'text/plain; charset=utf-8', data: value.text };
    case 'bytes':
      return { type: 'application/octet-stream', data: Uint8Array.from(value.bytes) };
    case 'json':
      return { type: 'application/json', data: JSON.stringify(value.json) ?? 'null' };
    default:
      return assertNever(value, 'value kind');
  }
}

/** A 200's body as the value its Content-Type says it is. */
async function readValue(response: Response): Promise<DecodedValue> {
  const type = (response.headers.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/octet-stream') return { kind: 'bytes', bytes: new Uint8Array(await response.arrayBuffer()) };
  const text = await response.text();
  if (type === 'application/json') {
    try {
      return { kind: 'json', json: JSON.parse(text) as unknown };
    } catch {
      throw new KvRequestError(response.status, 'BAD_RESPONSE', 'the server sent a value that is not valid JSON');
    }
  }
  return { kind: 'text', text };
}

async function readSiblings(response: Response): Promise<DecodedValue[]> {
  const body = (await response.json().catch(() => undefined)) as { siblings?: unknown } | undefined;
  const raw = body?.siblings;
  const values = Array.isArray(raw) ? raw.map(decodeWireValue) : undefined;
  if (values === undefined || values.some((value) => value === undefined)) {
    throw new KvRequestError(response.status, 'BAD_RESPONSE', 'the server sent a 300 without a valid siblings list');
  }
  return values as DecodedValue[];
}

/** The error an answer carries: its `{ code, message }`, or the status alone. */
async function requestError(response: Response): Promise<KvRequestError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const { code, message } = parsed as Record<string, unknown>;
    if (typeof code === 'string' && typeof message === 'string') return new KvRequestError(response.status, code, message);
  }
  return new KvRequestError(response.status, `HTTP_${response.status}`, `the server answered ${response.status} ${response.statusText}`.trim());
}
