/**
 * Tombstones go away (Riak's delete_mode, Cassandra's gc_grace): once every node of the ring
 * holds a deleted key's tombstone or nothing, and the tombstone is older than the grace
 * period, every node lets the key go. A deleted key never comes back, and a write after the
 * reap is never covered by a context from before the delete.
 */
import { describe, expect, it } from 'vitest';
import type { CausalContext } from '../src/protocol/data.js';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { SimCluster } from '../src/sim/sim-cluster.js';

function ok<T extends GetOutcome | PutOutcome>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome as Extract<T, { ok: true }>;
}

const values = (outcome: GetOutcome): unknown[] => ok(outcome).versions.filter((v) => !v.deleted).map((v) => v.value).sort();
const GRACE_MS = 500;

function keysHeld(sim: SimCluster): number {
  return sim.nodeIds.filter((id) => sim.isRunning(id)).reduce((sum, id) => sum + sim.node(id).stats().keys, 0);
}

function mintedKeys(sim: SimCluster): number {
  return sim.nodeIds.filter((id) => sim.isRunning(id)).reduce((sum, id) => sum + sim.node(id).stats().mintedKeys, 0);
}

describe.each(['node', 'client'] as const)('tombstones (%s coordination)', (mode) => {
  it('deleted keys are reaped on every node after the grace period, memory returns to empty, and they never come back', () => {
    const sim = new SimCluster({ seed: 31, nodes: 5, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const keys = Array.from({ length: 50 }, (_, i) => `key${i}`);
    for (const key of keys) ok(sim.put(key, `v-${key}`, { w: 3 }));
    expect(keysHeld(sim)).toBe(keys.length * 3);
    for (const key of keys) {
      const read = ok(sim.get(key, { r: 3 }));
      ok(sim.put(key, null, { context: read.context, deleted: true, w: 3 }));
    }
    // The last tombstone is younger than the grace period: it stays for now.
    sim.runFor(GRACE_MS / 4);
    expect(sim.holdings(keys.at(-1) as string).filter((h) => h.siblings !== null)).toHaveLength(3);
    sim.runUntil(() => keysHeld(sim) === 0, 5_000);
    expect(keysHeld(sim)).toBe(0);
    const reaped = sim.nodeIds.reduce((sum, id) => sum + sim.node(id).stats().tombstonesReaped, 0);
    expect(reaped).toBe(keys.length * 3);
    for (const key of keys) expect(values(sim.get(key, { r: 3 }))).toEqual([]);
    sim.runFor(2_000);
    expect(keysHeld(sim)).toBe(0);
    // Nodes that minted for a key but never held it forget it when the commit reaches them;
    // the client (client coordination) forgets a key once a read finds nothing.
    expect(mintedKeys(sim)).toBe(0);
    expect(sim.client.stats.mintedKeys).toBe(0);
    // The reaped tombstones kept against stale copies in flight go after one more grace period.
    expect(sim.nodeIds.reduce((sum, id) => sum + sim.node(id).stats().reapedRemembered, 0)).toBe(0);
  });

  it('a tombstone is not reaped while a node of the ring is down; once it is back (empty) it is', () => {
    const sim = new SimCluster({ seed: 32, nodes: 4, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const read = ok(sim.put('k', 'v', { w: 3 }));
    ok(sim.put('k', null, { context: read.context, deleted: true, w: 3 }));
    const bystander = sim.nodeIds.find((id) => !sim.preferenceList('k', 3).includes(id)) as string;
    sim.stop(bystander);
    sim.runFor(GRACE_MS * 6);
    expect(keysHeld(sim)).toBe(3);
    sim.restart(bystander);
    // A node that just started votes no for a grace period: what it is about to receive is unknown.
    sim.runUntil(() => keysHeld(sim) === 0, GRACE_MS * 8);
    expect(keysHeld(sim)).toBe(0);
  });

  it('a write after the reap survives a later write over a context from before the delete (no dot is minted twice)', () => {
    const sim = new SimCluster({ seed: 33, nodes: 3, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const entry = sim.preferenceList('k', 3)[0] as string;
    const via = (context: CausalContext): CausalContext => ({ ...context, readFrom: entry });
    const first = ok(sim.put('k', 'v1', { context: via({ clock: [] }), w: 3 }));
    const second = ok(sim.put('k', 'v2', { context: via(first.context), w: 3 }));
    const held = second.context; // a client keeps this context across the delete
    ok(sim.put('k', null, { context: via(second.context), deleted: true, w: 3 }));
    sim.runUntil(() => keysHeld(sim) === 0, 5_000);
    expect(keysHeld(sim)).toBe(0);
    ok(sim.put('k', 'after-reap', { context: via({ clock: [] }), w: 3 }));
    ok(sim.put('k', 'stale-writer', { context: via(held), w: 3 }));
    expect(values(sim.get('k', { r: 3 }))).toEqual(['after-reap', 'stale-writer']);
  });

  it('a replica cut off during the delete still holds the old value; after heal it is known dead and reaped, never brought back', () => {
    const sim = new SimCluster({ seed: 34, nodes: 3, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const [a, b, c] = sim.preferenceList('k', 3) as [string, string, string];
    const read = ok(sim.put('k', 'old', { w: 3 }));
    sim.partition([[c]]);
    ok(sim.put('k', null, { context: { ...read.context, readFrom: a }, deleted: true, w: 2 }));
    // c cannot vote: no reap while it is cut off, however old the tombstone.
    sim.runFor(GRACE_MS * 3);
    expect(sim.dataOf(a, 'k')?.versions.every((v) => v.deleted)).toBe(true);
    expect(sim.dataOf(b, 'k')?.versions.every((v) => v.deleted)).toBe(true);
    expect(sim.dataOf(c, 'k')?.versions.map((v) => v.value)).toEqual(['old']);
    sim.heal();
    sim.runUntil(() => keysHeld(sim) === 0, GRACE_MS * 10);
    expect(keysHeld(sim)).toBe(0);
    expect(values(sim.get('k', { r: 3 }))).toEqual([]);
  });
  it('a lost commit leaves the voter holding the tombstone, never the value the delete removed', () => {
    const sim = new SimCluster({ seed: 34, nodes: 3, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const [a, , c] = sim.preferenceList('k', 3) as [string, string, string];
    const read = ok(sim.put('k', 'old', { w: 3 }));
    sim.partition([[c]]);
    ok(sim.put('k', null, { context: { ...read.context, readFrom: a }, deleted: true, w: 2 }));
    sim.runFor(GRACE_MS * 3);
    sim.heal();
    // c votes yes holding 'old' (the tombstone covers it); its commit never arrives.
    let voted = false;
    sim.tap((_at, from, to, msg) => {
      if (!voted && msg.kind === 'reap.vote' && from === c && msg.ok) {
        voted = true;
        sim.cut(to, c);
      }
    });
    sim.runUntil(() => voted, GRACE_MS * 10);
    expect(voted).toBe(true);
    sim.runFor(50);
    sim.tap(null);
    sim.heal();
    sim.runFor(5_000);
    expect(values(sim.get('k', { r: 3 }))).toEqual([]);
    for (const id of sim.nodeIds) expect(sim.dataOf(id, 'k')?.versions.every((v) => v.deleted) ?? true, id).toBe(true);
  });

  it('a node that leaves while cut off, holding a value deleted meanwhile, cannot bring it back when it drains later', () => {
    const sim = new SimCluster({ seed: 5, nodes: 4, mode, tuning: { tombstoneGraceMs: GRACE_MS } });
    const [a, , leaver] = sim.preferenceList('k', 3) as [string, string, string];
    const others = sim.nodeIds.filter((id) => id !== leaver);
    const read = ok(sim.put('k', 'old', { w: 3 }));
    sim.partition([others, [leaver]]);
    ok(sim.put('k', null, { context: { ...read.context, readFrom: a }, deleted: true, w: 2 }));
    sim.removeNode(leaver);
    // Long enough for a reap, and for a reaped copy to be forgotten, had the leaver not been asked.
    sim.runFor(GRACE_MS * 8);
    expect(sim.dataOf(leaver, 'k')?.versions.map((v) => v.value)).toEqual(['old']);
    sim.heal();
    sim.runUntil(() => sim.drained(leaver), 5_000);
    expect(sim.drained(leaver)).toBe(true);
    sim.retire(leaver);
    expect(values(sim.get('k', { r: 2 }))).toEqual([]);
    sim.runUntil(() => keysHeld(sim) === 0, GRACE_MS * 20);
    expect(keysHeld(sim)).toBe(0);
  });
});
