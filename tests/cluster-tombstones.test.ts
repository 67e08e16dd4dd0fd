/**
 * Tombstones go away through real worker threads: deleted keys are reaped on every node once
 * the grace period has passed, memory returns to where it was, and nothing comes back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, DynamoError } from '../src/index.js';
import { eventually } from './helpers/eventually.js';

describe.each(['node', 'client'] as const)('tombstones through threads (%s coordination)', (coordination) => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('deleted keys are reaped everywhere after tombstoneGraceMs and never come back', async () => {
    cluster = await Cluster.start({ nodes: 4, n: 3, coordination, tombstoneGraceMs: 400, requestTimeoutMs: 300 });
    const c = cluster;
    const keys = Array.from({ length: 30 }, (_, i) => `key${i}`);
    await Promise.all(keys.map((k) => c.put(k, k, { w: 3 })));
    expect((await c.stats()).totals.keys).toBe(keys.length * 3);
    for (const key of keys) await c.delete(key, { context: (await c.get(key, { r: 3 })).context, w: 3 });
    const stats = await eventually(() => c.stats(), (s) => s.totals.keys === 0 && s.nodes.every((n) => n.mintedKeys === 0), { timeoutMs: 10_000 });
    expect(stats.totals.tombstonesReaped).toBe(keys.length * 3);
    for (const key of keys) expect((await c.get(key, { r: 3 })).values).toEqual([]);
    // A read that finds nothing lets the client's minter forget the key too.
    expect((await c.stats()).client.mintedKeys).toBe(0);
    await c.put('key0', 'again');
    expect((await c.get('key0', { r: 3 })).values).toEqual(['again']);
  });

  it('tombstoneGraceMs must be a positive integer longer than requestTimeoutMs', async () => {
    for (const options of [{ tombstoneGraceMs: -1 }, { tombstoneGraceMs: 0 }, { tombstoneGraceMs: 500, requestTimeoutMs: 500 }]) {
      const error = await Cluster.start({ nodes: 1, coordination, ...options }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DynamoError);
      expect((error as DynamoError).code).toBe('INVALID_ARGUMENT');
      expect((error as DynamoError).message).toMatch(/tombstoneGraceMs/);
    }
  });

  it('chaos delays that could hold a message past the grace period are refused', async () => {
    cluster = await Cluster.start({ nodes: 3, coordination, tombstoneGraceMs: 2_000 });
    await cluster.chaos({ node: 'node-1', delayMs: [0, 1_500] });
    const error = await cluster.chaos({ from: 'node-2', delayMs: [0, 600] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoError);
    expect((error as DynamoError).code).toBe('INVALID_ARGUMENT');
    expect((error as DynamoError).message).toMatch(/delayMs.*tombstoneGraceMs/);
  });
});
