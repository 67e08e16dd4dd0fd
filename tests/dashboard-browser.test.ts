/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, against real
 * `dynamo node` processes on 127.0.0.1 (and `dynamo dashboard` in front of two). Every page
 * is watched: no page error, no console error, no request to another host. Screenshots of
 * every view, in both themes, go to reports/dashboard/ (not committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStats, InspectEntry } from '../src/api/cluster.js';
import { launchBrowser, openWatchedPage, type WatchedPage } from './helpers/browser.js';
import { CLI, jobToml, runCli, startController, stopAllControllers, type ControllerProcess } from './helpers/controller-processes.js';

/** The page's globals, for the functions that run in the browser (the tests compile without the DOM's types). */
interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement>; readonly cookie: string };
declare const localStorage: Record<string, string>;
declare const sessionStorage: Record<string, string>;

const SHOTS = resolve('reports', 'dashboard');
const VIEWS = ['topology', 'ring', 'health', 'flow', 'performance', 'chaos', 'inspector', 'jobs'] as const;
const T = 10;
/** Long enough for a browser, a controller and a job on 2 busy cores; each wait is bounded. */
const WAIT_MS = 20_000;

let browser: Browser;
let main: ControllerProcess;
let nodeIds: string[];
const watched: WatchedPage[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [browser, main] = await Promise.all([launchBrowser(), startController(['--peer-port', '0'])]);
  const job = jobToml({ ports: [main.port], perController: 5 });
  nodeIds = job.nodeIds;
  const file = join(tmpdir(), `dash-job-${process.pid}.toml`);
  writeFileSync(file, job.text);
  const run = await runCli(['job', file]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  // Whatever a test left open; then every page must have stayed clean.
  const problems = watched.flatMap((w) => [...w.errors, ...w.offMachine.map((url) => `left the machine: ${url}`)]);
  await Promise.all(watched.map((w) => w.context.close().catch(() => undefined)));
  await browser?.close();
  await stopAllControllers();
  expect(problems).toEqual([]);
}, 30_000);

async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<WatchedPage> {
  const page = await openWatchedPage(browser, { colorScheme });
  watched.push(page);
  await page.page.goto(url);
  await page.page.locator('[data-testid="conn-badge"][data-state="open"]').waitFor({ timeout: WAIT_MS });
  return page;
}

function clean(w: WatchedPage): void {
  expect(w.errors).toEqual([]);
  expect(w.offMachine).toEqual([]);
}

