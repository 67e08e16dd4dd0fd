/**
 * One user at a time of a durable cluster's directory (src/runtime/data-dir-lock.ts): a
 * directory held by another process, or by another cluster of this one, is refused with a
 * STORAGE error naming the path and the holder; a lock its holder left behind when it died is
 * taken over, even one whose process id now belongs to another process; a cluster gives its
 * directory up when it stops, and when its start fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { open } from 'lmdb';
import { startTimeOf } from '../src/runtime/data-dir-lock.js';
import { probeSettings } from '../src/runtime/lmdb-probe.js';
import { Cluster, type ClusterOptions } from '../src/index.js';
import { rejection } from './helpers/rejection.js';

const CHILD = fileURLToPath(new URL('./fixtures/durable-child.mjs', import.meta.url));
const LOCK = 'dynamo-cluster.lock';
const dirs: string[] = [];
const children: ChildProcess[] = [];
let clusters: Cluster[] = [];

const probeDefaults = { ...probeSettings };

afterEach(async () => {
  Object.assign(probeSettings, probeDefaults);
  await Promise.all(clusters.map((c) => c.stop().catch(() => undefined)));
  clusters = [];
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynamo-lock-test-'));
  dirs.push(dir);
  return dir;
}

const options = (dir: string): ClusterOptions => ({ nodes: 1, n: 1, r: 1, w: 1, antiEntropyIntervalMs: 0, storage: { kind: 'lmdb', dir } });

async function start(dir: string): Promise<Cluster> {
  const cluster = await Cluster.start(options(dir));
  clusters.push(cluster);
  return cluster;
}

/** A process that does nothing for a minute: a live process id that is not this process. */
function sleeper(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** The boot count an environment holds, read without counting one. */
async function bootOf(file: string): Promise<unknown> {
  const env = open({ path: file, readOnly: true });
  try {
    return env.openDB<unknown, string>({ name: 'meta' }).get('boot');
  } finally {
    await env.close();
  }
}

const holderOf = (dir: string): { pid: number } => JSON.parse(readFileSync(join(dir, LOCK), 'utf8')) as { pid: number };

describe('a durable cluster locks its directory', () => {
  it('a directory a cluster of another process holds is refused, naming the path and that process; free again once it stops', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, [CHILD, 'hold', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    expect(JSON.parse(await firstLine(child))).toMatchObject({ started: true });
    const error = await rejection(Cluster.start(options(dir)));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`${dir} is in use by another cluster: its lock, dynamo-cluster.lock, is held by process ${child.pid}, which is running: stop that process (or its cluster) first, or give another directory`);
    // The child stops its cluster when its stdin ends: the directory is free then.
    child.stdin!.end();
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(dir, LOCK))).toBe(false);
    await start(dir);
    expect(holderOf(dir).pid).toBe(process.pid);
  });

  it('a second cluster of this process on the same directory is refused until the first stops', async () => {
    const dir = freshDir();
    const first = await start(dir);
    const error = await rejection(Cluster.start(options(dir)));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toContain(`${dir} is in use by another cluster: its lock, dynamo-cluster.lock, is held by another cluster of this process (process ${process.pid}): stop that cluster first, or give another directory`);
    // Refused, it took nothing: the first cluster still holds the directory.
    expect(holderOf(dir).pid).toBe(process.pid);
    await first.stop();
    expect(existsSync(join(dir, LOCK))).toBe(false);
    await start(dir);
  });

  it('a start that fails after claiming the directory gives it up', async () => {
    const dir = freshDir();
    await (await start(dir)).stop();
    rmSync(join(dir, 'node-1'), { recursive: true });
    writeFileSync(join(dir, 'node-1'), 'a file where the node directory should be');
    expect((await rejection(Cluster.start(options(dir)))).code).toBe('STORAGE');
    expect(existsSync(join(dir, LOCK))).toBe(false);
    rmSync(join(dir, 'node-1'));
    await start(dir);
  });

  it('a start that fails gives the directory up only once every node it started has stopped', async () => {
    const dir = freshDir();
    const twoNodes: ClusterOptions = { ...options(dir), nodes: 2, n: 2, r: 2, w: 2 };
    await (await Cluster.start(twoNodes)).stop();
    // node-2's probe fails at once, node-1's passes 1.5 s later: its node starts then.
    Object.assign(probeSettings, { script: new URL('./fixtures/probe-refusing-node-2.mjs', import.meta.url) });
    const error = await rejection(Cluster.start(twoNodes));
    expect(error.message).toMatch(/node-2: cannot open the node's LMDB environment \(reading it failed: error: refused by the test\)/);
    // Reported only after node-1 started (its second boot) and stopped: nothing of the
    // failed start runs on in a directory given up.
    expect(existsSync(join(dir, LOCK))).toBe(false);
    expect(await bootOf(join(dir, 'node-1', 'data.mdb'))).toBe(2);
  });

  it('a cluster stopped while a node starts gives the directory up once that node has stopped', async () => {
    const dir = freshDir();
    const cluster = await start(dir);
    await cluster.stopNode('node-1');
    // node-1's probe passes after 1.5 s: the cluster stops meanwhile.
    Object.assign(probeSettings, { script: new URL('./fixtures/probe-refusing-node-2.mjs', import.meta.url) });
    const starting = cluster.startNode('node-1').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await cluster.stop();
    expect(existsSync(join(dir, LOCK))).toBe(false);
    // The start ended before the stop did: its node ran (a second boot) and stopped.
    expect(await bootOf(join(dir, 'node-1', 'data.mdb'))).toBe(2);
    expect(await starting).toMatchObject({ code: 'STOPPED' });
  });

  it('a lock left by a process killed with SIGKILL is taken over, on a directory holding nothing else too', async () => {
    const dir = freshDir();
    const dead = sleeper();
    await new Promise((resolve) => dead.once('spawn', resolve));
    const pid = dead.pid!;
    const started = startTimeOf(pid);
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid, started, token: 'dead' }));
    await start(dir);
    expect(holderOf(dir).pid).toBe(process.pid);
  });

  it("a lock naming a live process id with another start time (the id given again) is taken over; the holder's own is not", async () => {
    const dir = freshDir();
    const live = sleeper();
    await new Promise((resolve) => live.once('spawn', resolve));
    const pid = live.pid!;
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid, started: 'not-its-start-time', token: 'reused' }));
    await (await start(dir)).stop();
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid, started: startTimeOf(pid), token: 'live' }));
    const error = await rejection(Cluster.start(options(dir)));
    expect(error.code).toBe('STORAGE');
    expect(error.message).toContain(`held by process ${pid}, which is running`);
  });
});

/** The child's first line of output: it prints one once its cluster runs. */
async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) return line;
  throw new Error('the child ended without a word');
}
