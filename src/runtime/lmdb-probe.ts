/**
 * Runs the probe (workers/lmdb-probe.ts) on a node's environment: resolves when a process of
 * its own read every record and exited cleanly; rejects with what went wrong otherwise (a
 * crash of that process, its error, or no answer in time). Only an environment that exists
 * is probed: a new one has nothing to read.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Reading a large environment takes time; a probe that takes longer than this is refused. */
const PROBE_TIMEOUT_MS = 120_000;

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
