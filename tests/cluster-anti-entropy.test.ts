/**
 * Merkle-tree anti-entropy (paper §4.7) through real worker threads, in both coordination
 * modes: a node restarted empty gets every key it replicates back, with no read, within a
 * bounded wait, and the stats show the exchanges and the repaired keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, type InspectEntry } from '../src/index.js';
import { eventually } from './helpers/eventually.js';

const KEYS = Array.from({ length: 300 }, (_, i) => `key${i}`);

/** Own copies (not hints) of a key, one line per node. */
const copies = (entries: InspectEntry[]): InspectEntry[] => entries.filter((e) => !e.hintFor);

describe.each(['node', 'client'] as const)('anti-entropy (%s coordination)', (coordination) => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('a node stopped and started again, empty, gets every key back to N copies without a read', async () => {
    cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 3, coordination });
    const c = cluster;
    await Promise.all(KEYS.map((key) => c.put(key, key.toUpperCase())));
    const before = await c.stats();
    expect(before.totals.keys).toBe(KEYS.length * 3);
    const held = before.nodes.find((n) => n.nodeId === 'node-3')?.keys ?? 0;
    expect(held).toBeGreaterThan(50);

    await c.stopNode('node-3');
    await c.startNode('node-3');
    expect((await c.stats()).nodes.find((n) => n.nodeId === 'node-3')?.keys).toBe(0);
    const started = performance.now();
    const after = await eventually(() => c.stats(), (s) => s.totals.keys === KEYS.length * 3, { timeoutMs: 15_000, intervalMs: 100 });
    const tookMs = performance.now() - started;

    const restarted = after.nodes.find((n) => n.nodeId === 'node-3');
    expect(restarted?.keys).toBe(held);
    expect(restarted?.antiEntropyKeysReceived).toBe(held);
    expect(after.totals.antiEntropyKeysSent).toBeGreaterThanOrEqual(held);
    expect(after.totals.antiEntropyExchanges).toBeGreaterThan(0);
    expect(after.totals.readRepairs).toBe(0);
    expect(tookMs).toBeLessThan(15_000);
    const views = await Promise.all(KEYS.map((key) => c.inspect(key)));
    KEYS.forEach((key, i) => {
      const own = copies(views[i] ?? []);
      expect(own.map((e) => e.versions.map((v) => v.value)), key).toEqual([[key.toUpperCase()], [key.toUpperCase()], [key.toUpperCase()]]);
      expect(new Set(own.map((e) => JSON.stringify(e.clock))).size, key).toBe(1);
    });
    expect(views.filter((entries) => entries.some((e) => e.node === 'node-3')).length).toBe(held);
  });
});

describe('anti-entropy off', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('with antiEntropyIntervalMs 0, a node restarted empty stays empty when nobody reads', async () => {
    cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 3, antiEntropyIntervalMs: 0 });
    const c = cluster;
    await Promise.all(KEYS.map((key) => c.put(key, key)));
    await c.stopNode('node-3');
    await c.startNode('node-3');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const stats = await c.stats();
    expect(stats.nodes.find((n) => n.nodeId === 'node-3')?.keys).toBe(0);
    expect(stats.totals.antiEntropyExchanges).toBe(0);
    expect(stats.totals.keys).toBeLessThan(KEYS.length * 3);
  });
});
