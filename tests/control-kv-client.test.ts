/**
 * `dynamo kv get|put|delete` and its KvClient against a real node controller app on
 * 127.0.0.1 over a fake ControllerService: values and siblings printed, the context round
 * trip, exit codes (0, 1 not found, 2 usage, 3 server errors), and the token kept quiet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKvCommand } from '../src/control/cli/kv-command.js';
import { createApp, startHttpServer } from '../src/control/http/index.js';
import type { HttpServer } from '../src/control/http/index.js';
import { KvClient, KvRequestError } from '../src/control/kv-client.js';
import { FakeControllerService, MemoryLog } from './helpers/fake-controller.js';

const TOKEN = 'kv-client-token-5e2b';
const TOKEN_FILE = '/virtual/token';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly bytes: Uint8Array[];
}

let service: FakeControllerService;
let server: HttpServer;
let url: string;
let openServer: HttpServer;
let openUrl: string;

beforeAll(async () => {
  service = new FakeControllerService();
  server = await startHttpServer({ app: createApp(service, { token: TOKEN, log: new MemoryLog() }), host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${server.port}`;
  openServer = await startHttpServer({ app: createApp(new FakeControllerService(), { log: new MemoryLog() }), host: '127.0.0.1', port: 0 });
  openUrl = `http://127.0.0.1:${openServer.port}`;
});

afterAll(async () => {
  await server.close();
  await openServer.close();
});

/** Runs `dynamo kv ...` against the token-protected server, capturing what it prints. */
async function kv(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const bytes: Uint8Array[] = [];
  const readTextFile = (path: string): string => {
    if (path === TOKEN_FILE) return `${TOKEN}\n`;
    throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  };
  const code = await runKvCommand(args, {
    stdout: (chunk) => {
      if (typeof chunk === 'string') stdout += chunk;
      else bytes.push(chunk);
    },
    stderr: (text) => {
      stderr += text;
    },
    readTextFile,
  });
  return { code, stdout, stderr, bytes };
}

const auth = (): string[] => ['--url', url, '--token-file', TOKEN_FILE];

function contextIn(text: string): string {
  const context = /context: (\S+)/.exec(text)?.[1];
  if (context === undefined) throw new Error(`no context in ${JSON.stringify(text)}`);
  return context;
}

describe('dynamo kv - reads and writes', () => {
  it('put then get prints the value, and the context on stderr', async () => {
    const put = await kv('put', 'greeting', 'hello world', ...auth());
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(put.stdout).toMatch(/^context: \S+\n$/);
    const get = await kv('get', 'greeting', ...auth());
    expect(get.code).toBe(0);
    expect(get.stdout).toBe('hello world\n');
    expect(get.stderr).toMatch(/^context: \S+\n$/);
  });

  it('a get of a missing key exits 1 with "not found", and still gives the context', async () => {
    const get = await kv('get', 'missing', ...auth());
    expect(get.code).toBe(1);
    expect(get.stdout).toBe('');
    expect(get.stderr).toMatch(/^not found\ncontext: \S+\n$/);
  });

  it('two blind puts print as siblings; a put with the read\'s context resolves them', async () => {
    await kv('put', 'cart', 'apple', ...auth());
    await kv('put', 'cart', '{"n":2}', '--json-value', ...auth());
    const get = await kv('get', 'cart', ...auth());
    expect(get.code).toBe(0);
    expect(get.stdout).toBe('sibling 1: apple\nsibling 2: {"n":2}\n');
    const put = await kv('put', 'cart', 'apple+n2', '--context', contextIn(get.stderr), ...auth());
    expect(put.code).toBe(0);
    expect(service.stored('cart')).toEqual(['apple+n2']);
  });

  it('--json prints { status, values, context } with tagged values', async () => {
    await kv('put', 'j', '[1,2]', '--json-value', ...auth());
    const get = await kv('get', 'j', '--json', ...auth());
    expect(get.code).toBe(0);
    const printed = JSON.parse(get.stdout) as { status: number; values: unknown[]; context: string };
    expect(printed).toMatchObject({ status: 200, values: [{ json: [1, 2] }] });
    expect(printed.context).toMatch(/\S/);
    const missing = JSON.parse((await kv('get', 'nothing-here', '--json', ...auth())).stdout) as { status: number; values: unknown[] };
    expect(missing).toMatchObject({ status: 404, values: [] });
  });

  it('delete with the context removes the value; options reach the service', async () => {
    await kv('put', 'gone', 'x', '--w', '2', '--timeout-ms', '700', ...auth());
    expect(service.kvOptions.at(-1)).toEqual({ w: 2, timeoutMs: 700 });
    const context = contextIn((await kv('get', 'gone', '--r', '1', ...auth())).stderr);
    expect(service.kvOptions.at(-1)).toEqual({ r: 1 });
    const deleted = await kv('delete', 'gone', '--context', context, ...auth());
    expect(deleted.code).toBe(0);
    expect((await kv('get', 'gone', ...auth())).code).toBe(1);
  });

  it('keys with slashes, spaces and non-ASCII travel intact', async () => {
    const key = 'a/b c?d=é';
    expect((await kv('put', key, 'v', ...auth())).code).toBe(0);
    expect(service.stored(key)).toEqual(['v']);
    expect((await kv('get', key, ...auth())).stdout).toBe('v\n');
  });

  it('KvClient writes and reads bytes', async () => {
    const client = new KvClient({ url: openUrl });
    await client.put('bytes', { kind: 'bytes', bytes: new Uint8Array([0, 1, 254, 255]) });
    const read = await client.get('bytes');
    expect(read.status).toBe(200);
    expect(read.values).toEqual([{ kind: 'bytes', bytes: new Uint8Array([0, 1, 254, 255]) }]);
    const cli = await runKvCommand(['get', 'bytes', '--url', openUrl], { stdout: () => undefined, stderr: () => undefined });
    expect(cli).toBe(0);
  });
});

