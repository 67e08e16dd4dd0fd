/**
 * Merkle-tree anti-entropy (paper §4.7) in the simulator, both coordination modes, no client
 * read anywhere: data nobody reads gets back to N identical copies on its primaries after a
 * node restarts empty, after a long partition with writes on both sides, and through a series
 * of restarts that erodes copies without it. Each scenario also runs with anti-entropy off to
 * show it fails there. Exchanges stay within their bounds.
 */
import { describe, expect, it } from 'vitest';
import type { EngineTuning } from '../src/core/config.js';
import type { Message } from '../src/protocol/messages.js';
import type { Siblings } from '../src/protocol/data.js';
import { SimCluster } from '../src/sim/sim-cluster.js';
import { runSeed } from '../src/sim/sweep.js';
import { clockView } from '../src/core/causal-context.js';

const MODES = ['node', 'client'] as const;
const OFF: Partial<EngineTuning> = { antiEntropyIntervalMs: 0 };

/** A key's state in one canonical string: versions by dot (value, deleted) and the clock. */
function canonical(siblings: Siblings | null): string {
  if (siblings === null) return '-';
  const versions = siblings.versions.map((v) => `${v.dot.actor}:${v.dot.counter}:${v.deleted ? 'x' : JSON.stringify(v.value)}`).sort();
  const view = clockView(siblings.context.clock);
  const clock = Object.keys(view).sort().map((actor) => [actor, view[actor]]);
  return JSON.stringify([versions, clock]);
}

/** Per simulator, each key's primaries (the ring does not change in these tests). */
const primariesCache = new WeakMap<SimCluster, Map<string, readonly string[]>>();
function primaries(sim: SimCluster, key: string): readonly string[] {
  let cache = primariesCache.get(sim);
  if (!cache) primariesCache.set(sim, (cache = new Map()));
  let list = cache.get(key);
  if (!list) cache.set(key, (list = sim.preferenceList(key, sim.tuning.n)));
  return list;
}

/** Keys whose N primaries do not all hold the same, non-empty state. */
function notAtN(sim: SimCluster, keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const states = primaries(sim, key).map((node) => canonical(sim.dataOf(node, key)));
    return states.includes('-') || new Set(states).size !== 1;
  });
}

/** Keys no running node holds any more (data or hint). */
function lost(sim: SimCluster, keys: readonly string[]): string[] {
  return keys.filter((key) => sim.holdings(key).every((h) => h.siblings === null && h.hints.length === 0));
}

const hintsPending = (sim: SimCluster): number => sim.nodeIds.filter((id) => sim.isRunning(id)).reduce((n, id) => n + sim.node(id).stats().hintsPending, 0);

function writeAll(sim: SimCluster, keys: readonly string[], value: (key: string) => unknown): void {
  const polls = keys.map((key) => sim.putAsync(key, value(key), { w: 3 }));
  sim.runFor(2000);
  for (const poll of polls) expect(poll()?.ok).toBe(true);
}

/** Runs until `done()` holds, checking every 100 virtual ms (checking per event is slow). */
function runUntil(sim: SimCluster, done: () => boolean, maxMs: number): void {
  const limit = sim.nowMs + maxMs;
  while (!done() && sim.nowMs < limit) sim.runFor(100);
}

const keysOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `key${i}`);

