/**
 * Node controllers as real processes (`node dist/cli.js node`) on 127.0.0.1 with ports the
 * system picks, and the `dynamo` CLI run to completion: what the control-plane tests use.
 * Every process is bounded in time and killed at the end of its test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface ControllerProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM, and SIGKILL if it has not exited within 3 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Starts `dynamo node --port 0 ...extra` and resolves once it prints where it listens. */
export function startController(extra: readonly string[] = []): Promise<ControllerProcess> {
  const child = spawn(process.execPath, [CLI, 'node', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`dynamo node did not start within 10 s: ${stderr}`)), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dynamo node exited with ${code}: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolvePromise({
        port: Number(match[2]),
        url: match[1] as string,
        child,
        stderr: () => stderr,
        stop: () => stopProcess(child),
      });
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

export async function stopAllControllers(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child)));
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dynamo ...args` to its end (killed after `timeoutMs`). */
export function runCli(args: readonly string[], timeoutMs = 60_000): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A job file in the seed's format: `nodes` controllers, `perController` Dynamo nodes on each. */
export function jobToml(options: {
  readonly ports: readonly number[];
  readonly perController: number;
  readonly n?: number;
  readonly w?: number;
  readonly r?: number;
  /** Extra TOML appended inside [placement] (client entries). */
  readonly clients?: string;
  /** Extra lines for the dynamo_node entry of a node: `chaos.msg_loss = {...}`. */
  readonly nodeChaos?: Readonly<Record<string, string>>;
}): { text: string; nodeIds: string[] } {
  const { ports, perController, n = 3, w = 2, r = 2 } = options;
  const nodeIds = ports.flatMap((_, c) => Array.from({ length: perController }, (__, i) => `node${String.fromCharCode(65 + c * perController + i)}`));
  const lines = ['[[ops]]', 'name = "dynamo_node"', 'lib_name = "dynamo_new"', '', '[[ops]]', 'name = "dynamo_client"', 'lib_name = "dynamo_new"', '', '[[ops]]', 'name = "dynamo_bench_client"', 'lib_name = "dynamo_new"', ''];
  ports.forEach((port, c) => lines.push('[[nodes]]', `name = "host${c + 1}"`, 'hostname = "127.0.0.1"', `port = ${port}`, ''));
  lines.push('[placement]');
  nodeIds.forEach((id, i) => {
    lines.push('  [[placement.dynamo_node]]', `  nodename = "host${Math.floor(i / perController) + 1}"`, `  actor_name = "${id}"`, `  node_id = "${id}"`, `  nodes = [${nodeIds.map((x) => `"${x}"`).join(', ')}]`, `  N = ${n}`, `  W = ${w}`, `  R = ${r}`, '  T = 10');
    const chaos = options.nodeChaos?.[id];
    if (chaos) lines.push(`  ${chaos}`);
    lines.push('');
  });
  if (options.clients) lines.push(options.clients);
  return { text: `${lines.join('\n')}\n`, nodeIds };
}
