/** The topology view's controllers of the job that the dashboard does not talk to: from a shown controller's placement and links. */
import { describe, expect, it } from 'vitest';
import type { RingView } from '../dashboard/src/contracts.js';
import { jobPeers } from '../dashboard/src/topology-peers.js';

function ring(placement: Record<string, string>, clients: Record<string, string> = {}): RingView {
  return { nodes: Object.keys(placement), placement, clients, vnodes: [], n: 3, r: 2, w: 2 };
}

describe('dashboard topology - the job\'s other controllers', () => {
  const job = ring({ nodeA: 'host1', nodeB: 'host1', nodeC: 'host2', nodeD: 'host3', nodeE: 'host2' }, { client1: 'host1', cart1: 'host3', bench1: 'host4' });

  it('lists every controller of the placement that no card shows, with its nodes and clients, linked or not', () => {
    expect(jobPeers([{ self: 'host1', ring: job, linked: ['host2'] }])).toEqual([
      { name: 'host2', seenFrom: 'host1', linked: true, nodes: ['nodeC', 'nodeE'], clients: [] },
      { name: 'host3', seenFrom: 'host1', linked: false, nodes: ['nodeD'], clients: ['cart1'] },
      { name: 'host4', seenFrom: 'host1', linked: false, nodes: [], clients: ['bench1'] },
    ]);
  });

  it('leaves out the controllers shown on cards of their own, and lists a peer once', () => {
    const peers = jobPeers([
      { self: 'host1', ring: job, linked: ['host2', 'host3'] },
      { self: 'host2', ring: job, linked: ['host1'] },
    ]);
    expect(peers.map((peer) => [peer.name, peer.seenFrom, peer.linked])).toEqual([
      ['host3', 'host1', true],
      ['host4', 'host1', false],
    ]);
    expect(jobPeers([])).toEqual([]);
  });
});
