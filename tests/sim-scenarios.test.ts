/**
 * Core behaviour over the deterministic in-memory network (no threads): every scenario runs
 * in both coordination modes and replays exactly from its seed.
 */
import { describe, expect, it } from 'vitest';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { SimCluster } from '../src/sim/sim-cluster.js';
import { clockView } from '../src/core/causal-context.js';

function ok<T extends GetOutcome | PutOutcome>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome as Extract<T, { ok: true }>;
}

const values = (outcome: GetOutcome): unknown[] =>
  ok(outcome).versions.filter((v) => !v.deleted).map((v) => v.value).sort();

describe.each(['node', 'client'] as const)('sim (%s coordination)', (mode) => {
  it('siblings - concurrent blind writes make siblings and a put with the merged context removes them', () => {
    const sim = new SimCluster({ seed: 1, nodes: 5, mode });
    const first = sim.putAsync('cart', 'a');
    const second = sim.putAsync('cart', 'b');
    sim.runFor(500);
    expect(first()?.ok).toBe(true);
    expect(second()?.ok).toBe(true);
    const read = sim.get('cart', { r: 3 });
    expect(values(read)).toEqual(['a', 'b']);
    ok(sim.put('cart', 'ab', { context: ok(read).context }));
    sim.runFor(500);
    expect(values(sim.get('cart', { r: 3 }))).toEqual(['ab']);
    for (const holding of sim.holdings('cart').filter((h) => (h.siblings?.versions.length ?? 0) > 0)) {
      expect((holding.siblings?.versions ?? []).map((v) => v.value)).toEqual(['ab']);
    }
  });

  it('siblings - two puts with the same context stay siblings, neither replaces the other', () => {
    // One node, N=1: both puts go through the same coordinator (or the same client actor).
    const sim = new SimCluster({ seed: 2, nodes: 1, mode, tuning: { n: 1, r: 1, w: 1 } });
    const base = ok(sim.put('k', 'v0'));
    const a = sim.putAsync('k', 'from-a', base.context);
    const b = sim.putAsync('k', 'from-b', base.context);
    sim.runFor(200);
    expect(a()?.ok && b()?.ok).toBe(true);
    expect(values(sim.get('k'))).toEqual(['from-a', 'from-b']);
  });

  it('delete - a tombstone with the read context hides the value and a later put revives the key', () => {
    const sim = new SimCluster({ seed: 3, nodes: 5, mode });
    ok(sim.put('k', 1));
    const read = ok(sim.get('k'));
    ok(sim.put('k', null, { context: read.context, deleted: true }));
    const afterDelete = ok(sim.get('k', { r: 3 }));
    expect(afterDelete.versions.every((v) => v.deleted)).toBe(true);
    ok(sim.put('k', 2, { context: afterDelete.context }));
    expect(values(sim.get('k', { r: 3 }))).toEqual([2]);
  });

  it('read repair - a replica that missed a write is repaired by a later get', () => {
    // Three nodes and N=3: no fallback exists, so the missing replica gets no hint either.
    const sim = new SimCluster({ seed: 4, nodes: 3, mode });
    sim.stop('node-3');
    ok(sim.put('k', 'v'));
    sim.restart('node-3'); // empty: an in-memory node lost its data
    sim.runFor(500);
    expect(sim.holdings('k').find((h) => h.node === 'node-3')?.siblings).toBeNull();
    const read = ok(sim.get('k', { r: 3 }));
    expect(read.versions.map((v) => v.value)).toEqual(['v']);
    sim.runFor(200);
    expect(sim.holdings('k').find((h) => h.node === 'node-3')?.siblings?.versions.map((v) => v.value)).toEqual(['v']);
    const repairs = mode === 'client' ? sim.client.stats.readRepairs : sim.nodeIds.reduce((n, id) => n + sim.node(id).stats().readRepairs, 0);
    expect(repairs).toBeGreaterThanOrEqual(1);
  });

  it('hinted handoff - a partitioned owner gets its copy from a hint after heal, and the hint is deleted', () => {
    const sim = new SimCluster({ seed: 5, nodes: 5, mode });
    const owners = sim.preferenceList('user:1', 3);
    const cutOff = owners[2] ?? '';
    const rest = sim.nodeIds.filter((id) => id !== cutOff);
    sim.partition([[cutOff], rest]);
    expect(ok(sim.put('user:1', 'alice')).ackedBy).not.toContain(cutOff);
    sim.runFor(1000);
    const hinted = sim.holdings('user:1').filter((h) => h.hints.some((hint) => hint.owner === cutOff));
    expect(hinted.length).toBeGreaterThanOrEqual(1);
    expect(owners).not.toContain(hinted[0]?.node);
    sim.heal();
    sim.runFor(1000);
    const after = sim.holdings('user:1');
    expect(after.find((h) => h.node === cutOff)?.siblings?.versions.map((v) => v.value)).toEqual(['alice']);
    expect(after.flatMap((h) => h.hints)).toEqual([]);
  });

  it('quorum - put and get fail with QUORUM_FAILED inside their timeout when too few replicas run', () => {
    const sim = new SimCluster({ seed: 6, nodes: 5, mode });
    ok(sim.put('k', 1));
    for (const id of ['node-1', 'node-2', 'node-3']) sim.stop(id);
    const start = sim.nowMs;
    const put = sim.put('k', 2, { w: 3, timeoutMs: 400 });
    expect(put.ok).toBe(false);
    expect(!put.ok && put.code).toBe('QUORUM_FAILED');
    expect(!put.ok && put.message).toMatch(/of W=3/);
    expect(sim.nowMs - start).toBeLessThanOrEqual(400);
    const get = sim.get('k', { r: 3, timeoutMs: 400 });
    expect(!get.ok && get.code).toBe('QUORUM_FAILED');
  });

  it('membership - hints held for a node that leaves go to the key\'s new owners', () => {
    const sim = new SimCluster({ seed: 10, nodes: 5, mode });
    const owners = sim.preferenceList('k', 3);
    const gone = owners[0] ?? '';
    sim.partition([[gone], sim.nodeIds.filter((id) => id !== gone)]);
    ok(sim.put('k', 'while-cut-off'));
    sim.runFor(1000);
    expect(sim.holdings('k').some((h) => h.hints.some((hint) => hint.owner === gone))).toBe(true);
    sim.removeNode(gone);
    sim.runFor(1000);
    const newOwners = sim.preferenceList('k', 3);
    const holdings = sim.holdings('k').filter((h) => h.node !== gone);
    expect(holdings.flatMap((h) => h.hints)).toEqual([]);
    for (const owner of newOwners) expect(holdings.find((h) => h.node === owner)?.siblings?.versions.map((v) => v.value)).toEqual(['while-cut-off']);
  });

  it('contexts - a long chain of read-modify-writes with concurrent writers keeps contexts small', () => {
    // Regression: dots minted from one global counter per actor never folded into the clock,
    // so every context carried the key's whole history.
    const sim = new SimCluster({ seed: 8, nodes: 5, mode });
    for (let i = 0; i < 150; i++) {
      const read = ok(sim.get('hot'));
      const a = sim.putAsync('hot', `a${i}`, read.context);
      const b = sim.putAsync('hot', `b${i}`, read.context);
      sim.runFor(50);
      expect(a()?.ok && b()?.ok).toBe(true);
    }
    const { context, versions } = ok(sim.get('hot', { r: 3 }));
    expect(versions.length).toBe(2);
    expect(Object.keys(clockView(context.clock)).length).toBeLessThanOrEqual(5);
    for (const entry of Object.values(clockView(context.clock))) expect(entry.gaps?.length ?? 0).toBeLessThanOrEqual(sim.tuning.contextMaxGaps);
  });

  it('membership - join and leave move keys to their new owners and lose none', () => {
    const sim = new SimCluster({ seed: 7, nodes: 5, mode });
    const keys = Array.from({ length: 60 }, (_, i) => `key${i}`);
    for (const key of keys) ok(sim.put(key, key.toUpperCase()));
    sim.runFor(500);
    sim.addNode('node-6');
    sim.runFor(1000);
    sim.removeNode('node-2');
    sim.runFor(1000);
    expect(sim.node('node-2').stats().keys).toBe(0);
    sim.retire('node-2');
    for (const key of keys) {
      expect(values(sim.get(key, { r: 3 }))).toEqual([key.toUpperCase()]);
      const holders = sim.holdings(key).filter((h) => (h.siblings?.versions.length ?? 0) > 0).map((h) => h.node).sort();
      expect(holders).toEqual([...sim.preferenceList(key, 3)].sort());
    }
    expect(sim.node('node-6').stats().keys).toBeGreaterThan(0);
    // Writes after the moves still supersede cleanly.
    const read = ok(sim.get('key1', { r: 3 }));
    ok(sim.put('key1', 'new', { context: read.context }));
    expect(values(sim.get('key1', { r: 3 }))).toEqual(['new']);
  });
});

