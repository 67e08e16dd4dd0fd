/**
 * The dashboard's data: its HTTP paths (key placement, performance, partitions, chaos rules)
 * over the fake service, bodies checked field by field; then over a real node controller in
 * this process, what those paths change shows where the dashboard reads it: partitions and
 * chaos in each worker's per-link tallies, traffic in `received`, the workers' own load, and
 * client requests in the performance samples.
 */
import fc from 'fast-check';
import type { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterStats } from '../src/api/cluster.js';
import { createApp } from '../src/control/http/index.js';
import { NodeController } from '../src/control/node-controller.js';
import type { ControllerEvent, KeyPlacement, PerformanceSample, RingView } from '../src/control/service.js';
import { Ring } from '../src/core/ring.js';
import type { WorkerStats } from '../src/runtime/control-api.js';
import { md5Hex } from '../src/util/md5.js';
import { FakeControllerService, MemoryLog } from './helpers/fake-controller.js';
import { LoopbackNetwork } from './helpers/loopback-links.js';

function post(app: Hono, path: string, body: unknown): Promise<Response> {
  return Promise.resolve(app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }));
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

function fakeSetup(): { app: Hono; service: FakeControllerService; log: MemoryLog } {
  const service = new FakeControllerService();
  const log = new MemoryLog();
  return { app: createApp(service, { log }), service, log };
}

