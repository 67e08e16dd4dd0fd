/**
 * The command line of `dynamo kv get|put|delete`, parsed and checked without side effects
 * beyond reading the token file: what to do, or a KvUsageError whose message is one line.
 */
import yargs from 'yargs';
import { parseCommandLine, withHouseRules } from '../../util/command-line.js';
import { readPackageManifest } from '../../util/packages.js';
import type { DecodedValue } from '../kv-wire.js';
import { readSecretFile } from './secret-file.js';

/** The node controller the seed's tools talk to when no --url is given. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** What to do. */
export type KvInvocation =
  | { readonly kind: 'help' | 'version'; readonly text: string }
  | ({ readonly kind: 'run' } & KvRequest);

interface Common {
  readonly key: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly timeoutMs: number | undefined;
  /** Print one JSON object instead of text. */
  readonly json: boolean;
}

export type KvRequest =
  | (Common & { readonly op: 'get'; readonly r: number | undefined })
  | (Common & { readonly op: 'put'; readonly value: DecodedValue; readonly context: string | undefined; readonly w: number | undefined })
  | (Common & { readonly op: 'delete'; readonly context: string | undefined; readonly w: number | undefined });

/** A mistake in the command line: print `dynamo kv: <message>` and exit 2. */
export class KvUsageError extends Error {
  override readonly name = 'KvUsageError';
  readonly exitCode = 2;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Reads the token file; the seam tests replace. */
export type ReadTextFile = (path: string) => string;

const SCRIPT = 'dynamo kv';

/** Parses `dynamo kv` arguments (those after `kv`). Throws KvUsageError on a mistake. */
export function parseKvArgs(argv: readonly string[], readTextFile: ReadTextFile): KvInvocation {
  const mistake = (message: string, cause?: unknown): Error => new KvUsageError(message, { cause });
  const command = parseCommandLine(buildParser(mistake), argv, mistake, (error) => error instanceof KvUsageError);
  if (command.kind !== 'parsed') return command;
  const raw = command.raw;
  const op = (raw['_'] as unknown[] | undefined)?.[0];
  const key = raw['key'];
  if (typeof key !== 'string' || key === '') throw new KvUsageError('KEY must not be empty');
  const common: Common = {
    key,
    url: checkUrl(raw['url']),
    token: readToken(raw['token-file'], readTextFile),
    timeoutMs: optionalInteger(raw, 'timeout-ms'),
    json: raw['json'] === true,
  };
  switch (op) {
    case 'get':
      return { kind: 'run', op, ...common, r: optionalInteger(raw, 'r') };
    case 'put':
      return { kind: 'run', op, ...common, value: valueOf(raw), context: contextOf(raw), w: optionalInteger(raw, 'w') };
    case 'delete':
      return { kind: 'run', op, ...common, context: contextOf(raw), w: optionalInteger(raw, 'w') };
    default:
      throw new KvUsageError('missing command: get, put or delete');
  }
}

function buildParser(mistake: (message: string, cause?: unknown) => Error) {
  const timeout = { describe: 'request timeout in milliseconds (the cluster default when left out)', requiresArg: true, type: 'string' } as const;
  const json = { describe: 'print one JSON object on stdout', type: 'boolean', default: false } as const;
  const context = { describe: 'the context a read handed out (leave it out for a blind write)', requiresArg: true, type: 'string' } as const;
  const w = { describe: 'write quorum for this request', requiresArg: true, type: 'string' } as const;
  return withHouseRules(
    yargs()
      .scriptName(SCRIPT)
      .usage('Read and write keys through a node controller\'s KV API.')
      .command('get <key>', 'print the value (each sibling on its own line); the context goes to stderr', (command) =>
        command
          .positional('key', { describe: 'the key', type: 'string' })
          .option('r', { describe: 'read quorum for this request', requiresArg: true, type: 'string' })
          .option('timeout-ms', timeout)
          .option('json', json),
      )
      .command('put <key> <value>', 'write VALUE (text, or JSON with --json-value); prints the new context', (command) =>
        command
          .positional('key', { describe: 'the key', type: 'string' })
          .positional('value', { describe: 'the value', type: 'string' })
          .option('context', context)
          .option('w', w)
          .option('timeout-ms', timeout)
          .option('json-value', { describe: 'VALUE is JSON: store the parsed value', type: 'boolean', default: false })
          .option('json', json),
      )
      .command('delete <key>', 'delete the key; prints the new context', (command) =>
        command
          .positional('key', { describe: 'the key', type: 'string' })
          .option('context', context)
          .option('w', w)
          .option('timeout-ms', timeout)
          .option('json', json),
      )
      .demandCommand(1, 'missing command: get, put or delete')
      .option('url', { describe: 'the node controller', requiresArg: true, type: 'string', default: DEFAULT_URL, global: true })
      .option('token-file', { describe: 'a file holding the API token', requiresArg: true, type: 'string', global: true }),
    readPackageManifest(import.meta.url)?.version ?? 'unknown',
    mistake,
  );
}

function checkUrl(raw: unknown): string {
  const text = String(raw);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KvUsageError(`--url must be a URL such as ${DEFAULT_URL}, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new KvUsageError(`--url must start with http:// or https://, got ${JSON.stringify(text)}`);
  return text;
}

/** The token from --token-file (its first line, trimmed); its content is never printed. */
function readToken(raw: unknown, readTextFile: ReadTextFile): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return readSecretFile('--token-file', String(raw), readTextFile);
  } catch (error) {
    throw new KvUsageError((error as Error).message);
  }
}

function optionalInteger(raw: Record<string, unknown>, name: string): number | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^[1-9][0-9]{0,11}$/.test(text)) throw new KvUsageError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function contextOf(raw: Record<string, unknown>): string | undefined {
  const value = raw['context'];
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (text === '') throw new KvUsageError('--context must not be empty (leave it out for a blind write)');
  return text;
}

function valueOf(raw: Record<string, unknown>): DecodedValue {
  const text = String(raw['value'] ?? '');
  if (raw['json-value'] !== true) return { kind: 'text', text };
  try {
    return { kind: 'json', json: JSON.parse(text) as unknown };
  } catch {
    throw new KvUsageError('--json-value: VALUE is not valid JSON');
  }
}
