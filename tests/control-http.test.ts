/**
 * The node controller's HTTP API over a fake ControllerService: the seed's control paths
 * (good and bad bodies), the KV contract, authentication, /metrics, /events, the listening
 * policy, and fuzzed bodies that must never get a 5xx. Most requests go in process
 * (`app.request`); the event stream is also read over a real socket on 127.0.0.1.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp, startHttpServer } from '../src/control/http/index.js';
import type { AppOptions, HttpServer } from '../src/control/http/index.js';
import { FakeControllerService, INTERNAL_DETAIL, MemoryLog } from './helpers/fake-controller.js';

const TOKEN = 'tok-3f9a1c0e7b5d4a2e';

function setup(options: Partial<AppOptions> = {}): { app: Hono; service: FakeControllerService; log: MemoryLog } {
  const service = new FakeControllerService();
  const log = new MemoryLog();
  const app = createApp(service, { log, ...options });
  return { app, service, log };
}

function post(app: Hono, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } }));
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe('control paths - the seed\'s bodies', () => {
  it('GET /status answers the service status as JSON', async () => {
    const { app } = setup();
    const response = await app.request('/status');
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ actors: ['nodeA', 'nodeB', 'nodeC'], controller: 'ctl1', peer_port: 4100 });
  });

  it('POST /start_actor answers 201 with name, hostname, port and hands the spawn over', async () => {
    const { app, service } = setup();
    const spawn = { actor_name: 'nodeD', operator_name: 'dynamo_node', lib_name: 'dynamo', payload: { vnodes: 10 } };
    const response = await post(app, '/start_actor', spawn);
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({ name: 'nodeD', hostname: '127.0.0.1', port: 4200 });
    expect(service.calls).toEqual([['startActor', spawn]]);
  });

  it('POST /stop_actor takes Reactor\'s JSON string body, or { actor_name }', async () => {
    const { app, service } = setup();
    const response = await post(app, '/stop_actor', 'nodeA');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ ok: true, message: 'Actor nodeA Stopped!' });
    expect((await post(app, '/stop_actor', { actor_name: 'nodeB' })).status).toBe(200);
    expect(service.calls).toEqual([['stopActor', 'nodeA'], ['stopActor', 'nodeB']]);
  });

  it('POST /stop_all_actors answers 200', async () => {
    const { app, service } = setup();
    const response = await app.request('/stop_all_actors', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(service.calls).toEqual([['stopAllActors']]);
  });

  it('chaos paths become chaos rules, as Reactor\'s msg_loss, msg_duplication and msg_delay', async () => {
    const { app, service } = setup();
    const bodies: [string, unknown][] = [
      ['/set_msg_loss', { actor_name: 'nodeA', probability: 0.25 }],
      ['/set_duplication', { actor_name: 'nodeB', factor: 2, probability: 0.5 }],
      ['/set_msg_delay', { actor_name: 'nodeC', delay_range_start: 10, delay_range_end: 50, senders: ['nodeA', 'client1'] }],
      ['/set_msg_delay', { actor_name: 'nodeC', delay_range_start: 0, delay_range_end: 5, senders: [] }],
      ['/unset_msg_loss', 'nodeA'],
      ['/unset_msg_duplication', { actor_name: 'nodeB' }],
      ['/unset_msg_delay', { actor_name: 'nodeC', senders: ['nodeA'] }],
      ['/unset_msg_delay', { actor_name: 'nodeC', senders: [] }],
    ];
    for (const [path, body] of bodies) {
      const response = await post(app, path, body);
      expect(response.status, path).toBe(200);
      expect(await json(response)).toMatchObject({ ok: true });
    }
    expect(service.calls).toEqual([
      ['chaos', { node: 'nodeA', loss: 0.25 }],
      ['chaos', { node: 'nodeB', duplicate: { probability: 0.5, factor: 2 } }],
      ['chaos', { from: 'nodeA', to: 'nodeC', delayMs: [10, 50] }],
      ['chaos', { from: 'client1', to: 'nodeC', delayMs: [10, 50] }],
      ['chaos', { node: 'nodeC', delayMs: [0, 5] }],
      ['clearChaos', { node: 'nodeA' }, ['loss']],
      ['clearChaos', { node: 'nodeB' }, ['duplicate']],
      ['clearChaos', { from: 'nodeA', to: 'nodeC' }, ['delayMs']],
      ['clearChaos', { node: 'nodeC' }, ['delayMs']],
    ]);
  });

  const badBodies: [path: string, body: unknown, message: RegExp][] = [
    ['/start_actor', { actor_name: 'nodeD', lib_name: 'dynamo', payload: {} }, /^operator_name: required$/],
    ['/start_actor', { actor_name: 'nodeD', operator_name: 'dynamo_node', lib_name: 'dynamo', payload: [1] }, /^payload: must be a JSON object$/],
    ['/stop_actor', 42, /^body: must be a JSON string/],
    ['/stop_actor', '', /^body: must not be empty$/],
    ['/stop_actor', { actor: 'nodeA' }, /^unknown field: "actor"$/],
    ['/set_msg_loss', { actor_name: 'nodeA', probability: 1.5 }, /^probability: must be a number between 0 and 1$/],
    ['/set_msg_loss', { actor_name: 'nodeA', probability: '0.5' }, /^probability: must be a number between 0 and 1$/],
    ['/set_duplication', { actor_name: 'nodeA', factor: 0, probability: 0.5 }, /^factor: must be a whole number >= 1$/],
    ['/set_duplication', { actor_name: 'nodeA', factor: 2.5, probability: 0.5 }, /^factor: must be a whole number >= 1$/],
    ['/set_msg_delay', { actor_name: 'nodeA', delay_range_start: 50, delay_range_end: 10, senders: [] }, /^delay_range_end: must not be below delay_range_start$/],
    ['/set_msg_delay', { actor_name: 'nodeA', delay_range_start: 1, delay_range_end: 10, senders: [3] }, /^senders\[0\]: must be a string/],
    ['/set_msg_delay', { actor_name: 'nodeA', delay_range_start: 1, delay_range_end: 10, sender: ['x'] }, /^unknown field: "sender"$/],
    ['/unset_msg_loss', null, /^body: must be a JSON string/],
    ['/unset_msg_duplication', { actor_name: 7 }, /^actor_name: must be a string/],
    ['/unset_msg_delay', { senders: [] }, /^actor_name: required$/],
  ];
  it.each(badBodies)('POST %s with %j is a 400 naming the field', async (path, body, message) => {
    const { app, service } = setup();
    const response = await post(app, path, body);
    expect(response.status).toBe(400);
    const answer = await json(response);
    expect(answer['code']).toBe('INVALID_ARGUMENT');
    expect(answer['message']).toMatch(message);
    expect(service.calls).toEqual([]);
  });

  it('a body that is not JSON, or none, is a 400', async () => {
    const { app } = setup();
    for (const body of ['{"actor_name":', 'nodeA', '']) {
      const response = await app.request('/set_msg_loss', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
      expect(response.status).toBe(400);
      expect((await json(response))['code']).toBe('INVALID_ARGUMENT');
    }
  });

  it('an unknown path is a 404 in JSON', async () => {
    const { app } = setup();
    const response = await app.request('/nope');
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ code: 'NOT_FOUND', message: 'no such path: GET /nope' });
  });

  it('a DynamoError from the service keeps its code; any other error is a generic 500, logged', async () => {
    const { app, log } = setup();
    const refused = await post(app, '/stop_actor', 'ghost');
    expect(refused.status).toBe(400);
    expect(await json(refused)).toEqual({ code: 'INVALID_ARGUMENT', message: 'no actor named ghost' });
    const broken = await post(app, '/stop_actor', 'err-plain');
    expect(broken.status).toBe(500);
    const answer = await json(broken);
    expect(answer['code']).toBe('INTERNAL');
    expect(JSON.stringify(answer)).not.toContain(INTERNAL_DETAIL);
    expect(log.errors().join('\n')).toContain(INTERNAL_DETAIL);
  });

  it('GET /ring, and GET /inspect/:key with bytes as { base64 }', async () => {
    const { app } = setup();
    expect(await json(await app.request('/ring'))).toMatchObject({ nodes: ['nodeA', 'nodeB', 'nodeC'], n: 3, r: 2, w: 2 });
    const inspect = await app.request('/inspect/some%2Fkey');
    expect(inspect.status).toBe(200);
    const entries = (await inspect.json()) as { versions: { value: unknown }[] }[];
    expect(entries[0]?.versions[0]?.value).toEqual({ base64: 'AQID' });
    expect(entries[1]?.versions[0]?.value).toEqual({ n: 1 });
    expect((await app.request('/inspect/')).status).toBe(400);
  });

  it('GET /client_output/:name?from=N answers the lines from N on', async () => {
    const { app } = setup();
    const output = (await (await app.request('/client_output/client1?from=2')).json()) as { lines: { seq: number }[] };
    expect(output.lines.map((line) => line.seq)).toEqual([2, 3]);
    expect((await app.request('/client_output/client1?from=-1')).status).toBe(400);
    expect((await app.request('/client_output/client1?since=1')).status).toBe(400);
  });
});

describe('KV API - the contract', () => {
  const put = (app: Hono, key: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}): Promise<Response> =>
    Promise.resolve(app.request(`/kv/${key}`, { method: 'PUT', body, headers }));

  it('a missing key is a 404 that still carries the context', async () => {
    const { app } = setup();
    const response = await app.request('/kv/absent');
    expect(response.status).toBe(404);
    expect(response.headers.get('X-Dynamo-Context')).toBeTruthy();
    expect(await json(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('one text value is a 200 text/plain body; its context goes back with the next put', async () => {
    const { app, service } = setup();
    const first = await put(app, 'k', 'hello', { 'Content-Type': 'text/plain' });
    expect(first.status).toBe(200);
    const written = first.headers.get('X-Dynamo-Context');
    expect(await json(first)).toEqual({ context: written });
    const read = await app.request('/kv/k');
    expect(read.status).toBe(200);
    expect(read.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await read.text()).toBe('hello');
    const context = read.headers.get('X-Dynamo-Context') ?? '';
    expect((await put(app, 'k', 'world', { 'X-Dynamo-Context': context })).status).toBe(200);
    expect(service.stored('k')).toEqual(['world']);
  });

  it('two blind puts are siblings: a 300 listing each, tagged', async () => {
    const { app } = setup();
    await put(app, 'cart', 'apple');
    await put(app, 'cart', '{"n":2}', { 'Content-Type': 'application/json' });
    await put(app, 'cart', new Uint8Array([0, 255]), { 'Content-Type': 'application/octet-stream' });
    const read = await app.request('/kv/cart');
    expect(read.status).toBe(300);
    expect(read.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await read.json()).toEqual({ siblings: [{ text: 'apple' }, { json: { n: 2 } }, { base64: 'AP8=' }] });
  });

  it('one JSON value is application/json, one bytes value application/octet-stream', async () => {
    const { app } = setup();
    await put(app, 'j', '[1,{"a":true}]', { 'Content-Type': 'application/json; charset=utf-8' });
    const j = await app.request('/kv/j');
    expect(j.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await j.json()).toEqual([1, { a: true }]);
    await put(app, 'b', new Uint8Array([1, 2, 3]), { 'Content-Type': 'application/octet-stream' });
    const b = await app.request('/kv/b');
    expect(b.headers.get('Content-Type')).toBe('application/octet-stream');
    expect(new Uint8Array(await b.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('a delete with the context leaves a 404 whose context a later put can use', async () => {
    const { app, service } = setup();
    await put(app, 'd', 'x');
    const context = (await app.request('/kv/d')).headers.get('X-Dynamo-Context') ?? '';
    const deleted = await app.request('/kv/d', { method: 'DELETE', headers: { 'X-Dynamo-Context': context } });
    expect(deleted.status).toBe(200);
    expect(deleted.headers.get('X-Dynamo-Context')).toBeTruthy();
    const gone = await app.request('/kv/d');
    expect(gone.status).toBe(404);
    await put(app, 'd', 'again', { 'X-Dynamo-Context': gone.headers.get('X-Dynamo-Context') ?? '' });
    expect(service.stored('d')).toEqual(['again']);
  });

  it('keys are percent-decoded from the path; query options reach the service', async () => {
    const { app, service } = setup();
    await put(app, 'a%2Fb%20c?w=2&timeout_ms=500', 'v');
    expect(service.stored('a/b c')).toEqual(['v']);
    await app.request('/kv/a%2Fb%20c?r=1&timeout_ms=300');
    expect(service.kvOptions).toEqual([{ w: 2, timeoutMs: 500 }, { r: 1, timeoutMs: 300 }]);
  });

  const badRequests: [method: string, path: string, message: RegExp][] = [
    ['GET', '/kv/', /^key: must not be empty$/],
    ['GET', '/kv', /^key: must not be empty$/],
    ['GET', '/kv/%E0%A4%A', /^key: not valid percent-encoding$/],
    ['GET', '/kv/k?r=0', /^r: must be a positive integer$/],
    ['GET', '/kv/k?r=1.5', /^r: must be a positive integer$/],
    ['GET', '/kv/k?timeout_ms=abc', /^timeout_ms: must be a positive integer$/],
    ['GET', '/kv/k?w=2', /^unknown query parameter "w"/],
    ['GET', '/kv/k?r=1&r=2', /^r: given more than once$/],
    ['PUT', '/kv/k?r=2', /^unknown query parameter "r"/],
    ['DELETE', '/kv/k?w=-1', /^w: must be a positive integer$/],
  ];
  it.each(badRequests)('%s %s is a 400 naming the parameter', async (method, path, message) => {
    const { app } = setup();
    const response = await app.request(path, { method, ...(method === 'PUT' && { body: 'v' }) });
    expect(response.status).toBe(400);
    expect((await json(response))['message']).toMatch(message);
  });

  it('a PUT of bad JSON, of bad UTF-8 text, or with an empty context header is a 400', async () => {
    const { app } = setup();
    const badJson = await put(app, 'k', '{"a":', { 'Content-Type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect((await json(badJson))['message']).toMatch(/^body: not valid JSON/);
    expect((await put(app, 'k', new Uint8Array([0xff, 0xfe]), { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect((await put(app, 'k', 'v', { 'X-Dynamo-Context': ' ' })).status).toBe(400);
  });

  it('a body beyond the limit is a 413 VALUE_TOO_LARGE', async () => {
    const { app, service } = setup({ maxBodyBytes: 1024 });
    const response = await put(app, 'big', 'x'.repeat(2048));
    expect(response.status).toBe(413);
    expect((await json(response))['code']).toBe('VALUE_TOO_LARGE');
    expect(service.stored('big')).toEqual([]);
  });

  const statuses: [code: string, status: number][] = [
    ['INVALID_ARGUMENT', 400],
    ['VALUE_TOO_LARGE', 413],
    ['QUORUM_FAILED', 503],
    ['STOPPED', 503],
    ['TIMEOUT', 504],
    ['ABORTED', 503],
    ['INTERNAL', 500],
  ];
  it.each(statuses)('a DynamoError %s is a %i with { code, message }', async (code, status) => {
    const { app } = setup();
    for (const request of [app.request(`/kv/err-${code}`), put(app, `err-${code}`, 'v'), app.request(`/kv/err-${code}`, { method: 'DELETE' })]) {
      const response = await request;
      expect(response.status).toBe(status);
      expect(await json(response)).toEqual({ code, message: `failed on purpose: ${code}` });
    }
  });

  it('a bad context is the service\'s INVALID_ARGUMENT, a 400', async () => {
    const { app } = setup();
    const response = await put(app, 'k', 'v', { 'X-Dynamo-Context': 'not-a-context' });
    expect(response.status).toBe(400);
  });
});

describe('authentication', () => {
  it('without a token, or with a wrong one, every path is a 401', async () => {
    const { app, service } = setup({ token: TOKEN });
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${TOKEN}` }, { Cookie: 'dynamo_token=nope' }];
    for (const headers of attempts) {
      for (const path of ['/status', '/metrics', '/kv/k', '/events']) {
        const response = await app.request(path, { headers });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect((await json(response))['code']).toBe('UNAUTHORIZED');
      }
    }
    expect((await post(app, '/stop_all_actors', {})).status).toBe(401);
    expect(service.calls).toEqual([]);
    expect(service.listenerCount).toBe(0);
  });

  it('a bearer token lets any request through; a right cookie after a wrong header does not', async () => {
    const { app } = setup({ token: TOKEN });
    expect((await app.request('/status', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await post(app, '/stop_all_actors', {}, { Authorization: `bearer ${TOKEN}` })).status).toBe(200);
    expect((await app.request('/status', { headers: { Authorization: 'Bearer x', Cookie: `dynamo_token=${TOKEN}` } })).status).toBe(401);
  });

  it('the cookie authenticates a GET; a cookie POST needs X-Dynamo-CSRF: 1 (403 without)', async () => {
    const { app, service } = setup({ token: TOKEN });
    const cookie = { Cookie: `other=1; dynamo_token=${TOKEN}` };
    expect((await app.request('/status', { headers: cookie })).status).toBe(200);
    const forbidden = await post(app, '/stop_all_actors', {}, cookie);
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden))['code']).toBe('FORBIDDEN');
    expect((await app.request('/kv/k', { method: 'PUT', body: 'v', headers: cookie })).status).toBe(403);
    expect(service.calls).toEqual([]);
    expect((await post(app, '/stop_all_actors', {}, { ...cookie, 'X-Dynamo-CSRF': '1' })).status).toBe(200);
  });

  it('no token appears in the log or in any answer', async () => {
    const { app, log } = setup({ token: TOKEN });
    const answers: string[] = [];
    const attempts: Record<string, string>[] = [{ Authorization: `Bearer ${TOKEN}x` }, { Authorization: `Bearer ${TOKEN}` }, { Cookie: `dynamo_token=${TOKEN}` }, { Cookie: `dynamo_token=${TOKEN}x` }];
    for (const headers of attempts) {
      answers.push(await (await app.request('/status', { headers })).text());
      answers.push(await (await post(app, '/stop_actor', 'err-plain', headers)).text());
    }
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.some((line) => line.startsWith('warn refused'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(TOKEN);
    expect(answers.join('\n')).not.toContain(TOKEN);
  });

  it('a token unfit for a header is refused when the app is made', () => {
    expect(() => setup({ token: '' })).toThrow(/must not be empty/);
    expect(() => setup({ token: 'a b;c' })).toThrow(/only letters, digits/);
  });
});

describe('/metrics', () => {
  it('serves the Prometheus text of the cluster, per node, with process metrics', async () => {
    const { app } = setup();
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const line of [
      'dynamo_node_keys{node="nodeA"} 10',
      'dynamo_node_hints_pending{node="nodeC"} 2',
      'dynamo_node_messages_in_total{node="nodeB"} 1001',
      'dynamo_node_messages_out_total{node="nodeA"} 900',
      'dynamo_node_messages_lost_total{node="nodeA"} 3',
      'dynamo_node_messages_duplicated_total{node="nodeA"} 4',
      'dynamo_node_messages_delayed_total{node="nodeA"} 5',
      'dynamo_node_read_repairs_total{node="nodeA"} 7',
      'dynamo_node_quorum_failures_total{node="nodeA"} 1',
      'dynamo_node_anti_entropy_exchanges_total{node="nodeA"} 5',
      'dynamo_node_up{node="nodeZ"} 0',
      'dynamo_client_requests_total{op="get"} 40',
      'dynamo_client_timeouts_total 2',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    expect(text).toContain('# TYPE dynamo_node_messages_in_total counter');
    expect(text).toContain('# TYPE dynamo_node_keys gauge');
    expect(text).toMatch(/\nprocess_resident_memory_bytes \d+/);
    expect(text).toMatch(/\nprocess_cpu_seconds_total \d/);
  });

  it('reads the stats once per scrape, and forgets a node gone from them', async () => {
    const { app, service } = setup();
    await (await app.request('/metrics')).text();
    expect(service.statsCalls).toBe(1);
    service.nodes = ['nodeA'];
    const text = await (await app.request('/metrics')).text();
    expect(service.statsCalls).toBe(2);
    expect(text).toContain('dynamo_node_keys{node="nodeA"}');
    expect(text).not.toContain('node="nodeB"');
  });

  it('without a cluster serves the process metrics only', async () => {
    const { app, service } = setup();
    service.hasCluster = false;
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toContain('dynamo_node_');
  });

  it('two apps in one process keep their own registries', async () => {
    const one = setup();
    const two = setup();
    two.service.nodes = ['solo'];
    expect(await (await one.app.request('/metrics')).text()).not.toContain('node="solo"');
    expect(await (await two.app.request('/metrics')).text()).toContain('node="solo"');
  });
});

/** Reads a stream of server-sent events until `done` says enough, or `timeoutMs` passes. */
async function readEvents(body: ReadableStream<Uint8Array>, done: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!done(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), deadline - Date.now()))]);
      if (chunk === 'late' || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

/** Polls until `check` holds (or fails after 2 s). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('/events', () => {
  it('streams a stats event within 1.5 s and the service\'s events; unsubscribes when the client leaves', async () => {
    const { app, service } = setup();
    const response = await app.request('/events');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    expect(service.listenerCount).toBe(1);
    service.emit({ type: 'client-output', client: 'client1', line: { seq: 0, text: 'hello' } });
    const startedMs = Date.now();
    const text = await readEvents(response.body as ReadableStream<Uint8Array>, (t) => t.includes('event: stats\n') && t.includes('event: client-output\n'), 1500);
    expect(Date.now() - startedMs).toBeLessThan(1500);
    expect(text).toContain('event: client-output\ndata: {"type":"client-output","client":"client1","line":{"seq":0,"text":"hello"}}\n\n');
    const stats = /event: stats\ndata: (.*)\n/.exec(text)?.[1] ?? '';
    expect(JSON.parse(stats)).toMatchObject({ type: 'stats', stats: { totals: { keys: 33 } } });
    await until(() => service.listenerCount === 0);
  });

  it('stats events go out before a job placed anything here, with stats null and the process\'s CPU and memory', async () => {
    const { app, service } = setup({ events: { statsIntervalMs: 50 } });
    service.hasCluster = false;
    const response = await app.request('/events');
    const text = await readEvents(response.body as ReadableStream<Uint8Array>, (t) => (t.match(/event: stats\n/g) ?? []).length >= 2, 1500);
    const events = [...text.matchAll(/event: stats\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1] ?? '') as Record<string, unknown>);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'stats', stats: null });
      const process = event['process'] as Record<string, number>;
      expect(Object.keys(process).sort()).toEqual(['cpuSystemMicros', 'cpuUserMicros', 'heapUsedBytes', 'rssBytes']);
      expect(process['rssBytes']).toBeGreaterThan(process['heapUsedBytes'] ?? Infinity);
      expect(process['cpuUserMicros']).toBeGreaterThan(0);
    }
    // Cumulative: the CPU time only grows.
    expect((events[1]?.['process'] as Record<string, number>)['cpuUserMicros']).toBeGreaterThanOrEqual((events[0]?.['process'] as Record<string, number>)['cpuUserMicros'] ?? Infinity);
    await until(() => service.listenerCount === 0);
  });

  it('stats that cannot be read still send the event, with stats null, and warn once', async () => {
    const { app, service, log } = setup({ events: { statsIntervalMs: 50 } });
    service.stats = () => Promise.reject(new Error('stats broke'));
    const response = await app.request('/events');
    const text = await readEvents(response.body as ReadableStream<Uint8Array>, (t) => (t.match(/event: stats\n/g) ?? []).length >= 3, 1500);
    expect(text).toContain('"stats":null');
    expect(log.lines.filter((line) => line.includes('could not be read'))).toHaveLength(1);
    await until(() => service.listenerCount === 0);
  });

  it('reads the stats once per interval for all streams, not once per stream', async () => {
    const { app, service } = setup({ events: { statsIntervalMs: 100 } });
    const streams = await Promise.all([1, 2, 3, 4].map(() => app.request('/events')));
    await new Promise((resolve) => setTimeout(resolve, 450));
    // One read at the first stream, then one per 100 ms tick, whatever the number of streams.
    expect(service.statsCalls).toBeGreaterThanOrEqual(2);
    expect(service.statsCalls).toBeLessThanOrEqual(7);
    await Promise.all(streams.map((r) => r.body?.cancel()));
    await until(() => service.listenerCount === 0);
  });

  it('a slow client\'s queue is bounded: old events go, and it is told how many', async () => {
    const { app, service } = setup({ events: { queueLimit: 8, statsIntervalMs: 60_000 } });
    const response = await app.request('/events');
    for (let seq = 0; seq < 500; seq += 1) service.emit({ type: 'client-output', client: 'c', line: { seq, text: `line ${seq}` } });
    const text = await readEvents(response.body as ReadableStream<Uint8Array>, (t) => t.includes('"seq":499'), 1000);
    const written = text.match(/event: client-output/g) ?? [];
    expect(written.length).toBeLessThanOrEqual(12);
    expect(text).toMatch(/event: dropped\ndata: \{"count":\d+\}/);
    expect(text).toContain('"seq":499');
  });

  it('a HEAD opens no stream', async () => {
    const { app, service } = setup();
    const response = await app.request('/events', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    expect(service.listenerCount).toBe(0);
  });

  it('refuses streams beyond the limit with a 503', async () => {
    const { app } = setup({ events: { maxConnections: 2 } });
    const open = [await app.request('/events'), await app.request('/events')];
    const third = await app.request('/events');
    expect(third.status).toBe(503);
    expect((await json(third))['code']).toBe('UNAVAILABLE');
    await open[0]?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await app.request('/events');
    expect(again.status).toBe(200);
    await Promise.all([open[1]?.body?.cancel(), again.body?.cancel()]);
  });
});

describe('serving on 127.0.0.1', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('streams events over a real socket, with the token cookie, and unsubscribes on abort', async () => {
    const { app, service } = setup({ token: TOKEN });
    server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.port}/events`, { headers: { Cookie: `dynamo_token=${TOKEN}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('event: stats\n')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    expect(text).toContain('retry: 2000');
    expect(service.listenerCount).toBe(1);
    abort.abort();
    await until(() => service.listenerCount === 0);
  });

  it('close() ends open event streams', async () => {
    const { app, service } = setup();
    server = await startHttpServer({ app, host: 'localhost', port: 0 });
    const response = await fetch(`http://127.0.0.1:${server.port}/events`).catch(() => fetch(`http://[::1]:${server?.port ?? 0}/events`));
    expect(response.status).toBe(200);
    await until(() => service.listenerCount === 1);
    await server.close();
    server = undefined;
    await until(() => service.listenerCount === 0);
  });

  it('refuses to listen beyond loopback without a token, and a bad port', async () => {
    const { app } = setup();
    await expect(startHttpServer({ app, host: '0.0.0.0', port: 0 })).rejects.toThrow(/an API token is required to listen beyond 127\.0\.0\.1/);
    await expect(startHttpServer({ app, host: '::', port: 0 })).rejects.toThrow(/token is required/);
    await expect(startHttpServer({ app, host: '127.0.0.1', port: 70_000 })).rejects.toThrow(/port must be an integer/);
  });
});

describe('fuzz - no body makes a 5xx or a throw', () => {
  const paths = ['/start_actor', '/stop_actor', '/stop_all_actors', '/set_msg_loss', '/set_duplication', '/set_msg_delay', '/unset_msg_loss', '/unset_msg_duplication', '/unset_msg_delay', '/kv/fuzz'];

  it('random JSON bodies', async () => {
    const { app, log } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 4 }), async (path, body) => {
        const response = await post(app, path, body);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 300 },
    );
    expect(log.errors()).toEqual([]);
  });

  it('random bytes and content types', async () => {
    const { app, log } = setup();
    const types = ['application/json', 'application/octet-stream', 'text/plain', 'application/x-www-form-urlencoded', ''];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.uint8Array({ maxLength: 256 }), fc.constantFrom(...types), fc.constantFrom('POST', 'PUT', 'DELETE'), async (path, bytes, type, method) => {
        const response = await app.request(path, { method, body: Uint8Array.from(bytes), headers: type === '' ? {} : { 'Content-Type': type } });
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 300 },
    );
    expect(log.errors()).toEqual([]);
  });

  it('any key and any text value round-trip through PUT and GET', async () => {
    const { app, log } = setup();
    // `.` and `..` are path segments to every URL parser: no path can name those keys.
    const key = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((k) => k !== '.' && k !== '..');
    await fc.assert(
      fc.asyncProperty(key, fc.string({ unit: 'grapheme', maxLength: 50 }), async (k, value) => {
        const path = `/kv/${encodeURIComponent(k)}`;
        // A key drawn twice holds the earlier value: the put supersedes it with the read's context.
        const context = (await app.request(path)).headers.get('X-Dynamo-Context') ?? '';
        await app.request(path, { method: 'PUT', body: value, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Dynamo-Context': context } });
        const read = await app.request(path);
        expect(read.status).toBe(200);
        expect(await read.text()).toBe(value);
      }),
      { numRuns: 200 },
    );
    expect(log.errors()).toEqual([]);
  });

  it('random bodies shaped like the real ones', async () => {
    const { app, log } = setup();
    const field = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
    const body = fc.record(
      { actor_name: field, probability: field, factor: field, delay_range_start: field, delay_range_end: field, senders: field },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), body, async (path, value) => {
        const response = await post(app, path, value);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 300 },
    );
    expect(log.errors()).toEqual([]);
  });
});
