/**
 * End to end: a host program started with common Node flags starts worker threads with the
 * flags workerExecArgv() chooses. Each host is a real `node` child process, bounded by a
 * timeout. The children import src/util/worker-argv.ts compiled on its own into a scratch
 * directory (TypeScript's transpileModule), not dist/, which may be stale or mid-rebuild.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../src/util/worker-argv.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CHILD_TIMEOUT_MS = 20_000;
const SWEEP_TIMEOUT_MS = 50_000;

let scratch = '';
let compiled = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'dynamo-node-flags-'));
  const { outputText } = ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  compiled = join(scratch, 'worker-argv.mjs');
  writeFileSync(compiled, outputText);
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runNode(args: readonly string[], timeoutMs = CHILD_TIMEOUT_MS): ChildRun {
  const run = spawnSync(process.execPath, args, {
    cwd: scratch,
    env: { ...process.env, WORKER_ARGV_MODULE: compiled, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The `RESULT {json}` line a fixture prints; --trace-gc writes its own lines around it. */
function resultOf(run: ChildRun): unknown {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (run.status !== 0 || line === undefined) {
    throw new Error(`child exited ${String(run.status)} without a result:\n${run.stderr.slice(0, 2000)}`);
  }
  return JSON.parse(line.slice('RESULT '.length));
}

/** What tests/fixtures/report-worker.mjs reports from inside a worker. */
interface SeenByWorker {
  execArgv: string[];
  title: string;
  gc: string;
  heapLimitMb: number;
  preloaded: boolean;
  imported: boolean;
}

/** The flags the host chose for its workers, and what its eval worker and file worker saw. */
interface HostRun {
  execArgv: string[];
  eval: SeenByWorker;
  file: SeenByWorker;
}

function startWorkersUnder(hostFlags: readonly string[]): HostRun {
  return resultOf(runNode([...hostFlags, join(FIXTURES, 'start-worker.mjs')])) as HostRun;
}

/** Both workers of a host run, so that every check holds for an eval worker and a file worker. */
function workersOf(run: HostRun): SeenByWorker[] {
  return [run.eval, run.file];
}

describe('node flags - a host started with V8 or per-process flags still starts its workers', () => {
  it("starts workers under --max-old-space-size=256, whose heap limit is the host's", () => {
    const run = startWorkersUnder(['--max-old-space-size=256']);
    expect(run.execArgv).toEqual([]);
    for (const seen of workersOf(run)) {
      // The V8 flag is process-wide: it limits each worker's old space to 256 MB too.
      expect(seen.heapLimitMb).toBeGreaterThanOrEqual(256);
      expect(seen.heapLimitMb).toBeLessThan(512);
    }
  });

  it('starts workers under --expose-gc, which have gc() as the host does', () => {
    const run = startWorkersUnder(['--expose-gc']);
    expect(run.execArgv).toEqual([]);
    for (const seen of workersOf(run)) expect(seen.gc).toBe('function');
  });

  it('starts workers under --stack-size=2000', () => {
    expect(startWorkersUnder(['--stack-size=2000']).execArgv).toEqual([]);
  });

  it('starts workers under --title=dynamo-test, and under --title dynamo-test with the value apart', () => {
    for (const flags of [['--title=dynamo-test'], ['--title', 'dynamo-test']]) {
      const run = startWorkersUnder(flags);
      expect(run.execArgv).toEqual([]);
      for (const seen of workersOf(run)) expect(seen.title).toBe('dynamo-test');
    }
  });

  it('starts workers under --trace-gc', () => {
    expect(startWorkersUnder(['--trace-gc']).execArgv).toEqual([]);
  });

  it('starts workers under all of them mixed with --enable-source-maps and --no-warnings, which they keep', () => {
    const run = startWorkersUnder([
      '--max-old-space-size=256', '--enable-source-maps', '--expose-gc', '--stack-size=2000',
      '--title=dynamo-test', '--no-warnings', '--trace-gc',
    ]);
    expect(run.execArgv).toEqual(['--enable-source-maps', '--no-warnings']);
    for (const seen of workersOf(run)) {
      expect(seen.execArgv).toEqual(['--enable-source-maps', '--no-warnings']);
      expect(seen.gc).toBe('function');
      expect(seen.title).toBe('dynamo-test');
    }
  });
});

describe('node flags - options a worker accepts reach it, values included', () => {
  it('passes -r, --import, --loader and --conditions with their values apart, and the preloads run', () => {
    const preload = join(FIXTURES, 'preload.cjs');
    const imported = pathToFileURL(join(FIXTURES, 'preload.mjs')).href;
    const loader = pathToFileURL(join(FIXTURES, 'loader.mjs')).href;
    const flags = ['-r', preload, '--import', imported, '--loader', loader, '--conditions', 'development'];
    const run = startWorkersUnder(['--expose-gc', ...flags, '--no-warnings']);
    expect(run.execArgv).toEqual([...flags, '--no-warnings']);
    for (const seen of workersOf(run)) {
      expect(seen.execArgv).toEqual([...flags, '--no-warnings']);
      expect(seen.preloaded).toBe(true);
    }
    // Node 20 runs --import modules before a worker's file, not before inline worker code.
    expect(run.file.imported).toBe(true);
  });

  it('leaves out the inline script of a host run with --input-type=module -e, and keeps the rest', () => {
    const script = `await import(${JSON.stringify(pathToFileURL(join(FIXTURES, 'start-worker.mjs')).href)});`;
    const run = resultOf(runNode(['--input-type=module', '--expose-gc', '--enable-source-maps', '-e', script])) as HostRun;
    expect(run.execArgv).toEqual(['--enable-source-maps']);
    for (const seen of workersOf(run)) expect(seen.gc).toBe('function');
  });
});

