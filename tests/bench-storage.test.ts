/**
 * The bench on durable nodes: `--storage lmdb`, `--data-dir`, `--durability`, `--keep-data`
 * parsed (bench/storage-args.ts), a new directory for every cluster and its removal
 * (bench/cluster-data.ts), the suite's pooled threads on LMDB, and a short real run.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs, type BenchArgs } from '../bench/args.js';
import { freshClusterData, MEMORY_SUMMARY, storageSetting } from '../bench/cluster-data.js';
import { ClusterPool } from '../bench/cluster-pool.js';
import type { BenchStorage } from '../bench/storage-args.js';
import { runBench } from './helpers/run-bench.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dynamo-bench-storage-'));

function run(...argv: string[]): BenchArgs {
  const command = parseBenchArgs(argv, { randomSeed: () => 1 });
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.args;
}

function errorOf(...argv: string[]): string {
  try {
    parseBenchArgs(argv, { randomSeed: () => 1 });
  } catch (error) {
    if (error instanceof BenchArgsError) return error.message;
    throw error;
  }
  throw new Error(`expected a BenchArgsError for ${argv.join(' ')}`);
}

const lmdb = (overrides: Partial<Extract<BenchStorage, { kind: 'lmdb' }>> = {}): BenchStorage => ({ kind: 'lmdb', durability: 'commit', dataDir: undefined, keepData: false, ...overrides });

describe('bench args - storage', () => {
  it('runs in memory by default; --storage lmdb commits by default, in a temporary directory, removed after', () => {
    expect(run('10').storage).toEqual({ kind: 'memory' });
    expect(run('10', '--storage', 'memory').storage).toEqual({ kind: 'memory' });
    expect(run('10', '--storage', 'lmdb').storage).toEqual(lmdb());
    expect(run('10', '--storage', 'lmdb', '--durability', 'flush', '--data-dir', 'data/', '--keep-data').storage).toEqual(lmdb({ durability: 'flush', dataDir: 'data/', keepData: true }));
  });

  it('applies to a run, --suite and --ycsb alike', () => {
    expect(run('--suite', '--storage', 'lmdb').storage.kind).toBe('lmdb');
    expect(run('--ycsb', 'workloada', '--storage', 'lmdb', '--durability', 'flush').storage).toEqual(lmdb({ durability: 'flush' }));
  });

  it.each([
    [['--storage', 'disk'], '--storage must be "memory" or "lmdb", got "disk"'],
    [['--storage', 'LMDB'], '--storage must be "memory" or "lmdb", got "LMDB"'],
    [['--storage', 'lmdb', '--durability', 'sync'], '--durability must be "commit" or "flush", got "sync"'],
    [['--storage', 'lmdb', '--data-dir', ' '], '--data-dir needs a non-empty path'],
    [['--durability', 'flush'], '--durability applies to durable nodes only: add --storage lmdb, or leave it out to run in memory'],
    [['--data-dir', 'd', '--keep-data'], '--data-dir and --keep-data apply to durable nodes only: add --storage lmdb, or leave them out to run in memory'],
    [['--storage', 'memory', '--data-dir', 'd'], '--data-dir applies to durable nodes only: add --storage lmdb, or leave it out to run in memory'],
  ])('%j is refused, naming the flag', (flags, message) => {
    expect(errorOf('10', ...flags)).toBe(message);
  });

  it('--charts runs no cluster, so it takes none of them', () => {
    expect(errorOf('--charts', 'reports/', '--storage', 'lmdb')).toBe('--storage lmdb: --charts re-renders existing logs and runs no cluster');
    expect(errorOf('--charts', 'reports/', '--durability', 'flush')).toBe('--durability: --charts re-renders existing logs and runs no cluster');
  });

  it('--help explains every flag, and says that --suite and --ycsb take them too', () => {
    const help = parseBenchArgs(['--help']);
    if (help.kind !== 'help') throw new Error('expected the help');
    for (const flag of ['--storage', '--data-dir', '--durability', '--keep-data']) expect(help.text).toContain(flag);
    expect(help.text).toMatch(/for\s+a run, --suite and --ycsb alike/);
  });
});

describe('bench cluster data - a new directory for every cluster', () => {
  it('memory needs none', async () => {
    const data = await freshClusterData({ kind: 'memory' });
    expect(data.option).toBeUndefined();
    expect(data.summary).toEqual(MEMORY_SUMMARY);
    expect(storageSetting({ kind: 'memory' })).toEqual({ kind: 'memory', durability: null, data_dir: null, kept: false });
  });

  it('--data-dir: a new subdirectory each time (the parent made if missing), removed on release; the parent and its other files stay', async () => {
    const parent = join(tempDir(), 'made', 'here');
    const first = await freshClusterData(lmdb({ dataDir: parent, durability: 'flush' }));
    const second = await freshClusterData(lmdb({ dataDir: parent, durability: 'flush' }));
    expect(first.summary.dir).not.toBe(second.summary.dir);
    expect(dirname(first.summary.dir ?? '')).toBe(parent);
    expect(first.summary).toMatchObject({ kind: 'lmdb', durability: 'flush', temporary: false, kept: false });
    expect(first.option).toEqual({ kind: 'lmdb', dir: first.summary.dir, durability: 'flush' });
    expect(readdirSync(first.summary.dir ?? '')).toEqual([]);
    writeFileSync(join(parent, 'mine.txt'), 'not the bench\'s');
    await first.release();
    await second.release();
    expect(readdirSync(parent)).toEqual(['mine.txt']);
  });

  it('without --data-dir: a new temporary directory; --keep-data leaves it', async () => {
    const data = await freshClusterData(lmdb({ keepData: true }));
    const dir = data.summary.dir ?? '';
    expect(dirname(dir)).toBe(tmpdir());
    expect(data.summary).toMatchObject({ temporary: true, kept: true });
    await data.release();
    expect(existsSync(dir)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('a --data-dir that cannot hold directories is the user\'s mistake, named', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    await expect(freshClusterData(lmdb({ dataDir: join(file, 'sub') }))).rejects.toThrow(new BenchArgsError(`--data-dir ${join(file, 'sub')} cannot hold the clusters' data: ${file} is a file, not a directory`));
  });
});

describe('bench cluster pool on LMDB', { timeout: 60_000 }, () => {
  it('each cluster in its own new directory, gone once it stops; the next one\'s nodes reopen theirs on the pooled threads', async () => {
    const parent = tempDir();
    const pool = new ClusterPool(lmdb({ dataDir: parent }));
    const shape = { nodes: 3, N: 3, W: 2, R: 2, vnodes: 8, coordination: 'node', timeoutMs: 5000, valueBytes: 10 } as const;
    try {
      const first = await pool.acquire(shape);
      await first.cluster.put('k', 'v1');
      expect(readdirSync(first.storage.dir ?? '').sort()).toEqual(['dynamo-cluster.json', 'dynamo-cluster.lock', 'node-1', 'node-2', 'node-3']);
      // Another shape: the first cluster stops and its directory goes; the second starts on
      // its threads (warm: no thread started anew), each node reopening an environment.
      const second = await pool.acquire({ ...shape, vnodes: 9 });
      expect(second.warm).toBe(true);
      expect(pool.started).toBe(2);
      expect(existsSync(first.storage.dir ?? '')).toBe(false);
      expect(second.storage.dir).not.toBe(first.storage.dir);
      expect((await second.cluster.get('k')).values).toEqual([]);
      await second.cluster.put('k', 'v2');
      const stats = await second.cluster.stats();
      expect(stats.nodes.map((node) => node.storage?.path.startsWith(second.storage.dir ?? '-'))).toEqual([true, true, true]);
      expect(stats.nodes.reduce((sum, node) => sum + (node.storage?.safeWrites ?? 0), 0)).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.close();
    }
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('bench CLI on LMDB', { timeout: 120_000 }, () => {
  it('a short run records lmdb in its summary, and removes the cluster\'s directory after it', async () => {
    const parent = tempDir();
    const { code, stdout, stderr } = await runBench(['200', '--storage', 'lmdb', '--data-dir', parent, '--json', '--seed', '3', '--keys', '20', '--out', tempDir()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { storage: Record<string, unknown>; errors: number; get: { count: number; hits: number }; put: { count: number } };
    expect(summary.storage).toMatchObject({ kind: 'lmdb', durability: 'commit', temporary: false, kept: false });
    expect(dirname(String(summary.storage['dir']))).toBe(parent);
    expect(summary.errors).toBe(0);
    expect(summary.get.count + summary.put.count).toBe(200);
    expect(summary.get.hits).toBe(summary.get.count);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('without --data-dir the report names the temporary directory, gone after the run; --durability flush', async () => {
    const { code, stdout } = await runBench(['200', '--storage', 'lmdb', '--durability', 'flush', '--no-baseline', '--seed', '4', '--keys', '20', '--out', tempDir()]);
    expect(code).toBe(0);
    const line = /^storage: lmdb, durability flush, in a new temporary directory, (\S+), removed after the run$/m.exec(stdout);
    expect(line, stdout).not.toBeNull();
    expect(existsSync(line?.[1] ?? '')).toBe(false);
  });

  it('--ycsb records it in its JSON too', async () => {
    const workload = join(tempDir(), 'workload');
    writeFileSync(workload, 'recordcount=50\noperationcount=100\nreadproportion=0.5\nupdateproportion=0.5\n');
    const parent = tempDir();
    const { code, stdout } = await runBench(['--ycsb', workload, '--storage', 'lmdb', '--data-dir', parent, '--json', '--seed', '5', '--out', tempDir()]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { storage: Record<string, unknown>; run: { operations: number } };
    expect(result.storage).toMatchObject({ kind: 'lmdb', durability: 'commit', temporary: false, kept: false });
    expect(result.run.operations).toBe(100);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a durable-only flag without --storage lmdb exits 2 with one line', async () => {
    const { code, stdout, stderr } = await runBench(['10', '--data-dir', tempDir()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('bench: --data-dir applies to durable nodes only: add --storage lmdb, or leave it out to run in memory\n');
  });
});
