/**
 * Runs the probe (workers/lmdb-probe.ts) on a node's environment: resolves when a process of
 * its own read every record and exited cleanly; rejects with what went wrong otherwise (a
 * crash of that process, its error, or no answer in time). Only an environment that exists
 * is probed: a new one has nothing to read.
 *
 * The main thread runs it, before the node's thread opens the environment (node-handle.ts):
 * a process a worker thread started would outlive the thread when the thread is terminated
 * (a failed start, a node that does not answer), since nothing runs on a terminated thread
 * to kill it; the main thread outlives every worker, and the probe's time limit ends it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageError } from '../storage/storage-error.js';
import { compiledSibling } from '../util/compiled-path.js';
import type { NodeStorage } from './control-api.js';
import { EngineError } from './engine-error.js';

/** Reading a large environment takes time; a probe that takes longer than this is refused. */
export const PROBE_TIMEOUT_MS = 120_000;

/**
 * The script and time limit of the probes the main thread runs: tests put a script of their
 * own here (one that sleeps) and a shorter limit.
 * @internal
 */
export const probeSettings: { script: URL; timeoutMs: number } = {
  script: compiledSibling(import.meta.url, '../../workers/lmdb-probe.js'),
  timeoutMs: PROBE_TIMEOUT_MS,
};

/** Probes a durable node's environment before its thread opens it; a STORAGE EngineError naming the path when it cannot be used. */
export async function probeNodeStorage(storage: NodeStorage): Promise<void> {
  try {
    await probeEnvironment(join(storage.path, 'data.mdb'), probeSettings.script, probeSettings.timeoutMs);
  } catch (error) {
    throw new EngineError('STORAGE', storageError(storage.path, 'cannot open the node\'s LMDB environment', error).message, { cause: error });
  }
}

export function probeEnvironment(file: string, script: URL, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  if (!existsSync(file)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(script), file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (said.length < 4096) said += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const lastLine = said.trim().split('\n').filter((line) => /error/i.test(line)).pop() ?? said.trim().split('\n').pop() ?? '';
      if (signal === 'SIGKILL') reject(new Error(`reading it took longer than ${timeoutMs} ms`));
      else if (signal !== null) reject(new Error(`LMDB crashed reading it (${signal}): the file is corrupt`));
      else reject(new Error(`reading it failed: ${lastLine || `exit code ${String(code)}`}`));
    });
  });
}
