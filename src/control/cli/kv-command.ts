/**
 * `dynamo kv get|put|delete`: a client of a node controller's KV API. Exit codes: 0 done,
 * 1 a get found nothing (`not found`), 2 a mistake in the command line (one line), 3 the
 * server refused or could not be reached (`CODE: message`). The token is never printed.
 */
import { readFileSync } from 'node:fs';
import { assertNever } from '../../core/assert.js';
import { KvClient, KvRequestError } from '../kv-client.js';
import type { KvGetResponse } from '../kv-client.js';
import { jsonText, toBase64, wireOf } from '../kv-wire.js';
import type { DecodedValue } from '../kv-wire.js';
import { KvUsageError, parseKvArgs } from './kv-args.js';
import type { KvRequest, ReadTextFile } from './kv-args.js';

/** Where the command writes, and what it reads: the process's by default; tests pass their own. */
export interface KvCommandIo {
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
  readonly readTextFile?: ReadTextFile;
  readonly fetch?: typeof fetch;
}

const PROCESS_IO: KvCommandIo = {
  stdout: (chunk) => void process.stdout.write(chunk),
  stderr: (text) => void process.stderr.write(text),
};

export const EXIT = { ok: 0, notFound: 1, usage: 2, server: 3 } as const;

/**
 * Runs `dynamo kv` with the arguments after `kv`; resolves to the exit code (never rejects,
 * never exits the process).
 */
export async function runKvCommand(args: readonly string[], io: KvCommandIo = PROCESS_IO): Promise<number> {
  const readTextFile = io.readTextFile ?? ((path: string) => readFileSync(path, 'utf8'));
  try {
    const invocation = parseKvArgs(args, readTextFile);
    if (invocation.kind !== 'run') {
      io.stdout(`${invocation.text}\n`);
      return EXIT.ok;
    }
    return await run(invocation, io);
  } catch (error) {
    if (error instanceof KvUsageError) {
      io.stderr(`dynamo kv: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof KvRequestError) {
      io.stderr(`${error.code}: ${error.message}\n`);
      return EXIT.server;
    }
    io.stderr(`dynamo kv: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.server;
  }
}

async function run(request: KvRequest, io: KvCommandIo): Promise<number> {
  const client = new KvClient({ url: request.url, token: request.token, ...(io.fetch !== undefined && { fetch: io.fetch }) });
  switch (request.op) {
    case 'get':
      return printRead(await client.get(request.key, { r: request.r, timeoutMs: request.timeoutMs }), request.json, io);
    case 'put': {
      const result = await client.put(request.key, request.value, { context: request.context, w: request.w, timeoutMs: request.timeoutMs });
      return printWrite(result.status, result.context, request.json, io);
    }
    case 'delete': {
      const result = await client.delete(request.key, { context: request.context, w: request.w, timeoutMs: request.timeoutMs });
      return printWrite(result.status, result.context, request.json, io);
    }
    default:
      return assertNever(request, 'kv operation');
  }
}

function printRead(read: KvGetResponse, json: boolean, io: KvCommandIo): number {
  const exit = read.status === 404 ? EXIT.notFound : EXIT.ok;
  if (json) {
    io.stdout(`${jsonText({ status: read.status, values: read.values.map(wireOf), context: read.context })}\n`);
    return exit;
  }
  if (read.status === 404) io.stderr('not found\n');
  const [only] = read.values;
  if (read.values.length === 1 && only !== undefined) {
    // One value is printed as it is: bytes raw (as curl would), text and JSON with a newline.
    io.stdout(only.kind === 'bytes' ? only.bytes : `${only.kind === 'text' ? only.text : jsonText(only.json)}\n`);
  } else {
    read.values.forEach((value, i) => io.stdout(`sibling ${i + 1}: ${oneLine(value)}\n`));
  }
  if (read.context !== null) io.stderr(`context: ${read.context}\n`);
  return exit;
}

function printWrite(status: number, context: string | null, json: boolean, io: KvCommandIo): number {
  io.stdout(json ? `${jsonText({ status, context })}\n` : `context: ${context ?? ''}\n`);
  return EXIT.ok;
}

/** A sibling on one line: text as is (quoted as JSON if it spans lines), bytes as base64, JSON as JSON. */
function oneLine(value: DecodedValue): string {
  switch (value.kind) {
    case 'text':
      return /[\r\n]/.test(value.text) ? JSON.stringify(value.text) : value.text;
    case 'bytes':
      return `base64:${toBase64(value.bytes)}`;
    case 'json':
      return jsonText(value.json);
    default:
      return assertNever(value, 'value kind');
  }
}
