import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BenchArgsError, MAX_VALUE_BYTES, parseBenchArgs, readPackageVersion } from '../bench/args.js';
import type { BenchArgs } from '../bench/args.js';

const fixedSeed = { randomSeed: () => 424242 };

function run(...argv: string[]): BenchArgs {
  const command = parseBenchArgs(argv, fixedSeed);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.args;
}

function errorOf(...argv: string[]): BenchArgsError {
  try {
    parseBenchArgs(argv, fixedSeed);
  } catch (error) {
    if (error instanceof BenchArgsError) return error;
    throw error;
  }
  throw new Error(`expected a BenchArgsError for ${argv.join(' ')}`);
}

describe('bench args - defaults', () => {
  it('warms up three times as long as the run measures, from 200 to 60000 operations; each suite cluster 200; --warmup wins', () => {
    expect(run('50').warmupOps).toBe(200);
    expect(run('500').warmupOps).toBe(1500);
    expect(run('20000', '3', '2', '2').warmupOps).toBe(60000);
    expect(run('50000', '3', '2', '2').warmupOps).toBe(60000);
    expect(run('15000', '3', '2', '2', '--concurrency', '64').warmupOps).toBe(45000);
    expect(run('5000', '3', '2', '2', '--concurrency', '4').warmupOps).toBe(15000);
    expect(run('100000', '3', '2', '2', '--concurrency', '64').warmupOps).toBe(60000);
    expect(run('--suite').warmupOps).toBe(200);
    expect(run('20000', '--warmup', '0').warmupOps).toBe(0);
  });

  it('fills every default for a plain run', () => {
    expect(run('500', '5', '3', '3')).toEqual({
      mode: 'run',
      ops: 500,
      N: 5,
      W: 3,
      R: 3,
      opsGiven: true,
      nodes: 5,
      vnodes: 10,
      keys: 100,
      valueBytes: 100,
      readRatio: 0.5,
      concurrency: 1,
      rateOpsPerS: undefined,
      coordination: 'node',
      warmupOps: 1500,
      timeoutMs: 1000,
      seed: 424242,
      seedSource: 'random',
      outDir: 'reports/',
      json: false,
      baseline: true,
      hgrm: false,
      configOps: 200,
      ycsbFile: undefined,
      ycsbOverrides: [],
      chartsDir: undefined,
      storage: { kind: 'memory' },
    });
  });

  it('takes <ops> alone, as the seed\'s `real_benchmark 100`: N W R default to 3 2 2', () => {
    expect(run('100')).toMatchObject({ mode: 'run', ops: 100, N: 3, W: 2, R: 2, nodes: 5, opsGiven: true });
  });

  it('defaults nodes to max(N, 5)', () => {
    expect(run('10', '3', '2', '2').nodes).toBe(5);
    expect(run('10', '7', '2', '2').nodes).toBe(7);
  });

  it('draws a random seed when --seed is absent, and says so', () => {
    const args = parseBenchArgs(['1', '1', '1', '1']);
    expect(args.kind).toBe('run');
    if (args.kind !== 'run') return;
    expect(Number.isSafeInteger(args.args.seed)).toBe(true);
    expect(args.args.seedSource).toBe('random');
  });

  it('reads every option', () => {
    const args = run(
      '200', '3', '2', '1',
      '--nodes', '6', '--vnodes', '4', '--keys', '50', '--value-bytes', '0', '--read-ratio', '0.9',
      '--concurrency', '64', '--rate', '2500.5', '--coordination', 'client', '--warmup', '0',
      '--timeout-ms', '250', '--seed', '7', '--out', 'tmp/out', '--json',
    );
    expect(args).toMatchObject({
      ops: 200, N: 3, W: 2, R: 1, nodes: 6, vnodes: 4, keys: 50, valueBytes: 0, readRatio: 0.9,
      concurrency: 64, rateOpsPerS: 2500.5, coordination: 'client', warmupOps: 0, timeoutMs: 250,
      seed: 7, seedSource: 'given', outDir: 'tmp/out', json: true,
    });
  });

  it('--no-baseline skips the ping-pong and the floor', () => {
    expect(run('1', '1', '1', '1', '--no-baseline').baseline).toBe(false);
    expect(run('1', '1', '1', '1', '--baseline').baseline).toBe(true);
    expect(run('--suite', '--no-baseline')).toMatchObject({ mode: 'suite', baseline: false });
  });

  it('takes the last value of a repeated option', () => {
    expect(run('1', '1', '1', '1', '--keys', '5', '--keys', '6').keys).toBe(6);
  });
});

