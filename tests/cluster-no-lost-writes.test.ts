/**
 * The set test through real worker threads: clients add elements to one key by get / merge
 * siblings / put-with-context while a nemesis cuts nodes off and heals them. Every add that
 * was acknowledged must be in the final read. Bounded: a fixed number of rounds.
 */
import { describe, expect, it } from 'vitest';
import { Cluster, DynamoError } from '../src/index.js';
import { eventually } from './helpers/eventually.js';

const union = (values: unknown[]): number[] => [...new Set(values.flatMap((v) => v as number[]))].sort((a, b) => a - b);

describe.each(['node', 'client'] as const)('no lost writes through worker threads (%s coordination)', (coordination) => {
  it('set test - every acknowledged add survives partitions', async () => {
    const cluster = await Cluster.start({ nodes: 5, n: 3, r: 2, w: 2, coordination, requestTimeoutMs: 400, replicaTimeoutMs: 100 });
    try {
      const acknowledged: number[] = [];
      let next = 1;
      let failures = 0;
      const client = async (): Promise<void> => {
        for (let round = 0; round < 40; round++) {
          try {
            const read = await cluster.get('set');
            const element = next++;
            await cluster.put('set', [...union(read.values), element], { context: read.context });
            acknowledged.push(element);
          } catch (error) {
            if (!(error instanceof DynamoError)) throw error;
            failures++;
          }
        }
      };
      const nemesis = async (): Promise<void> => {
        for (const victim of ['node-1', 'node-3', 'node-5', 'node-2']) {
          await cluster.partition([[victim]]);
          await new Promise((resolve) => setTimeout(resolve, 150));
          await cluster.heal();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await Promise.all([client(), client(), client(), client(), nemesis()]);
      await cluster.heal();
      expect(acknowledged.length).toBeGreaterThan(40);
      // Once hints are delivered, a read of every replica sees every acknowledged add.
      const final = await eventually(
        async () => union((await cluster.get('set', { r: 3 })).values),
        (values) => acknowledged.every((e) => values.includes(e)),
        { timeoutMs: 5000 },
      );
      expect(acknowledged.filter((e) => !final.includes(e))).toEqual([]);
      expect(failures).toBeLessThan(160);
    } finally {
      await cluster.stop();
    }
  });
});
