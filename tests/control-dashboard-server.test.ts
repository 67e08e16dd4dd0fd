/**
 * The dashboard's server side without a browser: the page and its files served before
 * authentication under a strict CSP, the vendored Vega builds, the token-for-cookie sign-in
 * and what the cookie then allows, the job board behind POST /jobs, and `dynamo dashboard`'s
 * proxy in front of controllers on 127.0.0.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DashboardAssets } from '../src/control/dashboard/assets.js';
import { createDashboardProxy } from '../src/control/dashboard/proxy.js';
import { CONTENT_SECURITY_POLICY } from '../src/control/dashboard/routes.js';
import { createApp, startHttpServer, type HttpServer } from '../src/control/http/index.js';
import { JOB_LINES_KEPT, JobBoard } from '../src/control/job/job-board.js';
import type { ControllerEvent } from '../src/control/service.js';
import { FakeControllerService, MemoryLog } from './helpers/fake-controller.js';
import { jobToml } from './helpers/controller-processes.js';

const TOKEN = 'dash-7c1e9b04a2f35d68';
const appDir = mkdtempSync(join(tmpdir(), 'dash-assets-'));
writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>dynamo</title><script type="module" src="/dashboard/main.js"></script>');
writeFileSync(join(appDir, 'main.js'), 'console.log("dashboard");');
writeFileSync(join(appDir, 'style.css'), 'body { margin: 0 }');
const assets = new DashboardAssets(appDir);
afterAll(() => rmSync(appDir, { recursive: true, force: true }));

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function controllerApp(token?: string): { app: ReturnType<typeof createApp>; service: FakeControllerService; log: MemoryLog } {
  const service = new FakeControllerService();
  const log = new MemoryLog();
  return { app: createApp(service, { log, dashboard: { assets, controllers: () => Promise.resolve([{ name: 'ctl1', base: '' }]) }, ...(token !== undefined && { token }) }), service, log };
}

function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0] as string;
}

describe('the page and its files', () => {
  it('serves / under the CSP without a token, and its files under /dashboard/', async () => {
    const { app } = controllerApp(TOKEN);
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(await page.text()).toContain('/dashboard/main.js');
    const script = await app.request('/dashboard/main.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await app.request('/dashboard/style.css')).headers.get('content-type')).toContain('text/css');
  });

  it('answers 404 for a file it does not have, and never climbs out of its directory', async () => {
    const { app } = controllerApp();
    expect((await app.request('/dashboard/nope.js')).status).toBe(404);
    expect((await app.request('/dashboard/..%2Fpackage.json')).status).toBe(404);
    expect((await app.request('/dashboard/%2e%2e%2fpackage.json')).status).toBe(404);
    expect((await app.request('/vendor/..%2F..%2Fpackage.json')).status).toBe(404);
  });

  it('serves the vendored Vega, Vega-Lite and vega-embed builds from node_modules', async () => {
    const { app } = controllerApp(TOKEN);
    for (const [file, global] of [['vega.min.js', 'vega'], ['vega-lite.min.js', 'vegaLite'], ['vega-embed.min.js', 'vegaEmbed']] as const) {
      const response = await app.request(`/vendor/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toContain('javascript');
      expect(await response.text()).toContain(global);
    }
    expect((await app.request('/vendor/d3.min.js')).status).toBe(404);
  });

  it('tells the page which controllers it shows and whether a token is needed', async () => {
    expect(await (await controllerApp(TOKEN).app.request('/dashboard/config.json')).json()).toEqual({ controllers: [{ name: 'ctl1', base: '' }], tokenRequired: true });
    expect(await (await controllerApp().app.request('/dashboard/config.json')).json()).toMatchObject({ tokenRequired: false });
  });

  it('can be left out: createApp with dashboard false serves no page', async () => {
    const app = createApp(new FakeControllerService(), { log: new MemoryLog(), dashboard: false });
    expect((await app.request('/')).status).toBe(404);
  });
});

describe('sign-in: the token exchanged once for an HttpOnly, SameSite=Strict cookie', () => {
  const signIn = (app: ReturnType<typeof createApp>, token: unknown, origin?: string): Promise<Response> =>
    Promise.resolve(app.request('/session', { method: 'POST', body: JSON.stringify({ token }), headers: { 'Content-Type': 'application/json', ...(origin !== undefined && { Origin: origin }) } }));

  it('sets the cookie for the right token, and the cookie then authenticates reads and streams', async () => {
    const { app } = controllerApp(TOKEN);
    expect((await app.request('/status')).status).toBe(401);
    const response = await signIn(app, TOKEN);
    expect(response.status).toBe(204);
    const setCookie = response.headers.get('set-cookie') ?? '';
    // A value made from the token, never the token; one cookie per port.
    expect(setCookie).toMatch(/^dynamo_session_default=[A-Za-z0-9_-]{43};/);
    expect(setCookie).not.toContain(TOKEN);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    const status = await app.request('/status', { headers: { Cookie: cookieOf(response) } });
    expect(status.status).toBe(200);
    // Another port is another cookie; another process (a restart) another value.
    expect((await app.request('http://127.0.0.1:3999/status', { headers: { Cookie: cookieOf(response) } })).status).toBe(401);
    const other = controllerApp(TOKEN).app;
    const stale = await other.request('/status', { headers: { Cookie: cookieOf(response) } });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { message: string }).message).toContain('sign in again');
  });

  it('bounds a sign-in body before reading it, and every body before authentication', async () => {
    const { app } = controllerApp(TOKEN);
    const huge = JSON.stringify({ token: 'x'.repeat(10_000) });
    expect((await app.request('/session', { method: 'POST', body: huge, headers: { 'Content-Type': 'application/json' } })).status).toBe(413);
    const small = createApp(new FakeControllerService(), { log: new MemoryLog(), token: TOKEN, maxBodyBytes: 1000, dashboard: { assets, controllers: () => Promise.resolve([]) } });
    expect((await small.request('/set_msg_loss', { method: 'POST', body: 'y'.repeat(5000), headers: { 'Content-Type': 'application/json' } })).status).toBe(413);
  });

  it('refuses a wrong token with 401, and a body without one with 400 naming the field', async () => {
    const { app, log } = controllerApp(TOKEN);
    const wrong = await signIn(app, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const missing = await signIn(app, 42);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain('token');
    expect(JSON.stringify(log)).not.toContain('not-the-token');
  });

  it('a POST by cookie needs the CSRF header, and a cross-site one is refused by its Origin', async () => {
    const { app, service } = controllerApp(TOKEN);
    const cookie = cookieOf(await signIn(app, TOKEN));
    const body = JSON.stringify({ actor_name: 'nodeA', probability: 0.5 });
    const withoutHeader = await app.request('/set_msg_loss', { method: 'POST', body, headers: { Cookie: cookie, 'Content-Type': 'application/json' } });
    expect(withoutHeader.status).toBe(403);
    const crossSite = await app.request('http://127.0.0.1:3000/set_msg_loss', { method: 'POST', body, headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Dynamo-CSRF': '1', Origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(service.calls.filter(([method]) => method === 'chaos')).toEqual([]);
    const ok = await app.request('/set_msg_loss', { method: 'POST', body, headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Dynamo-CSRF': '1' } });
    expect(ok.status).toBe(200);
    expect(service.calls.filter(([method]) => method === 'chaos')).toHaveLength(1);
  });

  it('a sign-in posted from another site is refused', async () => {
    const { app } = controllerApp(TOKEN);
    expect((await signIn(app, TOKEN, 'http://evil.example')).status).toBe(403);
  });

  it('without a configured token there is nothing to sign in to (400), and DELETE /session clears the cookie', async () => {
    expect((await signIn(controllerApp().app, 'x')).status).toBe(400);
    const cleared = await controllerApp(TOKEN).app.request('/session', { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(cleared.headers.get('set-cookie')).toMatch(/dynamo_session_default=;.*Max-Age=0/i);
  });
});

describe('the job board (POST /jobs)', () => {
  const plan = jobToml({ ports: [3000], perController: 3 }).text;

  it('starts a parsed job, publishes its lines and its end, and lists it', async () => {
    const events: ControllerEvent[] = [];
    let finish: (code: number) => void = () => undefined;
    const board = new JobBoard({
      emit: (event) => events.push(event),
      now: () => 1234,
      mayContact: () => true,
      run: (_plan, options) => {
        options.print('deployed');
        return new Promise((resolve) => (finish = resolve));
      },
    });
    const started = board.submit(plan);
    expect(started).toMatchObject({ state: 'running', exitCode: null, startedAtMs: 1234 });
    expect(started.id).toMatch(/^job-[0-9a-f]{6}-1$/);
    expect(() => board.submit(plan)).toThrow(new RegExp(`${started.id} still runs`));
    finish(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(board.list()).toEqual([{ id: started.id, state: 'done', exitCode: 0, startedAtMs: 1234, lines: ['deployed'] }]);
    expect(events.map((e) => e.type)).toEqual(['job', 'job-output', 'job']);
    expect(events[2]).toMatchObject({ type: 'job', job: { state: 'done', exitCode: 0 } });
  });

  it('refuses a file that does not parse, naming line and column, and starts nothing', () => {
    const events: ControllerEvent[] = [];
    const board = new JobBoard({ emit: (event) => events.push(event), run: () => Promise.resolve(0), mayContact: () => true });
    expect(() => board.submit('[[ops]\nname = 1')).toThrow(/job\.toml:1:\d+/);
    expect(board.list()).toEqual([]);
    expect(events).toEqual([]);
  });

  it('refuses a job naming a controller it may not contact with its token, and starts nothing', () => {
    const contacted: string[] = [];
    const board = new JobBoard({ emit: () => undefined, run: () => Promise.resolve(0), mayContact: (host) => (contacted.push(host), host === '127.0.0.1') });
    const elsewhere = plan.replace('hostname = "127.0.0.1"', 'hostname = "controller.example"');
    expect(() => board.submit(elsewhere)).toThrow(/not host1 \(controller\.example\): run dynamo job for those/);
    expect(contacted).toEqual(['controller.example']);
    expect(board.list()).toEqual([]);
    expect(board.submit(plan).state).toBe('running');
  });

  it('keeps only the newest lines of a chatty job, and a failing runner ends the job failed', async () => {
    const board = new JobBoard({
      emit: () => undefined,
      mayContact: () => true,
      run: (_plan, options) => {
        for (let i = 0; i < JOB_LINES_KEPT + 5; i++) options.print(`line ${i}`);
        return Promise.reject(new Error('boom'));
      },
    });
    board.submit(plan);
    await new Promise((resolve) => setImmediate(resolve));
    const [job] = board.list();
    expect(job?.state).toBe('failed');
    expect(job?.exitCode).toBe(1);
    expect(job?.lines).toHaveLength(JOB_LINES_KEPT);
    expect(job?.lines.at(-1)).toBe('job failed: boom');
  });
});

describe('dynamo dashboard: the proxy in front of controllers', () => {
  async function serve(app: ReturnType<typeof createApp>): Promise<string> {
    const server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  it('forwards each controller\'s API under /c/<index>/ with the controller token added', async () => {
    const one = controllerApp(TOKEN);
    const two = controllerApp(TOKEN);
    const proxy = createDashboardProxy({ controllers: [{ name: 'a', url: await serve(one.app) }, { name: 'b', url: await serve(two.app) }], controllerToken: TOKEN, log: new MemoryLog(), assets });
    expect(await (await proxy.request('/dashboard/config.json')).json()).toEqual({ controllers: [{ name: 'a', base: '/c/0' }, { name: 'b', base: '/c/1' }], tokenRequired: false });
    const status = await proxy.request('http://127.0.0.1/c/1/status');
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ controller: 'ctl1' });
    const posted = await proxy.request('http://127.0.0.1/c/0/set_msg_loss', { method: 'POST', body: JSON.stringify({ actor_name: 'nodeB', probability: 0.25 }), headers: { 'Content-Type': 'application/json' } });
    expect(posted.status).toBe(200);
    expect(one.service.calls).toContainEqual(['chaos', { node: 'nodeB', loss: 0.25 }]);
    expect(two.service.calls.filter(([m]) => m === 'chaos')).toEqual([]);
    expect((await proxy.request('http://127.0.0.1/c/2/status')).status).toBe(404);
    // Only the index itself: `00` or `+0` would glue a digit onto the controller's port.
    for (const path of ['/c/00/status', '/c/+0/status', '/c/-0/status', '/c/0x0/status', '/c/1e0/status']) expect((await proxy.request(`http://127.0.0.1${path}`)).status, path).toBe(404);
    expect(status.headers.get('x-content-type-options')).toBe('nosniff');
    expect(status.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('answers 502 naming the token flag when a controller refuses the controller token', async () => {
    const guarded = controllerApp(TOKEN);
    const proxy = createDashboardProxy({ controllers: [{ name: 'a', url: await serve(guarded.app) }], controllerToken: 'not-the-token', log: new MemoryLog(), assets });
    const refused = await proxy.request('http://127.0.0.1/c/0/status');
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { message: string }).message).toContain('--controller-token-file');
  });

  it('passes the controller\'s errors through, and answers 503 naming a controller that is down', async () => {
    const one = controllerApp();
    const proxy = createDashboardProxy({ controllers: [{ name: 'a', url: await serve(one.app) }, { name: 'gone', url: 'http://127.0.0.1:9' }], log: new MemoryLog(), assets });
    const bad = await proxy.request('http://127.0.0.1/c/0/set_msg_loss', { method: 'POST', body: JSON.stringify({ actor_name: 'nodeB', probability: 7 }), headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('probability');
    const down = await proxy.request('http://127.0.0.1/c/1/status');
    expect(down.status).toBe(503);
    expect(((await down.json()) as { message: string }).message).toContain('gone (http://127.0.0.1:9)');
  });

  it('requires its own sign-in when given a token, and refuses controller addresses that are not http://host:port', async () => {
    const one = controllerApp();
    const proxy = createDashboardProxy({ controllers: [{ name: 'a', url: await serve(one.app) }], token: TOKEN, log: new MemoryLog(), assets });
    expect((await proxy.request('http://127.0.0.1/c/0/status')).status).toBe(401);
    expect((await proxy.request('/')).status).toBe(200);
    const signIn = await proxy.request('/session', { method: 'POST', body: JSON.stringify({ token: TOKEN }), headers: { 'Content-Type': 'application/json' } });
    expect(signIn.status).toBe(204);
    expect((await proxy.request('http://127.0.0.1/c/0/status', { headers: { Cookie: cookieOf(signIn) } })).status).toBe(200);
    for (const url of ['ftp://127.0.0.1:3000', 'http://127.0.0.1:3000/status', 'http://u:p@127.0.0.1:3000', 'not a url']) {
      expect(() => createDashboardProxy({ controllers: [{ name: 'x', url }], log: new MemoryLog(), assets }), url).toThrow(/http:\/\/host:port/);
    }
  });

  it('streams a controller\'s events through, and stops when the browser goes away', async () => {
    const one = controllerApp();
    const proxyServer = await startHttpServer({ app: createDashboardProxy({ controllers: [{ name: 'a', url: await serve(one.app) }], log: new MemoryLog(), assets }), host: '127.0.0.1', port: 0 });
    servers.push(proxyServer);
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${proxyServer.port}/c/0/events`, { signal: abort.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes('event: stats') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('event: stats');
    abort.abort();
  });
});