describe('sim - client coordination after a partition', () => {
  it('suspicion expires: once healed, the owners serve reads again rather than empty fallbacks', () => {
    const sim = new SimCluster({ seed: 9, nodes: 7, mode: 'client' });
    ok(sim.put('k', 'v', { w: 3 }));
    const owners = sim.preferenceList('k', 3);
    sim.partition([owners, sim.nodeIds.filter((id) => !owners.includes(id))]);
    sim.get('k', { r: 1, timeoutMs: 800 }); // the owners time out and are suspected
    sim.heal();
    sim.runFor(sim.tuning.suspectForMs + 100);
    const read = ok(sim.get('k', { r: 3 }));
    expect(read.versions.map((v) => v.value)).toEqual(['v']);
    expect([...read.repliedBy].sort()).toEqual([...owners].sort());
  });
});

describe('sim - deterministic', () => {
  it('the same seed replays the same run', () => {
    const run = (): string => {
      const sim = new SimCluster({ seed: 42, nodes: 5, mode: 'node' });
      const out: unknown[] = [];
      for (let i = 0; i < 20; i++) out.push(sim.put(`k${i % 4}`, i), sim.get(`k${(i + 1) % 4}`));
      return JSON.stringify([out, sim.nowMs, sim.delivered]);
    };
    expect(run()).toEqual(run());
  });
});