async function tab(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
  await page.locator(`[data-testid="tab-${view}"]`).click();
  await page.locator(`#view-${view}`).waitFor({ state: 'visible', timeout: WAIT_MS });
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${main.url}${path}`, init);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function putBlind(key: string, value: string, w?: number): Promise<void> {
  const response = await fetch(`${main.url}/kv/${encodeURIComponent(key)}${w === undefined ? '' : `?w=${w}`}`, { method: 'PUT', body: value });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** A number a page shows in `data-value` of the cell `field` of the element `row`. */
async function cellValue(page: Page, row: string, field: string): Promise<number> {
  const text = await page.locator(`${row} [data-field="${field}"]`).first().getAttribute('data-value');
  return Number(text ?? 'NaN');
}

describe('the dashboard in chromium', () => {
  it('shows every view, in light and dark, with its live data: screenshots to reports/dashboard/', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const w = await open(`${main.url}/`, scheme);
      const { page } = w;
      expect(await page.locator('html').getAttribute('data-theme')).toBe(scheme);
      for (const view of VIEWS) {
        await tab(page, view);
        if (view === 'topology') await page.locator('[data-testid="topology-node"][data-state="running"]').nth(4).waitFor({ timeout: WAIT_MS });
        if (view === 'health') await page.locator('[data-testid="health-row"]').nth(4).waitFor({ timeout: WAIT_MS });
        if (view === 'flow') await page.locator('[data-testid="link-row"]').first().waitFor({ timeout: WAIT_MS });
        if (view === 'performance') {
          // The vega gotcha: axis and legend titles must be drawn once rows streamed in.
          await page.locator('[data-testid="chart-latency"] text', { hasText: 'latency (ms)' }).first().waitFor({ timeout: WAIT_MS });
          await page.locator('[data-testid="chart-throughput"] text', { hasText: 'gets/s' }).first().waitFor({ timeout: WAIT_MS });
        }
        await page.screenshot({ path: join(SHOTS, `${view}-${scheme}.png`) });
      }
      clean(w);
    }
  }, 90_000);

  it('the ring shows nodes x T virtual nodes, and a key\'s preference list is where inspect finds it', async () => {
    const w = await open(`${main.url}/#ring`);
    const { page } = w;
    await page.locator('[data-testid="ring-vnode"]').nth(nodeIds.length * T - 1).waitFor({ timeout: WAIT_MS });
    expect(await page.locator('[data-testid="ring-vnode"]').count()).toBe(nodeIds.length * T);
    for (const node of nodeIds) expect(await page.locator(`[data-testid="ring-vnode"][data-node="${node}"]`).count()).toBe(T);

    const key = 'user:placement';
    await putBlind(key, 'x', 3);
    const holders = (await api<InspectEntry[]>(`/inspect/${encodeURIComponent(key)}`)).filter((entry) => entry.hintFor === undefined).map((entry) => entry.node);
    expect(holders).toHaveLength(3);
    await page.locator('[data-testid="ring-key-input"]').fill(key);
    await page.locator('[data-testid="ring-key-submit"]').click();
    await page.locator('[data-testid="pref-node"]').nth(2).waitFor({ timeout: WAIT_MS });
    const shown = await page.locator('[data-testid="pref-node"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-node')));
    expect([...shown].sort()).toEqual([...holders].sort());
    expect(await page.locator('[data-testid="fallback-node"]').count()).toBe(nodeIds.length - 3);
    await page.screenshot({ path: join(SHOTS, 'ring-key.png') });
    clean(w);
  }, 60_000);

  it('a partition from the chaos panel shows in the message flow and the fault counters; heal undoes it', async () => {
    const w = await open(`${main.url}/#chaos`);
    const { page } = w;
    const [a, b, c, d, e] = nodeIds as [string, string, string, string, string];
    for (const [node, group] of [[a, 'A'], [b, 'A'], [c, 'B'], [d, 'B'], [e, 'B']] as const) {
      await page.locator(`[data-testid="partition-node"][data-node="${node}"]`).selectOption(group);
    }
    await page.locator('[data-testid="partition-apply"]').click();
    await page.locator('[data-testid="partition-active"]').waitFor({ timeout: WAIT_MS });
    // The controller's KV client stays with the larger group: nodeA is cut from it too.
    const cutFromA = (await fetchStats()).nodes.find((n) => n.nodeId === a)?.partitionedFrom ?? [];
    expect(cutFromA.filter((peer) => nodeIds.includes(peer))).toEqual([c, d, e].sort());
    expect(cutFromA).not.toContain(b);

    // Writes and the nodes' own traffic (anti-entropy, probes) cross the cut and are dropped.
    for (let i = 0; i < 10; i++) await fetch(`${main.url}/kv/part${i}`, { method: 'PUT', body: 'v' });
    await tab(page, 'flow');
    // The first link across the cut that shows drops (writes from the larger side to nodeA's
    // and nodeB's replicas, at least).
    const acrossHandle = await page.waitForFunction(
      (groups) => {
        for (const row of document.querySelectorAll('[data-testid="link-row"]')) {
          const from = row.getAttribute('data-from') ?? '';
          const to = row.getAttribute('data-to') ?? '';
          const crosses = (groups.a.includes(from) && groups.b.includes(to)) || (groups.b.includes(from) && groups.a.includes(to));
          if (crosses && Number(row.querySelector('[data-field="dropped"]')?.getAttribute('data-value') ?? 0) > 0) return `[data-testid="link-row"][data-from="${from}"][data-to="${to}"]`;
        }
        return false;
      },
      { a: [a, b], b: [c, d, e] },
      { timeout: WAIT_MS },
    );
    const across = (await acrossHandle.jsonValue()) as string;
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="flow-totals"] [data-field="messagesDropped"]')?.getAttribute('data-value') ?? 0) > 0, undefined, { timeout: WAIT_MS });
    await page.screenshot({ path: join(SHOTS, 'flow-partition.png') });

    await tab(page, 'chaos');
    await page.locator('[data-testid="partition-heal"]').click();
    await page.locator('[data-testid="partition-active"]').waitFor({ state: 'detached', timeout: WAIT_MS });
    expect((await fetchStats()).nodes.every((n) => n.partitionedFrom.length === 0)).toBe(true);
    await tab(page, 'flow');
    // Healed: the cut count stops growing (two stats seconds in a row with no new drop).
    await page.waitForFunction(
      (selector) => document.querySelector(`${selector} [data-field="droppedPerS"]`)?.getAttribute('data-value') === '0',
      across,
      { timeout: WAIT_MS },
    );
    const dropped = await cellValue(page, across, 'dropped');
    await new Promise((resolvePause) => setTimeout(resolvePause, 2500));
    expect(await cellValue(page, across, 'dropped')).toBe(dropped);
    clean(w);
  }, 60_000);

  it('a loss rule on a link set from the chaos panel shows on that link, and one click undoes it', async () => {
    const w = await open(`${main.url}/#chaos`);
    const { page } = w;
    const [a, b] = nodeIds as [string, string];
    await page.locator('[data-testid="chaos-target-link"]').check();
    await page.locator('[data-testid="chaos-from"]').selectOption(a);
    await page.locator('[data-testid="chaos-to"]').selectOption(b);
    await page.locator('[data-testid="chaos-loss"]').fill('1');
    await page.locator('[data-testid="chaos-apply"]').click();
    await page.locator(`[data-testid="chaos-rule"][data-from="${a}"][data-to="${b}"]`).waitFor({ timeout: WAIT_MS });
    expect((await fetchStats()).chaos).toEqual([{ from: a, to: b, loss: 1 }]);
    for (let i = 0; i < 10; i++) await fetch(`${main.url}/kv/lossy${i}`, { method: 'PUT', body: 'v' });
    await tab(page, 'flow');
    await page.waitForFunction(
      (selector) => Number(document.querySelector(`${selector} [data-field="lost"]`)?.getAttribute('data-value') ?? 0) > 0,
      `[data-testid="link-row"][data-from="${a}"][data-to="${b}"]`,
      { timeout: WAIT_MS },
    );
    await tab(page, 'chaos');
    await page.locator('[data-testid="rule-undo"]').click();
    await page.locator('[data-testid="chaos-rule"]').waitFor({ state: 'detached', timeout: WAIT_MS });
    expect((await fetchStats()).chaos).toEqual([]);
    clean(w);
  }, 60_000);

  it('a node crashed from the chaos panel shows stopped, and restarts with one click', async () => {
    const w = await open(`${main.url}/#chaos`);
    const { page } = w;
    const victim = nodeIds.at(-1) as string;
    await page.locator(`[data-testid="node-crash"][data-node="${victim}"]`).click();
    await page.locator(`[data-testid="crashed-node"][data-node="${victim}"]`).waitFor({ timeout: WAIT_MS });
    expect((await fetchStats()).stopped).toEqual([victim]);
    await tab(page, 'topology');
    await page.locator(`[data-testid="topology-node"][data-node="${victim}"][data-state="stopped"]`).waitFor({ timeout: WAIT_MS });
    await tab(page, 'chaos');
    await page.locator(`[data-testid="crashed-node"][data-node="${victim}"] [data-testid="crashed-restart"]`).click();
    await page.locator(`[data-testid="crashed-node"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
    expect((await fetchStats()).stopped).toEqual([]);
    clean(w);
  }, 60_000);

  it('concurrent writes show as siblings in the key inspector, with their clocks', async () => {
    const key = 'cart:concurrent';
    // Two blind writes: neither saw the other, so both stay (§4.4).
    await Promise.all([putBlind(key, 'apple', 3), putBlind(key, 'pear', 3)]);
    const w = await open(`${main.url}/#inspector`);
    const { page } = w;
    await page.locator('[data-testid="inspector-key"]').fill(key);
    await page.locator('[data-testid="inspector-submit"]').click();
    await page.locator('[data-testid="inspector-holding"][data-siblings="2"]').first().waitFor({ timeout: WAIT_MS });
    expect(await page.locator('[data-testid="siblings-badge"]').count()).toBeGreaterThanOrEqual(1);
    const holding = page.locator('[data-testid="inspector-holding"][data-siblings="2"]').first();
    expect(await holding.locator('[data-testid="inspector-version"]').count()).toBe(2);
    expect(await holding.locator('[data-testid="inspector-clock"]').count()).toBe(1);
    const text = await holding.textContent();
    expect(text).toContain('apple');
    expect(text).toContain('pear');
    await page.screenshot({ path: join(SHOTS, 'inspector-siblings.png') });
    clean(w);
  }, 60_000);
});

