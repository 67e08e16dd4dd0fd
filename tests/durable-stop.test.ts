/**
 * A clean stop of a durable node waits for its writes to be safe: with durability 'flush',
 * for a commit and its disk sync however long they take within the stop's allowance (10 s for
 * a durable node), instead of giving up on the node after a second.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { Cluster, NodeThreads, type ClusterOptions } from '../src/index.js';

const HOLD_WRITER = fileURLToPath(new URL('./fixtures/hold-lmdb-writer.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Another process takes the environment's writer lock for `ms`: the node's commits wait meanwhile. */
async function holdWriterLock(file: string, ms: number): Promise<{ ended: Promise<unknown> }> {
  const holder = spawn(process.execPath, [HOLD_WRITER, file, String(ms)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ended = new Promise((resolve) => holder.once('exit', resolve));
  for (let i = 0; i < 500 && !existsSync(`${file}.holding`); i++) await pause(10);
  expect(existsSync(`${file}.holding`)).toBe(true);
  return { ended };
}

it("stopping a 'flush' node whose commit is held up past a second waits for it: the node stops cleanly, and the write is there after", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynamo-stop-test-'));
  dirs.push(dir);
  const threads = new NodeThreads();
  const options: ClusterOptions = { nodes: 1, n: 1, r: 1, w: 1, antiEntropyIntervalMs: 0, threads, storage: { kind: 'lmdb', dir, durability: 'flush' } };
  try {
    const cluster = await Cluster.start(options);
    const holder = await holdWriterLock(join(dir, 'node-1', 'data.mdb'), 2500);
    // Not acknowledged before its commit: it may time out meanwhile, and is kept all the same.
    const put = cluster.put('k', 'kept').catch((error: unknown) => error);
    await pause(200);
    expect((await cluster.stats()).nodes[0]?.storage).toMatchObject({ writes: 1, safeWrites: 0 });
    const stopping = performance.now();
    await cluster.stop();
    // The stop waited for the commit, which waited for the lock; the node answered that it
    // stopped, and its thread went back to the pool (given up on after a second, it was
    // terminated instead).
    expect(performance.now() - stopping).toBeGreaterThan(1500);
    expect(threads.idle).toBe(1);
    await put;
    await holder.ended;
    const again = await Cluster.start(options);
    expect((await again.get('k')).values).toEqual(['kept']);
    await again.stop();
  } finally {
    await threads.close();
  }
}, 60_000);
