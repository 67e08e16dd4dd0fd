/**
 * A web page must not drive a node controller it can reach: cross-site POSTs are refused
 * (they need no CORS preflight), and without a token only loopback Host names are served
 * (DNS rebinding). Programs, which send no Origin, are not affected.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/control/http/index.js';
import { FakeControllerService, MemoryLog } from './helpers/fake-controller.js';

function app(token?: string) {
  return createApp(new FakeControllerService(), { log: new MemoryLog(), ...(token !== undefined && { token }) });
}

describe('http - origin and host', () => {
  it('refuses a POST from another site, with any content type', async () => {
    for (const contentType of ['text/plain', 'application/json', 'application/x-www-form-urlencoded']) {
      const response = await app().request('http://127.0.0.1:3000/stop_all_actors', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': contentType }, body: '{}' });
      expect(response.status, contentType).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('takes a POST without Origin (a program) or from its own origin (its own pages)', async () => {
    expect((await app().request('http://127.0.0.1:3000/stop_all_actors', { method: 'POST' })).status).toBe(200);
    expect((await app().request('http://127.0.0.1:3000/stop_all_actors', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } })).status).toBe(200);
  });

  it('without a token, serves loopback names only; with one, any name that brings it', async () => {
    expect((await app().request('http://localhost:3000/status')).status).toBe(200);
    expect((await app().request('http://[::1]:3000/status')).status).toBe(200);
    expect((await app().request('http://rebound.example:3000/status')).status).toBe(403);
    const guarded = app('a-token-0123456789');
    expect((await guarded.request('http://rebound.example:3000/status', { headers: { authorization: 'Bearer a-token-0123456789' } })).status).toBe(200);
  });
});
