/**
 * A ring spread over node controllers, in one process: each NodeController hosts its share
 * of the nodes in worker threads, and their switchboards talk through loopback links (the
 * TCP links have their own tests). Requests on one controller reach nodes on the others,
 * client actors run their programs across controllers, and a controller that drops off the
 * network is covered by the engine like any unreachable node.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NodeController } from '../src/control/node-controller.js';
import type { ClusterDeployment } from '../src/control/deployment.js';
import { LoopbackNetwork } from './helpers/loopback-links.js';

const RING = { nodes: ['nodeA', 'nodeB', 'nodeC', 'nodeD', 'nodeE'], n: 3, w: 2, r: 2, vnodes: 10 };
const PLACEMENT: Record<string, string> = { nodeA: 'host1', nodeB: 'host1', nodeC: 'host2', nodeD: 'host2', nodeE: 'host3' };

function deployment(controller: string): ClusterDeployment {
  return {
    id: 'spread-test',
    secret: 'a-secret-of-sixteen-or-more',
    controller,
    controllers: ['host1', 'host2', 'host3'].map((name, i) => ({ name, host: '127.0.0.1', peerPort: 4000 + i })),
    placement: PLACEMENT,
    clients: { client1: 'host3', cart1: 'host1', cart2: 'host2', reader: 'host3' },
    ring: RING,
  };
}

function nodePayload(nodeId: string, controller: string): Record<string, unknown> {
  return { node_id: nodeId, nodes: RING.nodes, N: 3, W: 2, R: 2, T: 10, cluster: deployment(controller) };
}

let controllers: NodeController[] = [];

afterEach(async () => {
  await Promise.all(controllers.map((c) => c.close()));
  controllers = [];
});

async function spreadCluster(network = new LoopbackNetwork()): Promise<{ network: LoopbackNetwork; byName: Map<string, NodeController> }> {
  const byName = new Map<string, NodeController>();
  for (const name of ['host1', 'host2', 'host3']) {
    const controller = new NodeController({ links: network.links(), peerPort: 4000, log: () => undefined });
    controllers.push(controller);
    byName.set(name, controller);
  }
  for (const [nodeId, host] of Object.entries(PLACEMENT)) {
    await byName.get(host)?.startActor({ actor_name: nodeId, operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: nodePayload(nodeId, host) });
  }
  return { network, byName };
}

async function waitForClient(controller: NodeController, name: string): Promise<{ state: string; lines: string[] }> {
  for (let i = 0; i < 200; i++) {
    const output = await controller.clientOutput(name, 0);
    if (output.state !== 'running') return { state: output.state, lines: output.lines.map((l) => l.text) };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`client ${name} did not finish`);
}

describe('a ring spread over node controllers', () => {
  it('writes on one controller are read on every other', async () => {
    const { byName } = await spreadCluster();
    const [one, two, three] = ['host1', 'host2', 'host3'].map((name) => byName.get(name) as NodeController);
    for (let i = 0; i < 30; i++) await one?.kvPut(`key${i}`, `value${i}`, {});
    for (let i = 0; i < 30; i++) {
      expect((await two?.kvGet(`key${i}`, {}))?.values).toEqual([`value${i}`]);
      expect((await three?.kvGet(`key${i}`, { r: 3 }))?.values).toEqual([`value${i}`]);
    }
    const status = await one?.status();
    expect(status?.actors.sort()).toEqual(['nodeA', 'nodeB']);
    expect(status?.controller).toBe('host1');
    const stats = await three?.stats();
    expect(stats?.nodes.map((n) => n.nodeId)).toEqual(['nodeE']);
    expect(stats?.stopped).toEqual([]);
  });

  it('a context handed out by one controller supersedes on another', async () => {
    const { byName } = await spreadCluster();
    const one = byName.get('host1') as NodeController;
    const two = byName.get('host2') as NodeController;
    await one.kvPut('k', 'a', {});
    await two.kvPut('k', 'b', {});
    const read = await one.kvGet('k', { r: 3 });
    expect(read.values.sort()).toEqual(['a', 'b']);
    await two.kvPut('k', 'merged', { context: read.context });
    expect((await one.kvGet('k', { r: 3 })).values).toEqual(['merged']);
  });

  it('client actors run their programs through nodes on other controllers', async () => {
    const { byName } = await spreadCluster();
    const three = byName.get('host3') as NodeController;
    await three.startActor({ actor_name: 'client1', operator_name: 'dynamo_client', lib_name: 'dynamo_new', payload: { client_id: 'client1', nodes: ['nodeA', 'nodeC'], cluster: deployment('host3') } });
    const result = await waitForClient(three, 'client1');
    expect(result.state).toBe('done');
    expect(result.lines).toHaveLength(4);
    expect(result.lines[3]).toMatch(/^GET user:1 -> "Alice_Updated" context=/);
    expect((await (byName.get('host1') as NodeController).kvGet('user:1', { r: 3 })).values).toEqual(['Alice_Updated']);
  });

  it('a client whose coordinator crashed tries again elsewhere and ends done', async () => {
    const { byName } = await spreadCluster();
    // user:1's primaries are nodeD, nodeB, nodeE: of the two nodes the client may use, its
    // requests go first to nodeD (the key's first primary it can reach), which is down. They
    // time out, nodeD is suspected, and the retry goes to nodeC, which forwards to a primary.
    await (byName.get('host2') as NodeController).stopActor('nodeD');
    const three = byName.get('host3') as NodeController;
    await three.startActor({ actor_name: 'client1', operator_name: 'dynamo_client', lib_name: 'dynamo_new', payload: { client_id: 'client1', nodes: ['nodeC', 'nodeD'], cluster: deployment('host3') } });
    const result = await waitForClient(three, 'client1');
    expect(result.state).toBe('done');
    expect(result.lines.some((line) => line.includes('(after 2 tries)'))).toBe(true);
    expect(result.lines[3]).toMatch(/^GET user:1 -> "Alice_Updated"/);
  });

  it('concurrent carts on two controllers keep every add', async () => {
    const { byName } = await spreadCluster();
    const adds = (sku: string): Record<string, unknown>[] => Array.from({ length: 10 }, () => ({ op: 'add', cart: 'shared', sku, qty: 1 }));
    const carts = [
      { host: 'host1', name: 'cart1', sku: 'apple' },
      { host: 'host2', name: 'cart2', sku: 'apple' },
    ];
    for (const cart of carts) {
      await byName.get(cart.host)?.startActor({ actor_name: cart.name, operator_name: 'dynamo_cart_client', lib_name: 'dynamo_new', payload: { client_id: cart.name, nodes: RING.nodes, script: adds(cart.sku), cluster: deployment(cart.host) } });
    }
    for (const cart of carts) expect((await waitForClient(byName.get(cart.host) as NodeController, cart.name)).state).toBe('done');
    const host3 = byName.get('host3') as NodeController;
    await host3.startActor({ actor_name: 'reader', operator_name: 'dynamo_cart_client', lib_name: 'dynamo_new', payload: { client_id: 'reader', nodes: RING.nodes, script: [{ op: 'get', cart: 'shared' }], cluster: deployment('host3') } });
    const read = await waitForClient(host3, 'reader');
    expect(read.lines[0]).toMatch(/^CART shared: apple=20\b/);
  });

  it('a controller cut off from the network: writes still reach W through the others', async () => {
    const { network, byName } = await spreadCluster();
    network.cutOff('host3');
    const one = byName.get('host1') as NodeController;
    for (let i = 0; i < 20; i++) await one.kvPut(`down${i}`, `v${i}`, { timeoutMs: 3000 });
    for (let i = 0; i < 20; i++) expect((await one.kvGet(`down${i}`, { timeoutMs: 3000 })).values).toEqual([`v${i}`]);
  });

  it('refuses actors that do not fit the ring it runs', async () => {
    const { byName } = await spreadCluster();
    const one = byName.get('host1') as NodeController;
    await expect(one.startActor({ actor_name: 'nodeC', operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: nodePayload('nodeC', 'host1') })).rejects.toThrow(/placed on controller host2/);
    await expect(one.startActor({ actor_name: 'x', operator_name: 'widget', lib_name: 'dynamo_new', payload: {} })).rejects.toThrow(/unknown operator_name "widget"/);
    await expect(one.startActor({ actor_name: 'nodeA', operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: nodePayload('nodeA', 'host1') })).rejects.toThrow(/already exists/);
    await expect(one.startActor({ actor_name: 'c', operator_name: 'dynamo_client', lib_name: 'dynamo_new', payload: { client_id: 'c', nodes: ['nodeZ'], cluster: deployment('host1') } })).rejects.toThrow(/nodeZ, which is not a node of the ring/);
  });

  it('stops and restarts a node (Reactor crash and restart)', async () => {
    const { byName } = await spreadCluster();
    const two = byName.get('host2') as NodeController;
    await two.stopActor('nodeC');
    expect((await two.status()).actor_states.find((a) => a.name === 'nodeC')?.state).toBe('stopped');
    expect((await two.stats())?.stopped).toEqual(['nodeC']);
    await two.startActor({ actor_name: 'nodeC', operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: nodePayload('nodeC', 'host2') });
    expect((await two.stats())?.stopped).toEqual([]);
  });
});
