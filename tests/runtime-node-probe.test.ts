/**
 * The probe of a durable node's environment (src/runtime/lmdb-probe.ts) runs from the main
 * thread before the node's thread opens it, under its own time limit: a probe that takes too
 * long fails the start with its own error naming the path (not a TIMEOUT of the start, whose
 * allowance is longer), and leaves no process behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TUNING } from '../src/core/config.js';
import type { NodeIdentity } from '../src/runtime/control-api.js';
import { EngineError } from '../src/runtime/engine-error.js';
import { probeSettings } from '../src/runtime/lmdb-probe.js';
import { NodeHandle } from '../src/runtime/node-handle.js';

const SLOW_PROBE = new URL('./fixtures/slow-probe.mjs', import.meta.url);
const defaults = { ...probeSettings };
const dirs: string[] = [];

afterEach(() => {
  Object.assign(probeSettings, defaults);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A node directory whose environment exists (the slow probe never reads it). */
function existingEnvironment(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dynamo-probe-test-'));
  dirs.push(dir);
  const path = join(dir, 'node-1');
  mkdirSync(path);
  writeFileSync(join(path, 'data.mdb'), '');
  return path;
}

function durable(path: string): NodeIdentity {
  return { nodeId: 'node-1', actorId: 'node-1#1', tuning: { ...DEFAULT_TUNING, n: 1, r: 1, w: 1 }, membership: { nodes: ['node-1'], epoch: 1 }, storage: { kind: 'lmdb', path, durability: 'commit' } };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the probe of a durable node', () => {
  it('a probe slower than a control call fails the start with its own error naming the path, and is gone', async () => {
    const path = existingEnvironment();
    // Longer than the 10 s of a control call: the start must wait for the probe's own verdict.
    Object.assign(probeSettings, { script: SLOW_PROBE, timeoutMs: 10_500 });
    const error = await NodeHandle.spawn(durable(path)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('STORAGE');
    expect((error as EngineError).message).toContain(`${path}: cannot open the node's LMDB environment (reading it took longer than 10500 ms)`);
    const probePid = join(path, 'data.mdb.probe-pid');
    expect(existsSync(probePid)).toBe(true);
    expect(isRunning(Number(readFileSync(probePid, 'utf8')))).toBe(false);
  }, 30_000);

  it('a pooled thread given a durable node probes it first too: a slow probe ends the start with its error, and is gone', async () => {
    const path = existingEnvironment();
    Object.assign(probeSettings, { script: SLOW_PROBE, timeoutMs: 1000 });
    const thread = await (await NodeHandle.spawn({ ...durable(path), storage: undefined })).release();
    if (thread === null) throw new Error('the thread did not retire');
    const exited = new Promise((resolve) => thread.worker.once('exit', resolve));
    const error = await NodeHandle.adopt(thread, durable(path)).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as EngineError).code).toBe('STORAGE');
    expect((error as EngineError).message).toContain(`${path}: cannot open the node's LMDB environment (reading it took longer than 1000 ms)`);
    expect(isRunning(Number(readFileSync(join(path, 'data.mdb.probe-pid'), 'utf8')))).toBe(false);
    // A thread whose node could not start is not handed out again.
    await exited;
  }, 30_000);
});