describe('bench args - modes', () => {
  it('--suite needs no positionals and defaults them to the seed run 1000 3 2 2', () => {
    expect(run('--suite')).toMatchObject({ mode: 'suite', ops: 1000, N: 3, W: 2, R: 2, opsGiven: false });
  });

  it('--suite and --ycsb use the positionals they are given: <ops> alone keeps N W R at 3 2 2', () => {
    expect(run('--suite', '300')).toMatchObject({ mode: 'suite', ops: 300, N: 3, W: 2, R: 2, opsGiven: true });
    expect(run('--suite', '300', '5', '3', '3')).toMatchObject({ ops: 300, N: 5, W: 3, R: 3 });
    expect(run('--ycsb', 'workloada', '50')).toMatchObject({ mode: 'ycsb', ops: 50, N: 3, W: 2, R: 2, opsGiven: true });
  });

  it('--ycsb takes a file and accepts positionals', () => {
    expect(run('--ycsb', 'workloads/workloada', '100', '5', '3', '3')).toMatchObject({
      mode: 'ycsb', ycsbFile: 'workloads/workloada', ops: 100, N: 5, opsGiven: true,
    });
  });

  it('--ycsb takes repeated -p name=value overrides, in order, as YCSB does', () => {
    expect(run('--ycsb', 'workloada', '-p', 'recordcount=10', '500', '-p', 'requestdistribution=uniform').ycsbOverrides).toEqual([
      { name: 'recordcount', value: '10' },
      { name: 'requestdistribution', value: 'uniform' },
    ]);
    expect(run('--ycsb', 'workloada', '-p', 'recordcount=10', '500').ops).toBe(500);
    expect(errorOf('--ycsb', 'workloada', '-p', 'recordcount').message).toBe('-p needs name=value, as YCSB\'s -p, got "recordcount"');
    expect(errorOf('100', '-p', 'recordcount=10').message).toBe('-p overrides a property of a YCSB workload: it needs --ycsb FILE');
    expect(errorOf('--ycsb', 'workloada', '-p').message).toMatch(/Not enough arguments following: p/);
  });

  it('--charts takes a directory', () => {
    expect(run('--charts', 'reports/')).toMatchObject({ mode: 'charts', chartsDir: 'reports/' });
  });

  it('--charts refuses the positionals it would ignore, naming them', () => {
    expect(errorOf('--charts', 'reports/', '100', '3', '2', '2').message).toBe(
      '--charts re-renders existing logs and runs nothing, so it takes no <ops> <N> <W> <R>: remove 100 3 2 2',
    );
    expect(errorOf('100', '--charts', 'reports/').message).toMatch(/takes no <ops> <N> <W> <R>: remove 100$/);
  });

  it('--hgrm prints one run\'s distributions: refused with the other modes and with --json', () => {
    expect(run('100', '--hgrm').hgrm).toBe(true);
    expect(errorOf('--suite', '--hgrm').message).toBe("--hgrm prints a single run's GET and PUT distributions: it does not apply to --suite");
    expect(errorOf('--ycsb', 'w', '--hgrm').message).toMatch(/does not apply to --ycsb$/);
    expect(errorOf('--charts', 'd', '--hgrm').message).toMatch(/does not apply to --charts$/);
    expect(errorOf('100', '--hgrm', '--json').message).toBe('--hgrm and --json cannot be combined: --json prints only the JSON summary');
  });

  it('refuses two modes at once', () => {
    expect(errorOf('--suite', '--charts', 'x').message).toBe('--suite and --charts cannot be combined: choose one');
  });

  it('refuses --ycsb and --charts without a value', () => {
    expect(errorOf('--ycsb').message).toMatch(/ycsb/);
    expect(errorOf('--charts').message).toMatch(/charts/);
    expect(errorOf('--ycsb', '').message).toBe('--ycsb needs a non-empty path');
  });
});

describe('bench args - help and version', () => {
  it('returns the help text instead of printing it', () => {
    const command = parseBenchArgs(['--help']);
    expect(command.kind).toBe('help');
    if (command.kind !== 'help') return;
    expect(command.text).toContain('<ops> [<N> <W> <R>]');
    expect(command.text).toContain('give N W R together, or none for 3 2 2');
    expect(command.text).toContain('node dist/bench.js 100 ');
    expect(command.text).toContain('-p name=value');
    for (const option of ['--hgrm', '--nodes', '--keys', '--value-bytes', '--read-ratio', '--concurrency', '--rate',
      '--coordination', '--warmup', '--seed', '--out', '--json', '--suite', '--ycsb', '--charts', '--vnodes',
      '--timeout-ms', '--no-baseline']) {
      expect(command.text).toContain(option);
    }
    expect(parseBenchArgs(['-h']).kind).toBe('help');
  });

  it('returns the version from package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(parseBenchArgs(['--version'])).toEqual({ kind: 'version', text: manifest.version });
    expect(readPackageVersion(import.meta.url)).toBe(manifest.version);
  });
});

describe('bench args - npm scripts for the seed\'s Makefile targets', () => {
  const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const argsOf = (name: string): BenchArgs => {
    const command = scripts[name] ?? '';
    expect(command, name).toMatch(/^node dist\/bench\.js /);
    return run(...command.replace(/^node dist\/bench\.js /, '').split(' '));
  };

  it('bench is the seed\'s real_benchmark run, suite its 24 configurations, graphs re-renders what both wrote', () => {
    expect(argsOf('bench')).toMatchObject({ mode: 'run', ops: 1000, N: 3, W: 2, R: 2 });
    expect(argsOf('suite')).toMatchObject({ mode: 'suite' });
    const graphs = argsOf('graphs');
    expect(graphs.mode).toBe('charts');
    expect(graphs.chartsDir).toBe(argsOf('bench').outDir);
    expect(graphs.chartsDir).toBe(argsOf('suite').outDir);
  });
});

