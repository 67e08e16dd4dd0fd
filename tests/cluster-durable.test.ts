/**
 * Durable nodes through the public API: a node stopped and started again, and a new cluster
 * on the same directory, come back with their data and hints and mint under new actors; a
 * directory or environment that cannot be used is refused with a STORAGE error naming it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, type ClusterOptions, type InspectEntry } from '../src/index.js';
import { eventually } from './helpers/eventually.js';
import { rejection } from './helpers/rejection.js';

const CHILD = fileURLToPath(new URL('./fixtures/durable-child.mjs', import.meta.url));
const dirs: string[] = [];
let clusters: Cluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.map((c) => c.stop().catch(() => undefined)));
  clusters = [];
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynamo-durable-test-'));
  dirs.push(dir);
  return dir;
}

async function start(options: ClusterOptions): Promise<Cluster> {
  const cluster = await Cluster.start(options);
  clusters.push(cluster);
  return cluster;
}

const holders = (entries: InspectEntry[]): string[] => entries.filter((e) => !e.hintFor).map((e) => e.node).sort();

describe('durable nodes', () => {
  it('a node stopped and started again holds its keys at once, where a node in memory holds none', async () => {
    const dir = freshDir();
    for (const storage of [{ kind: 'memory' } as const, { kind: 'lmdb', dir } as const]) {
      const c = await start({ nodes: 3, n: 3, w: 3, antiEntropyIntervalMs: 0, storage });
      for (let i = 0; i < 20; i++) await c.put(`key-${i}`, { i });
      await c.stopNode('node-2');
      await c.startNode('node-2');
      // No anti-entropy, and nothing read: what node-2 holds is what it kept.
      const held = await Promise.all(Array.from({ length: 20 }, (_, i) => c.inspect(`key-${i}`)));
      const node2 = held.filter((entries) => holders(entries).includes('node-2')).length;
      const node = (await c.stats()).nodes.find((n) => n.nodeId === 'node-2');
      if (storage.kind === 'memory') {
        expect(node2).toBe(0);
        expect(node?.storage).toBeNull();
      } else {
        expect(node2).toBe(20);
        expect(node?.storage?.boot).toBe(2);
        expect(node?.actorId).toMatch(/~2\.[0-9a-f]{8}$/);
      }
      await c.stop();
    }
  });

  it.each(['commit', 'flush'] as const)('with durability %s, a new cluster on the same directory reads every key, and its writes never reuse an earlier actor', async (durability) => {
    const dir = freshDir();
    const options: ClusterOptions = { nodes: 3, n: 3, r: 3, w: 3, antiEntropyIntervalMs: 0, storage: { kind: 'lmdb', dir, durability } };
    const first = await start(options);
    const earlierActors = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const written = await first.put(`key-${i}`, `first-${i}`);
      for (const actor of Object.keys(written.context.clock)) earlierActors.add(actor);
    }
    await first.stop();
    const second = await start(options);
    for (let i = 0; i < 30; i++) {
      const read = await second.get(`key-${i}`);
      expect(read.values).toEqual([`first-${i}`]);
      await second.put(`key-${i}`, `second-${i}`, { context: read.context });
      const versions = (await second.inspect(`key-${i}`)).flatMap((e) => e.versions);
      expect(versions.map((v) => v.value)).toEqual([`second-${i}`, `second-${i}`, `second-${i}`]);
      for (const v of versions) expect(earlierActors.has(v.dot.actor)).toBe(false);
    }
    const nodes = (await second.stats()).nodes;
    expect(nodes.map((n) => n.storage?.boot)).toEqual([2, 2, 2]);
    // Every write the nodes made is safe by now: each was acknowledged, and none before it was safe.
    for (const node of nodes) expect(node.storage?.safeWrites).toBe(node.storage?.writes);
  });

  it('a fallback keeps its hint across a restart, and delivers it after the heal', async () => {
    const c = await start({ nodes: 5, n: 3, r: 2, w: 2, antiEntropyIntervalMs: 0, storage: { kind: 'lmdb', dir: freshDir() } });
    await c.put('user:1', 'probe');
    const owners = holders(await eventually(() => c.inspect('user:1'), (e) => e.length === 3));
    const cutOff = owners[0] ?? '';
    await c.partition([[cutOff], c.nodeIds.filter((id) => id !== cutOff)]);
    const read = await c.get('user:1');
    await c.put('user:1', 'alice', { context: read.context });
    const holdsAlice = (x: InspectEntry): boolean => x.hintFor === cutOff && x.versions.some((v) => v.value === 'alice');
    const fallback = (await eventually(() => c.inspect('user:1'), (e) => e.some(holdsAlice))).find(holdsAlice)?.node ?? '';
    await c.stopNode(fallback);
    await c.startNode(fallback);
    expect((await c.inspect('user:1')).some((x) => x.node === fallback && holdsAlice(x))).toBe(true);
    await c.heal();
    const healed = await eventually(
      () => c.inspect('user:1'),
      (e) => !e.some((x) => x.hintFor) && e.find((x) => x.node === cutOff)?.versions[0]?.value === 'alice',
      { timeoutMs: 10_000 },
    );
    expect(healed.find((x) => x.node === cutOff)?.versions.map((v) => v.value)).toEqual(['alice']);
  });
});

describe('durable storage refuses what it cannot use, with a STORAGE error naming the path', () => {
  it.each([
    [{ kind: 'disk' }, /storage.kind must be 'memory' or 'lmdb', got "disk"/],
    [{ kind: 'lmdb' }, /storage.dir must be a directory path/],
    [{ kind: 'lmdb', dir: '/tmp/x', durability: 'fsync' }, /storage.durability must be 'commit' or 'flush', got "fsync"/],
    [{ kind: 'lmdb', dir: '/tmp/x', path: '/tmp/y' }, /unknown option 'storage.path'/],
    ['lmdb', /storage must be an object/],
  ])('bad option %j', async (storage, message) => {
    const error = await rejection(Cluster.start({ nodes: 1, storage } as unknown as ClusterOptions));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  });

  it('a directory holding other files', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const error = await rejection(Cluster.start({ nodes: 1, storage: { kind: 'lmdb', dir } }));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toContain(`${dir} is not empty and holds no dynamo-cluster.json`);
  });

  it("another cluster's directory: other N or virtual nodes", async () => {
    const dir = freshDir();
    await (await start({ nodes: 3, n: 3, storage: { kind: 'lmdb', dir } })).stop();
    const error = await rejection(Cluster.start({ nodes: 3, n: 2, storage: { kind: 'lmdb', dir } }));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toMatch(/holds a cluster with n=3 and vnodes=10, this one has n=2 and vnodes=10/);
  });

  it("a corrupt environment: the node's path, and no thread or process brought down", async () => {
    const dir = freshDir();
    await (await start({ nodes: 2, n: 2, storage: { kind: 'lmdb', dir } })).stop();
    writeFileSync(join(dir, 'node-2', 'data.mdb'), Buffer.alloc(64 * 1024, 0x5a));
    const error = await rejection(Cluster.start({ nodes: 2, n: 2, storage: { kind: 'lmdb', dir } }));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toContain(join(dir, 'node-2'));
    expect(error.message).toMatch(/corrupt/);
    // The environment moved aside, the node starts empty and the other keeps its data.
    rmSync(join(dir, 'node-2'), { recursive: true });
    const c = await start({ nodes: 2, n: 2, storage: { kind: 'lmdb', dir } });
    expect((await c.stats()).nodes.map((n) => n.storage?.boot).sort()).toEqual([1, 3]);
  });

  it('a directory this process may not write', () => {
    const dir = freshDir();
    const target = join(dir, 'cluster');
    mkdirSync(target);
    // Root writes anywhere: the cluster runs as another user then; anyone else meets a read-only directory.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(dir, 0o755);
    else chmodSync(target, 0o555);
    const run = spawnSync(process.execPath, [CHILD, 'start', target], { encoding: 'utf8', timeout: 60_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    chmodSync(target, 0o755);
    const report = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { started: boolean; code: string; message: string };
    expect(report.started).toBe(false);
    expect(report.code).toBe('STORAGE');
    expect(report.message).toContain(target);
    expect(report.message).toMatch(/give this process permission to write there/);
  });

  it('a full disk: writes stop being acknowledged, no thread dies, and every acknowledged write is there once space is back', () => {
    const mount = freshDir();
    // A tmpfs of 24 MB in a mount namespace of the child's own: the full disk is the child's alone.
    // The nodes keep 8 MB of it free (src/storage/disk-room.ts), and 12 MB are taken before they
    // start, so the disk is full for them after a few hundred writes.
    const namespace = process.getuid?.() === 0 ? ['-m'] : ['-r', '-m'];
    const script = `mount -t tmpfs -o size=24m tmpfs '${mount}' && exec '${process.execPath}' '${CHILD}' full-disk '${mount}'`;
    const output = execFileSync('unshare', [...namespace, 'sh', '-c', script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FILLER_BYTES: '12000000' }, stdio: ['ignore', 'pipe', 'ignore'] });
    const report = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { acked: number; failed: { code: string } | null; storageErrors: string[]; lost: string[] };
    expect(report.acked).toBeGreaterThan(0);
    expect(['TIMEOUT', 'QUORUM_FAILED']).toContain(report.failed?.code);
    expect(report.storageErrors.length).toBeGreaterThan(0);
    for (const error of report.storageErrors) expect(error).toMatch(new RegExp(`^${mount}/cluster/node-\\d: a write could not be committed`));
    expect(report.lost).toEqual([]);
  });
});