describe('dashboard paths - over the fake service', () => {
  it('GET /preference/<key> answers the service\'s placement of the percent-decoded key', async () => {
    const { app } = fakeSetup();
    const response = await app.request('/preference/user%2F1');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ key: 'user/1', token: 6000, preferenceList: ['nodeA', 'nodeB', 'nodeC'], fallbacks: [] });
    expect((await app.request('/preference/')).status).toBe(400);
    expect((await app.request('/preference/k?n=3')).status).toBe(400);
    expect((await app.request('/preference/err-INVALID_ARGUMENT')).status).toBe(400);
  });

  it('GET /performance answers the samples, oldest first', async () => {
    const { app, service } = fakeSetup();
    expect(await json(await app.request('/performance'))).toEqual([]);
    const sample: PerformanceSample = { atMs: 1, gets: 2, puts: 3, failures: 0, getP50Ms: 0.5, getP99Ms: 1.25, putP50Ms: null, putP99Ms: null };
    service.samples = [sample, { ...sample, atMs: 2 }];
    expect(await json(await app.request('/performance'))).toEqual(service.samples);
  });

  it('POST /partition and POST /heal hand the groups over and answer { ok, message }', async () => {
    const { app, service } = fakeSetup();
    const partitioned = await post(app, '/partition', { groups: [['nodeA', 'nodeB'], ['nodeC']] });
    expect(partitioned.status).toBe(200);
    expect(await json(partitioned)).toEqual({ ok: true, message: 'Partitioned: [nodeA, nodeB] | [nodeC]; unlisted nodes form one more group' });
    // /heal takes no body, and ignores one.
    expect(await json(await app.request('/heal', { method: 'POST' }))).toEqual({ ok: true, message: 'Partitions healed' });
    expect((await post(app, '/heal', { whatever: 1 })).status).toBe(200);
    expect(service.calls).toEqual([['partition', [['nodeA', 'nodeB'], ['nodeC']]], ['heal'], ['heal']]);
  });

  it('POST /chaos hands over the rule with only the fields given; POST /chaos/clear defaults to every effect', async () => {
    const { app, service } = fakeSetup();
    const rules = [{ from: 'nodeA', to: 'nodeB', loss: 0.5 }, { node: 'nodeC', duplicate: { probability: 1, factor: 2 }, delayMs: [1, 5] }];
    for (const rule of rules) expect(await json(await post(app, '/chaos', rule))).toMatchObject({ ok: true });
    const cleared = await post(app, '/chaos/clear', { selector: { node: 'nodeC' } });
    expect(await json(cleared)).toEqual({ ok: true, message: 'Chaos loss, duplicate, delayMs cleared on nodeC' });
    expect((await post(app, '/chaos/clear', { selector: { from: 'nodeA', to: 'nodeB' }, effects: ['loss'] })).status).toBe(200);
    expect(service.calls).toEqual([
      ['chaos', rules[0]],
      ['chaos', rules[1]],
      ['clearChaos', { node: 'nodeC' }, ['loss', 'duplicate', 'delayMs']],
      ['clearChaos', { from: 'nodeA', to: 'nodeB' }, ['loss']],
    ]);
  });

  it('the engine\'s refusal of a rule is a 400 with its message', async () => {
    const { app } = fakeSetup();
    const refused = await post(app, '/chaos', { node: 'err-INVALID_ARGUMENT', loss: 0.1 });
    expect(refused.status).toBe(400);
    expect(await json(refused)).toEqual({ code: 'INVALID_ARGUMENT', message: 'failed on purpose: INVALID_ARGUMENT' });
    expect((await post(app, '/partition', { groups: [['err-INVALID_ARGUMENT']] })).status).toBe(400);
  });

  const badBodies: [path: string, body: unknown, message: RegExp][] = [
    ['/partition', {}, /^groups: required$/],
    ['/partition', { groups: 'nodeA' }, /^groups: must be an array of groups/],
    ['/partition', { groups: ['nodeA'] }, /^groups\[0\]: must be an array of node ids$/],
    ['/partition', { groups: [['nodeA', 7]] }, /^groups\[0\]\[1\]: must be a string \(a node id\)$/],
    ['/partition', { groups: [['']] }, /^groups\[0\]\[0\]: must not be empty$/],
    ['/partition', { group: [] }, /^unknown field: "group"$/],
    ['/chaos', { node: 'nodeA', loss: 2 }, /^loss: must be a number between 0 and 1$/],
    ['/chaos', { node: 'nodeA', lose: 0.5 }, /^unknown field: "lose"$/],
    ['/chaos', { node: 'nodeA', delayMs: [1] }, /^delayMs/],
    ['/chaos', { node: 'nodeA', delayMs: [1, 'x'] }, /^delayMs\[1\]: must be a whole number of milliseconds >= 0$/],
    ['/chaos', { node: 'nodeA', duplicate: { probability: 1 } }, /^duplicate\.factor: required$/],
    ['/chaos', { node: 'nodeA', duplicate: { probability: 1, factor: 2, extra: 1 } }, /^unknown field in duplicate: "extra"$/],
    ['/chaos', { node: 3, loss: 0.5 }, /^node: must be a string/],
    ['/chaos', [], /^body: /],
    ['/chaos/clear', {}, /^selector: required$/],
    ['/chaos/clear', { selector: {} }, /^selector: must name node, or from and\/or to$/],
    ['/chaos/clear', { selector: { node: 'nodeA' }, effects: ['lag'] }, /^effects\[0\]: must be one of loss, duplicate, delayMs$/],
    ['/chaos/clear', { selector: { node: 'nodeA' }, effects: [] }, /^effects: must name at least one of/],
    ['/chaos/clear', { selector: { actor: 'nodeA' } }, /^unknown field in selector: "actor"$/],
  ];
  it.each(badBodies)('POST %s with %j is a 400 naming the field', async (path, body, message) => {
    const { app, service } = fakeSetup();
    const response = await post(app, path, body);
    expect(response.status).toBe(400);
    const answer = await json(response);
    expect(answer['code']).toBe('INVALID_ARGUMENT');
    expect(answer['message']).toMatch(message);
    expect(service.calls).toEqual([]);
  });

  it('no JSON body makes a 5xx or a throw', async () => {
    const { app, log } = fakeSetup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/partition', '/heal', '/chaos', '/chaos/clear'), fc.jsonValue({ maxDepth: 4 }), async (path, body) => {
        const response = await post(app, path, body);
        expect(response.status).toBeLessThan(500);
        await response.arrayBuffer();
      }),
      { numRuns: 200 },
    );
    expect(log.errors()).toEqual([]);
  });
});

let controllers: NodeController[] = [];

afterEach(async () => {
  await Promise.all(controllers.map((c) => c.close()));
  controllers = [];
});

const NODES = ['nodeA', 'nodeB', 'nodeC'];

/** A node controller on its own (every node here), started with `started` of the ring's nodes, sampling every 100 ms. */
async function realController(nodes = NODES, started = nodes, n = 3): Promise<{ controller: NodeController; app: Hono }> {
  const controller = new NodeController({ links: new LoopbackNetwork().links(), peerPort: 4000, log: () => undefined, performance: { periodMs: 100 } });
  controllers.push(controller);
  for (const nodeId of started) {
    await controller.startActor({ actor_name: nodeId, operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: { node_id: nodeId, nodes, N: n, W: 2, R: 2, T: 10 } });
  }
  return { controller, app: createApp(controller, { log: new MemoryLog() }) };
}

async function statsOf(controller: NodeController): Promise<ClusterStats> {
  const stats = await controller.stats();
  if (stats === null) throw new Error('no cluster');
  return stats;
}

