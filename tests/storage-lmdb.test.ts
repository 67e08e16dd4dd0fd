/**
 * A node's LMDB environment on its own, on this thread: what is written comes back whole when
 * it is opened again, each start counts up its boot, and what cannot be used is refused with
 * a StorageError that names the path and what to do.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Siblings } from '../src/protocol/data.js';
import { probeEnvironment } from '../src/runtime/lmdb-probe.js';
import { LmdbStores, type LmdbStoresOptions } from '../src/storage/lmdb-stores.js';
import { StorageError } from '../src/storage/storage-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function nodeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynamo-lmdb-test-'));
  dirs.push(dir);
  return join(dir, 'node-1');
}

// The worker's probe: a process of its own reads the environment through before it is opened here.
const PROBE_SCRIPT = new URL('../dist/workers/lmdb-probe.js', import.meta.url);

function options(path: string, nodeId = 'node-1'): LmdbStoresOptions {
  return { path, nodeId, durability: 'commit', progressed: () => undefined, failed: () => undefined, probe: (file) => probeEnvironment(file, PROBE_SCRIPT) };
}

function siblings(value: unknown): Siblings {
  return { versions: [{ value, deleted: false, dot: { actor: 'node-1#1~1', counter: 1, timeMs: 5 } }], context: { clock: ['node-1#1~1', 1, 5, 0] } };
}

/** Waits until every write tracked so far is committed. */
async function committed(stores: LmdbStores): Promise<void> {
  for (let i = 0; i < 1000 && stores.log.pending; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(stores.log.pending).toBe(false);
}

describe('LmdbStores', () => {
  it('brings back data and hints, any value structured clone takes, and keys longer than LMDB allows', async () => {
    const path = nodeDir();
    const longKey = 'k'.repeat(4096);
    const value = { when: new Date(7), bytes: new Uint8Array([1, 2, 3]), tags: new Map([['a', 1]]), nothing: undefined };
    const first = await LmdbStores.open(options(path));
    expect(first.boot).toBe(1);
    first.data.set('plain', siblings(value));
    first.data.set(longKey, siblings('long'));
    first.data.set('gone', siblings('soon deleted'));
    expect(first.data.delete('gone')).toBe(true);
    expect(first.data.delete('never there')).toBe(false);
    first.hints.set('node-4\u0000hinted', { key: 'hinted', owner: 'node-4', siblings: siblings('for node-4'), seq: 1 });
    // Reads before the commit see the write: the core reads its own writes inside a step.
    expect(first.data.get('plain')?.versions[0]?.value).toBe(value);
    await committed(first);
    await first.close();

    const second = await LmdbStores.open(options(path));
    expect(second.boot).toBe(2);
    expect([...second.data.keys()].sort()).toEqual([longKey, 'plain'].sort());
    expect(second.data.get('plain')?.versions[0]?.value).toEqual(value);
    expect(second.data.get(longKey)?.versions[0]?.value).toBe('long');
    expect(second.hints.get('node-4\u0000hinted')).toEqual({ key: 'hinted', owner: 'node-4', siblings: siblings('for node-4'), seq: 1 });
    await second.close();
  });

  it.each(['commit', 'flush'] as const)("with durability %s, puts every write of one event-loop turn in one transaction, and a later turn's in another", async (durability) => {
    const stores = await LmdbStores.open({ ...options(nodeDir()), durability });
    stores.data.set('a', siblings(1));
    stores.data.set('b', siblings(2));
    stores.hints.set('c', { owner: 'node-2', siblings: siblings(3) } as never);
    expect(stores.log.issued).toBe(3);
    await committed(stores);
    expect(stores.log.commits).toBe(1);
    stores.data.delete('a');
    await committed(stores);
    expect([stores.log.issued, stores.log.confirmed, stores.log.commits]).toEqual([4, 4, 2]);
    await stores.close();
  });

  it.each(['commit', 'flush'] as const)('with durability %s, packed records of one turn after another all read back as written, a large one too', async (durability) => {
    const path = nodeDir();
    const stores = await LmdbStores.open({ ...options(path), durability });
    // Same lengths, so that a record packed over an earlier one's bytes before that one was
    // written would show as the later value under the earlier key.
    const written = new Map<string, string>();
    for (let turn = 0; turn < 6; turn++) {
      for (const key of ['a', 'b', 'c']) {
        const value = `${key}${turn}`.repeat(40);
        written.set(key, value);
        stores.data.set(key, siblings(value));
      }
      await committed(stores);
    }
    const large = 'L'.repeat(100_000);
    stores.data.set('large', siblings(large));
    stores.data.set('after', siblings('after-large'));
    await committed(stores);
    await stores.close();
    const again = await LmdbStores.open({ ...options(path), durability });
    const expected: [string, string][] = [...written, ['large', large], ['after', 'after-large']];
    for (const [key, value] of expected) expect(again.data.get(key)?.versions[0]?.value).toBe(value);
    await again.close();
  });

  it('counts a boot even when nothing was written, so that every start has a new actor', async () => {
    const path = nodeDir();
    for (const expected of [1, 2, 3]) {
      const stores = await LmdbStores.open(options(path));
      expect(stores.boot).toBe(expected);
      await stores.close();
    }
  });

  it('counts the boot in one transaction: two opens of one environment at once never count the same boot', async () => {
    const path = nodeDir();
    // No probe: both opens reach the count at once, in the same turns.
    const unprobed: LmdbStoresOptions = { ...options(path), probe: () => Promise.resolve() };
    await (await LmdbStores.open(unprobed)).close();
    const both = await Promise.all([LmdbStores.open(unprobed), LmdbStores.open(unprobed)]);
    expect(both.map((stores) => stores.boot).sort()).toEqual([2, 3]);
    await Promise.all(both.map((stores) => stores.close()));
  });

  it("refuses another node's environment, naming both nodes", async () => {
    const path = nodeDir();
    await (await LmdbStores.open(options(path, 'node-1'))).close();
    const error = await LmdbStores.open(options(path, 'node-2')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(new RegExp(`${path} holds the data of node node-1, not of node-2`));
  });

  it('refuses a file that is not an LMDB environment, naming the path and what to do', async () => {
    const path = nodeDir();
    await (await LmdbStores.open(options(path))).close();
    writeFileSync(join(path, 'data.mdb'), Buffer.alloc(64 * 1024, 0x5a));
    const error = await LmdbStores.open(options(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/LMDB crashed reading it \(SIGSEGV\): the file is corrupt/);
    expect((error as Error).message).toMatch(/move it aside or delete it/);
  });

  it('refuses a file standing where the node directory should be', async () => {
    const path = nodeDir();
    writeFileSync(join(path, '..', 'node-1'), 'not a directory');
    const error = await LmdbStores.open(options(path)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/a file stands where the directory should be/);
  });
});