describe('jobs, sign-in and dynamo dashboard in chromium', () => {
  it('a job pasted in the jobs view deploys, and its clients\' output appears', async () => {
    const fresh = await startController(['--peer-port', '0']);
    const job = jobToml({
      ports: [fresh.port],
      perController: 3,
      clients: ['  [[placement.dynamo_client]]', '  nodename = "host1"', '  actor_name = "client1"', '  client_id = "client1"', '  nodes = ["nodeA", "nodeB", "nodeC"]', ''].join('\n'),
    });
    const w = await open(`${fresh.url}/#jobs`);
    const { page } = w;
    await page.locator('[data-testid="job-toml"]').fill(job.text);
    await page.locator('[data-testid="job-deploy"]').click();
    await page.locator('[data-testid="job-item"][data-state="done"]').waitFor({ timeout: 40_000 });
    const jobText = await page.locator('[data-testid="job-output"]').first().textContent();
    expect(jobText).toContain('job done: 1 client(s) succeeded');
    // The seed's demo script: put user:1 Alice, get, put Alice_Updated, get.
    await page.locator('[data-testid="client-output"][data-client="client1"]', { hasText: 'Alice_Updated' }).waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: join(SHOTS, 'jobs-run.png') });
    // A broken file is refused with its line and column, and nothing runs.
    await page.locator('[data-testid="job-toml"]').fill('[[ops]\nname = 1');
    await page.locator('[data-testid="job-deploy"]').click();
    await page.locator('[data-testid="error-message"]', { hasText: 'job.toml:1:' }).waitFor({ timeout: WAIT_MS });
    // The browser logs the 400 itself; that is the refusal this step expects.
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !/status of 400/.test(e)));
    clean(w);
  }, 90_000);

  it('with a token, the page signs in once and then holds only an HttpOnly, SameSite=Strict cookie', async () => {
    const token = 'browser-sign-in-4d7e1a9c';
    const tokenFile = join(tmpdir(), `dash-token-${process.pid}`);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const guarded = await startController(['--peer-port', '0', '--token-file', tokenFile]);
    const w = await openWatchedPage(browser);
    watched.push(w);
    const { page, context } = w;
    await page.goto(`${guarded.url}/`);
    await page.locator('[data-testid="login-form"]').waitFor({ timeout: WAIT_MS });
    await page.locator('[data-testid="login-token"]').fill(token);
    await page.locator('[data-testid="login-submit"]').click();
    await page.locator('[data-testid="conn-badge"][data-state="open"]').waitFor({ timeout: WAIT_MS });
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: `dynamo_session_${guarded.port}`, httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain(token);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(token);
    await page.screenshot({ path: join(SHOTS, 'signed-in.png') });
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !/status of 401/.test(e)));
    clean(w);
  }, 60_000);

  it('dynamo dashboard shows every controller it is given, and works through them', async () => {
    const other = await startController(['--peer-port', '0']);
    const dashboard = await startDashboard(['--controller', main.url, '--controller', other.url]);
    try {
      const w = await open(`${dashboard.url}/`);
      const { page } = w;
      await page.locator('[data-testid="controller-card"]').nth(1).waitFor({ timeout: WAIT_MS });
      expect(await page.locator('[data-testid="controller-card"]').count()).toBe(2);
      // The one running the job shows its nodes; the idle one says no job runs there.
      await page.locator('[data-testid="topology-node"]').nth(nodeIds.length - 1).waitFor({ timeout: WAIT_MS });
      await page.locator('[data-testid="controller-ring"]', { hasText: 'no job runs here' }).waitFor({ timeout: WAIT_MS });
      await tab(page, 'ring');
      await page.locator('[data-testid="ring-vnode"]').nth(nodeIds.length * T - 1).waitFor({ timeout: WAIT_MS });
      await page.screenshot({ path: join(SHOTS, 'dashboard-command.png') });
      clean(w);
    } finally {
      dashboard.kill();
    }
  }, 60_000);
});