describe('dynamo kv - errors and exit codes', () => {
  it.each([
    ['QUORUM_FAILED', 'get'],
    ['TIMEOUT', 'put'],
    ['STOPPED', 'delete'],
  ])('a server error (%s on %s) exits 3 printing "code: message"', async (code, op) => {
    const args = op === 'put' ? ['put', `err-${code}`, 'v'] : [op, `err-${code}`];
    const run = await kv(...args, ...auth());
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(`${code}: failed on purpose: ${code}\n`);
  });

  it('a missing or wrong token exits 3 with UNAUTHORIZED, and the token is never printed', async () => {
    const none = await kv('get', 'k', '--url', url);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^UNAUTHORIZED: /);
    const runs = [none, await kv('put', 'k', 'v', ...auth()), await kv('get', 'k', ...auth()), await kv('get', 'err-TIMEOUT', ...auth())];
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('an unreachable server exits 3', async () => {
    const closed = await startHttpServer({ app: createApp(new FakeControllerService(), { log: new MemoryLog() }), host: '127.0.0.1', port: 0 });
    await closed.close();
    const run = await kv('get', 'k', '--url', `http://127.0.0.1:${closed.port}`);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^UNREACHABLE: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });

  it.each([
    [[], /missing command/],
    [['get'], /Not enough non-option arguments/],
    [['fetch', 'k'], /Unknown argument|missing command/],
    [['get', 'k', '--r', 'two'], /--r must be a positive integer, got "two"/],
    [['get', 'k', '--w', '2'], /Unknown argument/],
    [['put', 'k', '{', '--json-value'], /VALUE is not valid JSON/],
    [['put', 'k', 'v', '--context', ''], /--context/],
    [['get', 'k', '--url', 'ftp://x'], /--url must start with http/],
    [['get', 'k', '--token-file', '/nope'], /cannot read --token-file \/nope: ENOENT/],
    [['get', ''], /KEY must not be empty/],
  ])('bad usage %j exits 2 with one line', async (args, message) => {
    const run = await kv(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^dynamo kv: [^\n]*\n$/);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await kv('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dynamo kv get <key>');
  });

  it('KvClient rejects a 4xx with its code', async () => {
    const client = new KvClient({ url: openUrl });
    const error = await client.get('err-INVALID_ARGUMENT').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KvRequestError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT' });
  });
});
