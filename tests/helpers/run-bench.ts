/**
 * Runs the built bench CLI (dist/bench.js) as a user would, with a time limit so that a
 * hung run fails the test instead of stalling the suite.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BENCH = fileURLToPath(new URL('../../dist/bench.js', import.meta.url));

export interface BenchOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Another user to run as (a root test process may drop to one whom mode bits stop). */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** `node dist/bench.js ...args`, killed after `timeoutMs`. */
export function runBench(args: readonly string[], timeoutMs = 60_000, as?: RunAs): Promise<BenchOutcome> {
  return runNodeScript(BENCH, args, timeoutMs, as);
}

/** `node script ...args`, killed (and the promise rejected) after `timeoutMs`. */
export function runNodeScript(script: string, args: readonly string[], timeoutMs: number, as?: RunAs): Promise<BenchOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
