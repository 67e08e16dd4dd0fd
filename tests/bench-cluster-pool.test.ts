/**
 * The suite's shared clusters (bench/cluster-pool.ts): runs that need the same cluster run
 * back to back on one, warm after its first run, with their own R and W per request.
 */
import { describe, expect, it } from 'vitest';
import { ClusterPool, clusterKeyOf } from '../bench/cluster-pool.js';
import { measureRun, type RunSpec } from '../bench/run.js';
import { byCluster } from '../bench/suite.js';

const spec = (overrides: Partial<RunSpec>): RunSpec => ({
  ops: 10,
  N: 1,
  W: 1,
  R: 1,
  nodes: 1,
  concurrency: 1,
  coordination: 'node',
  rateOpsPerS: undefined,
  keys: 4,
  valueBytes: 10,
  readRatio: 0.5,
  seed: 1,
  vnodes: 8,
  timeoutMs: 2000,
  warmupOps: 0,
  ...overrides,
});

describe('bench cluster pool', () => {
  it('a cluster is keyed by everything Cluster.start takes but R and W', () => {
    expect(clusterKeyOf(spec({ R: 1, W: 1 }))).toBe(clusterKeyOf(spec({ R: 1, W: 1, concurrency: 64, ops: 5, seed: 9 })));
    expect(clusterKeyOf(spec({ N: 3, R: 1, W: 3, nodes: 5 }))).toBe(clusterKeyOf(spec({ N: 3, R: 2, W: 2, nodes: 5 })));
    expect(clusterKeyOf(spec({ coordination: 'client' }))).not.toBe(clusterKeyOf(spec({})));
    expect(clusterKeyOf(spec({ nodes: 2 }))).not.toBe(clusterKeyOf(spec({})));
    expect(clusterKeyOf(spec({ valueBytes: 2 * 1024 * 1024 }))).not.toBe(clusterKeyOf(spec({})));
  });

  it('byCluster groups runs by cluster, groups in order of their first run, runs in their order', () => {
    const runs = [
      { spec: spec({ N: 3, nodes: 5 }), label: 'a' },
      { spec: spec({ N: 5, nodes: 5 }), label: 'b' },
      { spec: spec({ N: 3, nodes: 5, R: 2 }), label: 'c' },
      { spec: spec({ N: 5, nodes: 5, coordination: 'client' }), label: 'd' },
      { spec: spec({ N: 5, nodes: 5, W: 3 }), label: 'e' },
    ];
    expect(byCluster(runs).map((group) => group.map((run) => run.label))).toEqual([['a', 'c'], ['b', 'e'], ['d']]);
  });

  it('keeps one cluster: the same key reuses it (warm), another stops it and starts anew', async () => {
    const pool = new ClusterPool();
    try {
      const first = await pool.acquire(spec({}));
      expect(first.warm).toBe(false);
      await first.cluster.put('k', 'v');
      const again = await pool.acquire(spec({ concurrency: 4 }));
      expect(again.warm).toBe(true);
      expect(again.cluster).toBe(first.cluster);
      expect((await again.cluster.get('k')).values).toEqual(['v']);
      const other = await pool.acquire(spec({ coordination: 'client' }));
      expect(other.warm).toBe(false);
      expect(other.cluster).not.toBe(first.cluster);
      // The first one stopped when the second started.
      await expect(first.cluster.get('k')).rejects.toThrow();
      expect(pool.started).toBe(2);
    } finally {
      await pool.close();
    }
  });
});

describe('bench runs on a shared cluster', () => {
  it('a run after another on the same cluster starts with one version per key: no sibling reads', async () => {
    const pool = new ClusterPool();
    const silent = { start: () => undefined, advance: () => undefined, done: () => undefined };
    try {
      const shape = spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 60, keys: 4, seed: 3 });
      const first = await measureRun(shape, null, silent, 'first', pool);
      const second = await measureRun({ ...shape, seed: 4, R: 3, W: 3 }, null, silent, 'second', pool);
      expect(pool.started).toBe(1);
      expect(first.phase.siblingReads).toBe(0);
      expect(second.phase.siblingReads).toBe(0);
      expect(second.summary.R).toBe(3);
      expect(Object.keys(second.phase.errors)).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
