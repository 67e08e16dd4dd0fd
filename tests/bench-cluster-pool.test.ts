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

/** A progress display that shows nothing. */
const SILENT = { start: () => undefined, advance: () => undefined, done: () => undefined };

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

  it('a new cluster is warm only when its threads and its coordination mode have all run before', async () => {
    const pool = new ClusterPool();
    try {
      expect((await pool.acquire(spec({ nodes: 2, N: 2 }))).warm).toBe(false);
      // The same threads (handed back by the cluster stopped), the same mode: compiled already.
      expect((await pool.acquire(spec({ nodes: 2, N: 1 }))).warm).toBe(true);
      // One thread more than the pool holds: that one starts from scratch.
      expect((await pool.acquire(spec({ nodes: 3, N: 1 }))).warm).toBe(false);
      // Threads enough, but the main thread has not coordinated a request yet.
      expect((await pool.acquire(spec({ nodes: 3, N: 1, coordination: 'client' }))).warm).toBe(false);
      expect((await pool.acquire(spec({ nodes: 2, N: 1, coordination: 'client' }))).warm).toBe(true);
      expect(pool.started).toBe(5);
    } finally {
      await pool.close();
    }
  });
});

describe('bench runs on a shared cluster', () => {
  it('a run after another on the same cluster starts with one version per key: no sibling reads', async () => {
    const pool = new ClusterPool();
    try {
      const shape = spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 60, keys: 4, seed: 3 });
      const first = await measureRun(shape, null, SILENT, 'first', pool);
      const second = await measureRun({ ...shape, seed: 4, R: 3, W: 3 }, null, SILENT, 'second', pool);
      expect(pool.started).toBe(1);
      expect(first.phase.siblingReads).toBe(0);
      expect(second.phase.siblingReads).toBe(0);
      expect(second.summary.R).toBe(3);
      expect(Object.keys(second.phase.errors)).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('the first run writes every key; a run after it on the same cluster reads them and writes none', async () => {
    const pool = new ClusterPool();
    try {
      const shape = spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 40, keys: 8, seed: 5, warmupOps: 10 });
      const first = await measureRun(shape, null, SILENT, 'first', pool);
      const { cluster } = await pool.acquire(shape);
      const puts = async (): Promise<number> => (await cluster.stats()).nodes.reduce((sum, node) => sum + node.puts, 0);
      const putsAfterFirst = await puts();
      // The first run: every key written, the warm-up (a new cluster: its writes, then a
      // write over any key its concurrent clients left with siblings) and the measured writes.
      const warmupPuts = putsAfterFirst - 8 - first.phase.put.totalCount;
      expect(warmupPuts).toBeGreaterThanOrEqual(0);
      expect(warmupPuts).toBeLessThanOrEqual(10 + 8);
      expect(pool.warmUps).toBe(1);
      const second = await measureRun({ ...shape, seed: 6 }, null, SILENT, 'second', pool);
      // No preload write and no warm-up: only the measured writes.
      expect((await puts()) - putsAfterFirst).toBe(second.phase.put.totalCount);
      expect(pool.warmUps).toBe(1);
      expect(second.phase.hits).toBe(second.phase.get.totalCount);
      // More keys than the runs before wrote: every key is written again.
      const beforeThird = await puts();
      const third = await measureRun({ ...shape, keys: 12, seed: 7 }, null, SILENT, 'third', pool);
      expect((await puts()) - beforeThird).toBe(12 + third.phase.put.totalCount);
    } finally {
      await pool.close();
    }
  });

  it('a run at concurrency 1 after a warm-up of many clients starts with one version per key', async () => {
    const pool = new ClusterPool();
    try {
      // Nine tenths of the warm-up run at concurrency 64 over 16 keys: writes that cross.
      const run = await measureRun(spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 20, keys: 16, seed: 10, readRatio: 0.5, warmupOps: 200 }), null, SILENT, 'run', pool);
      expect(run.phase.get.totalCount).toBeGreaterThan(0);
      expect(run.phase.siblingReads).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('reads every key once more after a warm-up at a higher concurrency than the run, and only then', async () => {
    const coordinatedGets = async (pool: ClusterPool, shape: RunSpec): Promise<number> => {
      const { cluster } = await pool.acquire(shape);
      return (await cluster.stats()).nodes.reduce((sum, node) => sum + node.gets, 0);
    };
    for (const [concurrency, extraReads] of [
      [1, 1],
      [64, 0],
    ] as const) {
      const pool = new ClusterPool();
      try {
        // Writes only: the gets a node coordinates are the preload's reads of every key (and
        // the warm-up's, after a part at concurrency 64 for a run below it).
        const shape = spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 20, keys: 8, seed: 11, readRatio: 0, concurrency, warmupOps: 200 });
        await measureRun(shape, null, SILENT, 'writes', pool);
        expect(await coordinatedGets(pool, shape)).toBe(8 * (1 + extraReads));
      } finally {
        await pool.close();
      }
    }
  });

  it('a key left with siblings by the runs before is written over them before the next run reads it', async () => {
    const pool = new ClusterPool();
    try {
      const shape = spec({ N: 3, W: 2, R: 2, nodes: 3, ops: 20, keys: 2, seed: 8 });
      await measureRun(shape, null, SILENT, 'first', pool);
      const { cluster } = await pool.acquire(shape);
      // Two writes over no context: concurrent with each other and with what the run left.
      await cluster.put('key0', 'x'.repeat(10));
      await cluster.put('key0', 'y'.repeat(10));
      expect((await cluster.get('key0', { r: 3 })).values.length).toBeGreaterThan(1);
      const readsOnly = await measureRun({ ...shape, readRatio: 1, ops: 40, seed: 9 }, null, SILENT, 'reads', pool);
      expect(readsOnly.phase.get.totalCount).toBe(40);
      expect(readsOnly.phase.siblingReads).toBe(0);
      expect((await cluster.get('key0', { r: 3 })).values.length).toBe(1);
    } finally {
      await pool.close();
    }
  });
});