/** The cluster's stats as the page gets them: the first stats event read after this call (a new stream first replays the last one). */
async function fetchStats(): Promise<ClusterStats> {
  const since = Date.now();
  const abort = new AbortController();
  const response = await fetch(`${main.url}/events`, { signal: abort.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended before a stats event');
      text += new TextDecoder().decode(value);
      for (const match of text.matchAll(/event: stats\ndata: (.*)\n/g)) {
        const event = JSON.parse(match[1] as string) as { stats: ClusterStats; atMs: number };
        if (event.atMs >= since) return event.stats;
      }
    }
  } finally {
    abort.abort();
  }
}

function startDashboard(args: readonly string[]): Promise<{ url: string; kill: () => void }> {
  const child = spawn(process.execPath, [CLI, 'dashboard', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('dynamo dashboard did not start within 10 s'));
    }, 10_000);
    child.once('exit', (code) => reject(new Error(`dynamo dashboard exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolveStart({ url: match[1] as string, kill: () => child.kill('SIGTERM') });
    });
  });
}

describe('the dashboard at 20 nodes under load', () => {
  it('gets one stats and one performance event a second however many requests run, and stays usable', async () => {
    const big = await startController(['--peer-port', '0']);
    const bench = (name: string): string =>
      ['  [[placement.dynamo_bench_client]]', '  nodename = "host1"', `  actor_name = "${name}"`, `  client_id = "${name}"`, '  nodes = ["nodeA"]', '  num_ops = 8000', ''].join('\n');
    const job = jobToml({ ports: [big.port], perController: 20, clients: [bench('bench1'), bench('bench2')].join('\n') });
    const file = join(tmpdir(), `dash-big-${process.pid}.toml`);
    writeFileSync(file, job.text);
    // The job's clients keep the cluster busy while the page watches; the run ends by itself.
    const running = runCli(['job', file], 120_000);
    const w = await openWatchedPage(browser);
    watched.push(w);
    const { page } = w;
    // Count what arrives on the page's own event stream, by type.
    await page.addInitScript(() => {
      const counts: Record<string, number> = {};
      (globalThis as unknown as { eventCounts: Record<string, number> }).eventCounts = counts;
      const Original = (globalThis as unknown as { EventSource: new (url: string) => { addEventListener(type: string, listener: () => void): void } }).EventSource;
      (globalThis as unknown as { EventSource: unknown }).EventSource = class extends (Original as unknown as new (url: string) => object) {
        constructor(url: string) {
          super(url);
          for (const type of ['stats', 'performance', 'actor', 'client-output', 'job', 'job-output', 'dropped']) {
            (this as unknown as { addEventListener(t: string, l: () => void): void }).addEventListener(type, () => (counts[type] = (counts[type] ?? 0) + 1));
          }
        }
      };
    });
    await page.goto(`${big.url}/#health`);
    await page.locator('[data-testid="health-row"]').nth(19).waitFor({ timeout: 40_000 });
    // Wait (boundedly) until the clients run, then count events for a while.
    const deadline = Date.now() + 40_000;
    for (;;) {
      const samples = (await fetch(`${big.url}/performance`).then((r) => r.json())) as { gets: number }[];
      if ((samples.at(-1)?.gets ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error('the bench clients did not start within 40 s');
      await new Promise((resolvePause) => setTimeout(resolvePause, 200));
    }
    const countsNow = (): Promise<Record<string, number>> => page.evaluate(() => ({ ...(globalThis as unknown as { eventCounts: Record<string, number> }).eventCounts }));
    const before = await countsNow();
    const startedMs = Date.now();
    await new Promise((resolvePause) => setTimeout(resolvePause, 4000));
    const after = await countsNow();
    const seconds = (Date.now() - startedMs) / 1000;
    const delta = (type: string): number => (after[type] ?? 0) - (before[type] ?? 0);
    const perf = await fetch(`${big.url}/performance`).then((r) => r.json() as Promise<{ gets: number; puts: number; atMs: number }[]>);
    const requests = perf.filter((s) => s.atMs >= startedMs - 1000).reduce((sum, s) => sum + s.gets + s.puts, 0);
    expect(requests).toBeGreaterThan(100);
    // Aggregated on the server: one of each per second (plus one for a tick at either end), never one per request.
    expect(delta('stats')).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(delta('performance')).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(delta('stats')).toBeGreaterThanOrEqual(2);
    expect(delta('client-output') + delta('actor')).toBeLessThan(10);

    // Still usable: every node in the table, links into every node, a key's replicas.
    expect(await page.locator('[data-testid="health-row"]').count()).toBe(20);
    await tab(page, 'flow');
    await page.waitForFunction(() => new Set([...document.querySelectorAll('[data-testid="link-row"]')].map((row) => row.getAttribute('data-to'))).size >= 20, undefined, { timeout: WAIT_MS });
    await tab(page, 'ring');
    await page.locator('[data-testid="ring-vnode"]').nth(20 * T - 1).waitFor({ timeout: WAIT_MS });
    await page.locator('[data-testid="ring-key-input"]').fill('user:1');
    await page.locator('[data-testid="ring-key-submit"]').click();
    await page.locator('[data-testid="pref-node"]').nth(2).waitFor({ timeout: WAIT_MS });
    await page.screenshot({ path: join(SHOTS, 'ring-20-nodes.png') });
    await tab(page, 'performance');
    await page.screenshot({ path: join(SHOTS, 'performance-under-load.png') });
    clean(w);
    await fetch(`${big.url}/stop_all_actors`, { method: 'POST' });
    await running;
  }, 120_000);
});
