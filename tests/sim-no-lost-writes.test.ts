/**
 * A Jepsen-style set test over the simulator: clients add elements to one key by
 * get / merge siblings / put-with-context while the network is cut and healed and nodes join
 * and leave. Every add that was acknowledged must be in the final read: siblings merged by
 * the client lose nothing (unlike last-write-wins).
 */
import { describe, expect, it } from 'vitest';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import type { CausalContext } from '../src/protocol/data.js';
import { SimCluster } from '../src/sim/sim-cluster.js';
import { Prng } from '../src/util/prng.js';
import { SetAdders, union } from './helpers/set-adders.js';

function ok<T extends GetOutcome | PutOutcome>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome as Extract<T, { ok: true }>;
}

interface Workload {
  readonly seed: number;
  readonly mode: 'node' | 'client';
  readonly clockPruneAt: number;
  readonly churn: boolean;
}

interface Outcome {
  readonly acknowledged: number[];
  readonly final: number[];
  readonly attempts: number;
  /** The key's primaries hold the same versions and no hint is left. */
  readonly converged: boolean;
}

function runSetWorkload({ seed, mode, clockPruneAt, churn }: Workload): Outcome {
  const sim = new SimCluster({ seed, nodes: 5, mode, tuning: { requestTimeoutMs: 600, clockPruneAt } });
  const prng = new Prng(seed * 7 + 1);
  const leaving: string[] = [];
  let nextNode = 6;
  const key = 'set';
  const adders = new SetAdders(sim, 4, () => key);
  for (let tick = 0; tick < 600; tick++) {
    // Nemesis: every 150 ms of virtual time cut a random group off, then heal.
    if (tick % 30 === 10) sim.partition([sim.nodeIds.filter(() => prng.nextFloat() < 0.4)]);
    if (tick % 30 === 25) sim.heal();
    if (churn && tick % 150 === 60) {
      if (prng.nextFloat() < 0.5 || sim.nodeIds.length <= 4) {
        sim.addNode(`node-${nextNode++}`);
      } else {
        const id = sim.nodeIds[Math.floor(prng.nextFloat() * sim.nodeIds.length)] ?? 'node-1';
        sim.removeNode(id);
        leaving.push(id);
      }
    }
    for (const id of [...leaving]) {
      const stats = sim.node(id).stats();
      if (stats.keys === 0 && stats.hintsPending === 0) {
        sim.retire(id);
        leaving.splice(leaving.indexOf(id), 1);
      }
    }
    adders.step();
    sim.runFor(5);
  }
  sim.heal();
  sim.runFor(5000);
  const final = union(ok(sim.get(key, { r: 3 })));
  // Liveness: once healed, hints delivered and the final read repaired, the key's primaries
  // hold the same versions and no hint is left anywhere.
  sim.runFor(500);
  const primaries = new Set(sim.preferenceList(key, 3));
  const holdings = sim.holdings(key);
  const dots = (versions: readonly { dot: { actor: string; counter: number } }[]): string[] => versions.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort();
  const primaryViews = holdings.filter((h) => primaries.has(h.node)).map((h) => JSON.stringify(dots(h.siblings?.versions ?? [])));
  const converged = primaryViews.length === primaries.size && new Set(primaryViews).size === 1 && holdings.every((h) => h.hints.length === 0);
  return { acknowledged: adders.acknowledged.get(key) ?? [], final, attempts: adders.attempts, converged };
}

describe.each(['node', 'client'] as const)('no lost writes (%s coordination)', (mode) => {
  it.each([11, 12, 13])('set test - every acknowledged add survives partitions (seed %i)', (seed) => {
    const { acknowledged, final, attempts, converged } = runSetWorkload({ seed, mode, clockPruneAt: 10, churn: false });
    expect(attempts).toBeGreaterThan(50);
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(acknowledged.filter((e) => !final.includes(e))).toEqual([]);
    expect(converged).toBe(true);
  });

  it.each([1, 2, 3, 4, 5, 6])('set test - with joins, leaves and clocks pruned past 2 actors (seed %i)', (seed) => {
    // Regression: with heavy pruning a node could mint a dot it had used before, and a
    // replica that still held the old version ignored the new, acknowledged one.
    const { acknowledged, final, converged } = runSetWorkload({ seed, mode, clockPruneAt: 2, churn: true });
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(acknowledged.filter((e) => !final.includes(e))).toEqual([]);
    expect(converged).toBe(true);
  });
});

describe('minting after pruning', () => {
  it('a node never mints a dot twice, even when pruning hid its earlier one from it', () => {
    const sim = new SimCluster({ seed: 7, nodes: 5, mode: 'node', tuning: { clockPruneAt: 2 } });
    const via = (context: CausalContext, node: string): CausalContext => ({ clock: context.clock, readFrom: node });
    const [a = '', b = '', c = ''] = sim.preferenceList('k', 3);
    ok(sim.put('k', 'v1', { context: via({ clock: [] }, a) }));
    sim.runFor(50);
    ok(sim.put('k', 'v1b', { context: via(ok(sim.get('k', { r: 3 })).context, c) }));
    sim.runFor(50);
    ok(sim.put('k', 'v2', { context: via(ok(sim.get('k', { r: 3 })).context, b) }));
    sim.runFor(50);
    const afterV2 = ok(sim.get('k', { r: 3 })).context;
    sim.partition([[b], sim.nodeIds.filter((id) => id !== b)]);
    ok(sim.put('k', 'v3', { context: via(afterV2, c) })); // its pruned context drops a's entry
    sim.runFor(50);
    ok(sim.put('k', 'v4', { context: via(ok(sim.get('k', { r: 2 })).context, a) })); // acknowledged
    sim.runFor(50);
    ok(sim.get('k', { r: 2 }));
    sim.heal();
    sim.runFor(3000);
    expect(ok(sim.get('k', { r: 3 })).versions.map((v) => v.value)).toContain('v4');
  });
});