describe.each(MODES)('anti-entropy in the simulator (%s coordination)', (mode) => {
  it('a node restarted empty gets every key back to N identical copies, without a read', () => {
    const run = (tuning: Partial<EngineTuning>): { sim: SimCluster; keys: string[]; tookMs: number } => {
      const sim = new SimCluster({ seed: 31, nodes: 5, mode, tuning });
      const keys = keysOf(400);
      writeAll(sim, keys, (key) => key.toUpperCase());
      expect(notAtN(sim, keys)).toEqual([]);
      sim.stop('node-2');
      sim.runFor(500);
      sim.restart('node-2');
      const started = sim.nowMs;
      runUntil(sim, () => notAtN(sim, keys).length === 0, 20_000);
      return { sim, keys, tookMs: sim.nowMs - started };
    };
    const { sim, keys, tookMs } = run({});
    expect(notAtN(sim, keys)).toEqual([]);
    expect(tookMs).toBeLessThan(10_000);
    const owned = keys.filter((key) => primaries(sim, key).includes('node-2'));
    expect(owned.length).toBeGreaterThan(100);
    // Only anti-entropy brought them: no read repair, no hints.
    const stats = sim.nodeIds.map((id) => sim.node(id).stats());
    expect(stats.reduce((n, s) => n + s.readRepairs, 0) + sim.client.stats.readRepairs).toBe(0);
    const restarted = sim.node('node-2').stats();
    expect(restarted.keys).toBe(owned.length);
    expect(restarted.antiEntropyKeysReceived).toBe(owned.length);
    expect(stats.reduce((n, s) => n + s.antiEntropyKeysSent, 0)).toBeGreaterThanOrEqual(owned.length);
    expect(restarted.antiEntropyExchangesStarted).toBeGreaterThan(0);
    expect(stats.reduce((n, s) => n + s.antiEntropyExchangesCompleted, 0)).toBeGreaterThan(0);
    // Once repaired, the next rounds find every range matching.
    sim.runFor(3 * sim.tuning.antiEntropyIntervalMs * 10);
    for (const id of sim.nodeIds) {
      const s = sim.node(id).stats();
      expect(s.antiEntropyRanges.length).toBeGreaterThan(0);
      expect(s.antiEntropyMaxSinceMatchMs, id).toBeLessThan(30 * sim.tuning.antiEntropyIntervalMs);
    }

    const off = run(OFF);
    expect(off.sim.node('node-2').stats().keys).toBe(0);
    expect(notAtN(off.sim, off.keys).length).toBe(owned.length);
  });

  it('after a long partition with writes on both sides, every key ends with N identical copies and no hint, without a read', () => {
    const sideA = ['node-1', 'node-2', 'node-3'];
    const sideB = ['node-4', 'node-5'];
    const run = (tuning: Partial<EngineTuning>): { sim: SimCluster; keys: string[] } => {
      const sim = new SimCluster({ seed: 32, nodes: 5, mode, tuning });
      // The nodes split in two; the client stands on one side, then on the other.
      const split = (clientWith: readonly string[], clientCutFrom: readonly string[]): void => {
        sim.heal();
        const cutBothWays = (a: string, b: string): void => {
          sim.cut(a, b);
          sim.cut(b, a);
        };
        for (const a of sideA) for (const b of sideB) cutBothWays(a, b);
        for (const node of clientCutFrom) cutBothWays('client', node);
        expect(clientWith.every((node) => !clientCutFrom.includes(node))).toBe(true);
      };
      const keys = keysOf(150);
      split(sideA, sideB);
      const onA = keys.slice(0, 100).map((key) => sim.putAsync(key, `a:${key}`, { w: 2 }));
      sim.runFor(3000);
      split(sideB, sideA);
      const onB = keys.slice(50).map((key) => sim.putAsync(key, `b:${key}`, { w: 2, timeoutMs: 2000 }));
      sim.runFor(10_000);
      expect(onA.filter((poll) => poll()?.ok).length).toBe(100);
      expect(onB.filter((poll) => poll()?.ok).length).toBeGreaterThan(50);
      sim.heal();
      runUntil(sim, () => notAtN(sim, keys).length === 0 && hintsPending(sim) === 0, 30_000);
      sim.runFor(1000);
      return { sim, keys };
    };
    const { sim, keys } = run({});
    expect(notAtN(sim, keys)).toEqual([]);
    expect(hintsPending(sim)).toBe(0);
    // Both sides' writes survive: keys written on both are siblings everywhere.
    const values = (key: string): unknown[] => (sim.dataOf(primaries(sim, key)[0] as string, key)?.versions ?? []).map((v) => v.value).sort();
    expect(values('key10')).toEqual(['a:key10']);
    expect(values('key120')).toEqual(['b:key120']);
    expect(keys.slice(50, 100).filter((key) => values(key).length === 2).length).toBeGreaterThan(0);

    const off = run(OFF);
    expect(notAtN(off.sim, off.keys).length).toBeGreaterThan(0);
  });

  it('restarting nodes one at a time, with time in between, loses no key and leaves every key at N copies', () => {
    const run = (tuning: Partial<EngineTuning>): { sim: SimCluster; keys: string[] } => {
      const sim = new SimCluster({ seed: 33, nodes: 5, mode, tuning });
      const keys = keysOf(1000);
      writeAll(sim, keys, (key) => key);
      for (const node of ['node-1', 'node-3', 'node-5', 'node-2']) {
        sim.stop(node);
        sim.runFor(1000);
        sim.restart(node);
        sim.runFor(8000);
      }
      return { sim, keys };
    };
    const { sim, keys } = run({});
    expect(lost(sim, keys)).toEqual([]);
    expect(notAtN(sim, keys)).toEqual([]);

    const off = run(OFF);
    expect(notAtN(off.sim, off.keys).length).toBeGreaterThan(500);
    expect(lost(off.sim, off.keys).length).toBeGreaterThan(0);
  });

  it('work per round is bounded: exchanges started per round and keys, digests and tree nodes per message stay within the knobs', () => {
    const tuning = { antiEntropyExchangesPerRound: 2, antiEntropyMaxKeysPerMessage: 32 };
    const sim = new SimCluster({ seed: 34, nodes: 5, mode, tuning });
    const keys = keysOf(600);
    writeAll(sim, keys, (key) => key);
    const seen: { atMs: number; from: string; msg: Message }[] = [];
    sim.tap((atMs, from, _to, msg) => {
      if (msg.kind.startsWith('ae.')) seen.push({ atMs, from, msg });
    });
    sim.stop('node-4');
    sim.runFor(500);
    sim.restart('node-4');
    runUntil(sim, () => notAtN(sim, keys).length === 0, 60_000);
    sim.tap(null);
    expect(notAtN(sim, keys)).toEqual([]);
    let biggestSync = 0;
    for (const { msg } of seen) {
      if (msg.kind === 'ae.compare') {
        expect(msg.nodes.length).toBeLessThanOrEqual(32);
        expect(msg.parents.length).toBeLessThanOrEqual(32);
      }
      if (msg.kind === 'ae.leaves') expect(msg.leaves.reduce((n, leaf) => n + leaf.keys.length, 0)).toBeLessThanOrEqual(32);
      if (msg.kind === 'ae.sync') {
        expect(msg.entries.length).toBeLessThanOrEqual(32);
        expect(msg.want.length).toBeLessThanOrEqual(32);
        biggestSync = Math.max(biggestSync, msg.entries.length);
      }
    }
    // The bound binds: a repair of ~360 keys went in messages of at most 32.
    expect(biggestSync).toBe(32);
    // Exchanges start with a root compare: at most 2 per node within any round's interval.
    const interval = sim.tuning.antiEntropyIntervalMs;
    const starts = seen.filter(({ msg }) => msg.kind === 'ae.compare' && msg.level === 0);
    for (const { atMs, from } of starts) {
      const sameRound = starts.filter((s) => s.from === from && s.atMs >= atMs && s.atMs < atMs + interval - 10);
      expect(sameRound.length).toBeLessThanOrEqual(2);
    }
    expect(starts.length).toBeGreaterThan(10);
  });
});

describe('anti-entropy under the sweep\'s faults', () => {
  it.each(Array.from({ length: 16 }, (_, i) => i + 1))('seed %i with anti-entropy on: no violation', (seed) => {
    const result = runSeed(seed, { antiEntropy: true });
    expect(result.violations, `${JSON.stringify(result.config)}\n${result.faults.join('; ')}`).toEqual([]);
  });
});