function nodeStats(stats: ClusterStats, nodeId: string): WorkerStats {
  const found = stats.nodes.find((node) => node.nodeId === nodeId);
  if (!found) throw new Error(`no stats of ${nodeId}`);
  return found;
}

/** Every cut drop every node counted, both ways, on every link. */
function cutDrops(stats: ClusterStats): number {
  return stats.nodes.reduce((sum, node) => sum + Object.values(node.links).reduce((acc, link) => acc + link.droppedOut + link.droppedIn, 0), 0);
}

async function traffic(controller: NodeController, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await controller.kvPut(`${prefix}${i}`, i, {});
    await controller.kvGet(`${prefix}${i}`, {});
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('dashboard data - a real node controller', () => {
  it('a key\'s placement is the engine ring\'s preference list, split at N, and its token places it on GET /ring', async () => {
    const nodes = ['nodeA', 'nodeB', 'nodeC', 'nodeD', 'nodeE'];
    const { app } = await realController(nodes, ['nodeA']);
    const ring = Ring.of(nodes, 10, md5Hex);
    const view = await json<RingView>(await app.request('/ring'));
    for (const key of ['user:1', 'cart/42', 'ünïcode', 'k']) {
      const placement = await json<KeyPlacement>(await app.request(`/preference/${encodeURIComponent(key)}`));
      const walk = ring.preferenceList(key);
      expect(placement).toEqual({ key, token: Number.parseInt(md5Hex(key).slice(0, 8), 16), preferenceList: walk.slice(0, 3), fallbacks: walk.slice(3) });
      // The first vnode at or after the key's token (wrapping) is its first replica's.
      const owner = view.vnodes.find((vnode) => vnode.token >= placement.token) ?? view.vnodes[0];
      expect(placement.preferenceList[0]).toBe(owner?.node);
    }
  });

  it('traffic grows each link\'s received (they add up to messagesIn); the workers report their own load', async () => {
    const { controller } = await realController();
    const before = await statsOf(controller);
    await traffic(controller, 'load', 20);
    const after = await statsOf(controller);
    for (const node of after.nodes) {
      const received = Object.values(node.links).reduce((sum, link) => sum + link.received, 0);
      expect(received).toBe(node.messagesIn);
      expect(Object.keys(node.links).filter((peer) => NODES.includes(peer)).sort()).toEqual(NODES.filter((id) => id !== node.nodeId));
      expect(node.eventLoop.activeMs).toBeGreaterThan(0);
      expect(node.eventLoop.idleMs).toBeGreaterThan(0);
      expect(node.heapUsedBytes).toBeGreaterThan(1_000_000);
      expect(node.heapUsedBytes).toBeLessThan(1_000_000_000);
    }
    const clientLinks = (stats: ClusterStats): number =>
      stats.nodes.reduce((sum, node) => sum + Object.entries(node.links).reduce((acc, [peer, link]) => acc + (peer.startsWith('kv@local.') ? link.received : 0), 0), 0);
    // Each of the 40 requests reached a coordinator at least once.
    expect(clientLinks(after) - clientLinks(before)).toBeGreaterThanOrEqual(40);
    const busy = nodeStats(after, 'nodeA').eventLoop;
    const idle = nodeStats(before, 'nodeA').eventLoop;
    expect(busy.activeMs + busy.idleMs).toBeGreaterThan(idle.activeMs + idle.idleMs);
  });

  it('a chaos loss rule on one link shows in that link\'s lost, and on no other link', async () => {
    const { controller, app } = await realController();
    expect((await post(app, '/chaos', { from: 'nodeB', to: 'nodeA', loss: 1 })).status).toBe(200);
    // With N = 3 of 3 nodes, every write nodeB coordinates goes to nodeA too.
    await traffic(controller, 'lossy', 20);
    const stats = await statsOf(controller);
    const nodeA = nodeStats(stats, 'nodeA');
    expect(nodeA.links['nodeB']?.lost).toBeGreaterThan(0);
    expect(nodeA.links['nodeB']?.lost).toBe(nodeA.messagesLost);
    for (const node of stats.nodes) {
      for (const [peer, link] of Object.entries(node.links)) if (!(node.nodeId === 'nodeA' && peer === 'nodeB')) expect(link.lost, `${peer} -> ${node.nodeId}`).toBe(0);
    }
    expect((await post(app, '/chaos/clear', { selector: { from: 'nodeB', to: 'nodeA' } })).status).toBe(200);
    expect((await statsOf(controller)).chaos).toEqual([]);
  });

  it('undoing one rule leaves the others, even one whose selector has more fields (one-click undo)', async () => {
    const { controller, app } = await realController();
    expect((await post(app, '/chaos', { from: 'nodeA', loss: 0.5 })).status).toBe(200);
    expect((await post(app, '/chaos', { from: 'nodeA', to: 'nodeB', loss: 0.2, delayMs: [1, 5] })).status).toBe(200);
    expect((await post(app, '/chaos', { to: 'nodeC', duplicate: { probability: 0.1, factor: 2 } })).status).toBe(200);
    expect((await post(app, '/chaos', { from: 'nodeB', to: 'nodeC', loss: 0.3 })).status).toBe(200);
    expect((await post(app, '/chaos/clear', { selector: { from: 'nodeA' } })).status).toBe(200);
    expect((await post(app, '/chaos/clear', { selector: { to: 'nodeC' } })).status).toBe(200);
    const rules = (await statsOf(controller)).chaos;
    expect(rules).toHaveLength(2);
    expect(rules).toContainEqual({ from: 'nodeA', to: 'nodeB', loss: 0.2, delayMs: [1, 5] });
    expect(rules).toContainEqual({ from: 'nodeB', to: 'nodeC', loss: 0.3 });
  });

  it('a partition shows as cut drops on the links across it; heal stops new drops', async () => {
    const { controller, app } = await realController();
    await traffic(controller, 'before', 3);
    expect(cutDrops(await statsOf(controller))).toBe(0);
    expect((await post(app, '/partition', { groups: [['nodeA'], ['nodeB', 'nodeC']] })).status).toBe(200);
    await traffic(controller, 'split', 20);
    const split = await statsOf(controller);
    expect(nodeStats(split, 'nodeA').partitionedFrom).toContain('nodeB');
    const across = (['nodeB', 'nodeC'] as const).reduce((sum, id) => sum + (nodeStats(split, id).links['nodeA']?.droppedOut ?? 0), 0);
    expect(across).toBeGreaterThan(0);
    for (const id of ['nodeB', 'nodeC']) expect(nodeStats(split, id).links[id === 'nodeB' ? 'nodeC' : 'nodeB']?.droppedOut).toBe(0);
    expect((await post(app, '/heal', {})).status).toBe(200);
    // Messages already on their way when the heal came in may still be counted: wait them out.
    await pause(100);
    const healed = cutDrops(await statsOf(controller));
    await traffic(controller, 'after', 20);
    await pause(200);
    expect(cutDrops(await statsOf(controller))).toBe(healed);
  });

  it('performance samples count every request of the KV client and of client actors, and go out as events', async () => {
    const { controller } = await realController();
    const events: PerformanceSample[] = [];
    const unsubscribe = controller.subscribe((event: ControllerEvent) => {
      if (event.type === 'performance') events.push(event.sample);
    });
    for (let i = 0; i < 7; i++) await controller.kvPut(`perf${i}`, i, {});
    for (let i = 0; i < 5; i++) await controller.kvGet(`perf${i}`, {});
    const script = [
      { op: 'put', key: 'p', value: 'a' },
      { op: 'get', key: 'p' },
      { op: 'delete', key: 'p' },
    ];
    await controller.startActor({ actor_name: 'writer', operator_name: 'dynamo_client', lib_name: 'dynamo_new', payload: { client_id: 'writer', nodes: NODES, script } });
    for (let i = 0; i < 100 && (await controller.clientOutput('writer', 0)).state === 'running'; i++) await pause(50);
    expect((await controller.clientOutput('writer', 0)).state).toBe('done');
    // The actor's last report came before its end; two more periods take it into a sample.
    await pause(250);
    const samples = await controller.performance();
    const sum = (pick: (sample: PerformanceSample) => number): number => samples.reduce((total, sample) => total + pick(sample), 0);
    expect(sum((s) => s.gets)).toBe(5 + 1);
    expect(sum((s) => s.puts)).toBe(7 + 2);
    expect(sum((s) => s.failures)).toBe(0);
    const busy = samples.filter((sample) => sample.gets > 0);
    for (const sample of busy) {
      expect(sample.getP50Ms).toBeGreaterThan(0);
      expect(sample.getP99Ms).toBeGreaterThanOrEqual(sample.getP50Ms ?? 0);
    }
    expect(samples.filter((sample) => sample.gets === 0).every((sample) => sample.getP50Ms === null)).toBe(true);
    // The listener came after the ring started: it saw the newest samples.
    expect(events.length).toBeGreaterThan(0);
    expect(events).toEqual(samples.slice(-events.length));
    unsubscribe();
    await controller.stopAllActors();
    expect(await controller.performance()).toEqual([]);
  });
});