/** Values for the options in process.allowedNodeEnvironmentFlags that take one. */
function valueFor(flag: string): string | undefined {
  const values: Record<string, string> = {
    '--conditions': 'development', '-C': 'development', '--diagnostic-dir': scratch, '--disable-proto': 'delete',
    '--disable-warning': 'DEP0040', '--dns-result-order': 'ipv4first', '--experimental-default-type': 'commonjs',
    '--experimental-loader': pathToFileURL(join(FIXTURES, 'loader.mjs')).href,
    '--loader': pathToFileURL(join(FIXTURES, 'loader.mjs')).href,
    '--experimental-policy': join(scratch, 'policy.json'), '--policy-integrity': 'sha256-AAAA',
    '--heap-prof-dir': scratch, '--heap-prof-interval': '524288', '--heap-prof-name': 'worker.heapprofile',
    '--heapsnapshot-near-heap-limit': '1', '--heapsnapshot-signal': 'SIGUSR2', '--icu-data-dir': scratch,
    '--import': pathToFileURL(join(FIXTURES, 'preload.mjs')).href, '--input-type': 'module', '--inspect-port': '0',
    '--debug-port': '0', '--inspect-publish-uid': 'stderr', '--max-http-header-size': '16384',
    '--max-old-space-size': '256', '--max-semi-space-size': '16', '--stack-trace-limit': '20',
    '--network-family-autoselection-attempt-timeout': '250', '--openssl-config': '/dev/null',
    '--redirect-warnings': join(scratch, 'warnings.txt'), '--report-dir': scratch, '--report-directory': scratch,
    '--report-filename': 'report.json', '--report-signal': 'SIGUSR2', '--require': join(FIXTURES, 'preload.cjs'),
    '-r': join(FIXTURES, 'preload.cjs'), '--secure-heap': '0', '--secure-heap-min': '2', '--snapshot-blob': join(scratch, 'blob'),
    '--test-reporter': 'spec', '--test-reporter-destination': 'stdout', '--test-shard': '1/2', '--title': 'dynamo-test',
    '--tls-cipher-list': 'DEFAULT', '--tls-keylog': join(scratch, 'keylog.txt'), '--trace-event-categories': 'node',
    '--trace-event-file-pattern': 'trace.log', '--trace-require-module': 'all', '--unhandled-rejections': 'strict',
    '--use-largepages': 'off', '--v8-pool-size': '2', '--watch-path': scratch, '--allow-fs-read': '*', '--allow-fs-write': '*',
  };
  return values[flag];
}

interface SweepVerdict {
  execArgv: string[];
  kept: string[];
  accepted: boolean;
  readsOn: boolean;
  keptStarts: boolean;
}

/** Options workerExecArgv() leaves out although a Worker would take them: see MAIN_SCRIPT_ONLY. */
const MAIN_SCRIPT_ONLY = new Set(['--input-type', '--inspect-brk', '--inspect-wait', '--prof-process']);

describe('node flags - every option Node allows in NODE_OPTIONS, checked against a real Worker', () => {
  it('keeps exactly the options a Worker accepts, and the kept list always starts a worker', () => {
    const cases = [...process.allowedNodeEnvironmentFlags].sort().flatMap((flag) => {
      const value = valueFor(flag);
      return value === undefined ? [[flag]] : [[`${flag}=${value}`], [flag, value]];
    });
    // A few V8 flags that are not allowed in NODE_OPTIONS, and a flag no Node knows.
    cases.push(['--stack-size=2000'], ['--trace-gc'], ['--harmony'], ['--dynamo-not-a-flag']);
    const casesFile = join(scratch, 'cases.json');
    writeFileSync(casesFile, JSON.stringify(cases));
    writeFileSync(join(scratch, 'policy.json'), JSON.stringify({ onerror: 'log', resources: {} }));

    const verdicts = resultOf(runNode([join(FIXTURES, 'flag-sweep.mjs'), casesFile], SWEEP_TIMEOUT_MS)) as SweepVerdict[];

    expect(verdicts).toHaveLength(cases.length);
    for (const v of verdicts) {
      const name = (v.execArgv[0] ?? '').split('=')[0] ?? '';
      const expected = v.accepted && v.readsOn && !MAIN_SCRIPT_ONLY.has(name) ? v.execArgv : [];
      expect({ execArgv: v.execArgv, kept: v.kept }).toEqual({ execArgv: v.execArgv, kept: expected });
      expect({ execArgv: v.execArgv, keptStarts: v.keptStarts }).toEqual({ execArgv: v.execArgv, keptStarts: true });
    }
    // The sweep must have seen both kinds, or it proves nothing.
    expect(verdicts.filter((v) => v.kept.length > 0).length).toBeGreaterThan(50);
    expect(verdicts.filter((v) => !v.accepted).length).toBeGreaterThan(20);
  }, 60_000);
});

describe('a whole cluster under the host flags that broke it', () => {
  // The built library, as an embedding program imports it (the test command builds first).
  const library = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
  const program = [
    `import { Cluster } from ${JSON.stringify(library)};`,
    'const cluster = await Cluster.start({ nodes: 3 });',
    "await cluster.put('k', 'v');",
    "const { values } = await cluster.get('k');",
    'await cluster.stop();',
    "console.log('RESULT ' + JSON.stringify(values));",
  ].join('\n');

  it('Cluster.start works in a program run inline under --max-old-space-size, --expose-gc, --stack-size, --title and --trace-gc', () => {
    const flags = ['--max-old-space-size=256', '--expose-gc', '--stack-size=2000', '--title=dynamo-flags', '--trace-gc', '--input-type=module', '-e', program];
    expect(resultOf(runNode(flags))).toEqual(['v']);
  });
});