describe('bench args - validation', () => {
  const cases: [string[], string][] = [
    [[], 'missing <ops> (usage: node dist/bench.js <ops> [<N> <W> <R>] [options], or --help)'],
    [['10', '3'], 'missing W, R: give <ops> alone (N W R then default to 3 2 2) or all of <ops> <N> <W> <R>'],
    [['10', '3', '2'], 'missing R: give <ops> alone (N W R then default to 3 2 2) or all of <ops> <N> <W> <R>'],
    [['--suite', '10', '3'], 'missing W, R: give <ops> alone (N W R then default to 3 2 2) or all of <ops> <N> <W> <R>'],
    [['--ycsb', 'w', '10', '3', '2'], 'missing R: give <ops> alone (N W R then default to 3 2 2) or all of <ops> <N> <W> <R>'],
    [['0', '3', '2', '2'], 'ops must be at least 1, got 0'],
    [['abc', '3', '2', '2'], 'ops must be a number, got "abc"'],
    [['1.5', '3', '2', '2'], 'ops must be an integer, got "1.5"'],
    [['10', '0', '1', '1'], 'N must be at least 1, got 0'],
    [['10', '3x', '2', '2'], 'N must be a number, got "3x"'],
    [['10', '3', '4', '2'], 'W (4) must not exceed N (3)'],
    [['10', '3', '0', '2'], 'W must be at least 1, got 0'],
    [['10', '3', '2', '4'], 'R (4) must not exceed N (3)'],
    [['10', '3', '2', '-1'], 'R must be at least 1, got -1'],
    [['10', '6', '2', '2', '--nodes', '5'], 'N (6) must not exceed --nodes (5)'],
    [['10', '3', '2', '2', '--nodes', 'five'], '--nodes must be a number, got "five"'],
    [['10', '3', '2', '2', '--keys', '0'], '--keys must be at least 1, got 0'],
    [['10', '3', '2', '2', '--keys', '0x10'], '--keys must be a number, got "0x10"'],
    [['10', '3', '2', '2', '--vnodes', '0'], '--vnodes must be at least 1, got 0'],
    [['10', '3', '2', '2', '--concurrency', '0'], '--concurrency must be at least 1, got 0'],
    [['10', '3', '2', '2', '--concurrency', '2.5'], '--concurrency must be an integer, got "2.5"'],
    [['10', '3', '2', '2', '--rate', '0'], '--rate must be greater than 0, got 0'],
    [['10', '3', '2', '2', '--rate', 'fast'], '--rate must be a number, got "fast"'],
    [['10', '3', '2', '2', '--read-ratio', '1.5'], '--read-ratio must be between 0 and 1, got 1.5'],
    [['10', '3', '2', '2', '--read-ratio', '-0.1'], '--read-ratio must be between 0 and 1, got -0.1'],
    [['10', '3', '2', '2', '--value-bytes', '-1'], '--value-bytes must be at least 0, got -1'],
    [['10', '3', '2', '2', '--value-bytes', String(MAX_VALUE_BYTES + 1)],
      `--value-bytes must be at most ${MAX_VALUE_BYTES} (1 MiB), got ${MAX_VALUE_BYTES + 1}`],
    [['10', '3', '2', '2', '--warmup', '-1'], '--warmup must be at least 0, got -1'],
    [['10', '3', '2', '2', '--timeout-ms', '0'], '--timeout-ms must be at least 1, got 0'],
    [['10', '3', '2', '2', '--seed', 'x'], '--seed must be a number, got "x"'],
    [['10', '3', '2', '2', '--seed', '-3'], '--seed must be at least 0, got -3'],
    [['10', '3', '2', '2', '--coordination', 'both'], '--coordination must be "node" or "client", got "both"'],
    [['10', '3', '2', '2', '--bogus'], 'Unknown argument: bogus'],
    [['10', '3', '2', '2', '5'], 'Unknown argument: 5'],
    [['10', '3', '2', '2', '--keys'], 'Not enough arguments following: keys'],
  ];

  for (const [argv, message] of cases) {
    it(`refuses "${argv.join(' ')}" with: ${message}`, () => {
      const error = errorOf(...argv);
      expect(error.message).toBe(message);
      expect(error.message).not.toContain('\n');
      expect(error.code).toBe('BENCH_ARGS');
      expect(error.exitCode).toBe(2);
    });
  }

  it('accepts the boundaries', () => {
    expect(run('1', '1', '1', '1', '--read-ratio', '0').readRatio).toBe(0);
    expect(run('1', '1', '1', '1', '--read-ratio', '1').readRatio).toBe(1);
    expect(run('1', '3', '3', '3', '--nodes', '3').nodes).toBe(3);
    expect(run('1', '1', '1', '1', '--value-bytes', String(MAX_VALUE_BYTES)).valueBytes).toBe(MAX_VALUE_BYTES);
    expect(run('1e3', '1', '1', '1').ops).toBe(1000);
  });
});
