/**
 * The simulator CLI's parts, in process: the command line (what is refused, with which one
 * line), the tally of seeds, what a failing seed prints (its violations and the command that
 * replays it), the exit code, the summary, and the progress bar's throttling.
 */
import { describe, expect, it } from 'vitest';
import { SimArgsError, parseSimArgs, type SimArgs } from '../sim/args.js';
import { createSeedProgress } from '../sim/progress.js';
import { exitCodeOf, formatDuration, formatFailure, formatSummary, programName, replayCommand, summaryJson, type RunReport } from '../sim/report.js';
import { EMPTY_TALLY, mergeTallies, runSeeds, tallyOf, type Tally } from '../sim/tally.js';
import { runSeed } from '../src/sim/sweep.js';

const run = (argv: string[]): SimArgs => {
  const command = parseSimArgs(argv, 2);
  if (command.kind !== 'run') throw new Error(`expected a run, got ${command.kind}`);
  return command.args;
};

describe('sim args - what a run is', () => {
  it('defaults: seeds 1..1000 on every core, text summary', () => {
    expect(run([])).toEqual({ from: 1, seeds: 1000, single: false, trace: false, threads: 2, json: false });
  });

  it('--seeds, --from, --threads, --json; --seed alone, with --trace', () => {
    expect(run(['--seeds', '10000', '--from', '0', '--threads', '3', '--json'])).toEqual({ from: 0, seeds: 10000, single: false, trace: false, threads: 3, json: true });
    expect(run(['--seed', '1234'])).toMatchObject({ from: 1234, seeds: 1, single: true, trace: false });
    expect(run(['--seed', '1234', '--trace'])).toMatchObject({ from: 1234, seeds: 1, single: true, trace: true });
  });

  it('--help and --version are answers, not runs', () => {
    const help = parseSimArgs(['--help'], 2);
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toMatch(/--seeds[\s\S]*--from[\s\S]*--seed[\s\S]*--trace[\s\S]*--threads[\s\S]*--json/);
    expect(parseSimArgs(['--version'], 2).kind).toBe('version');
  });
});

describe('sim args - mistakes are one line, before anything runs', () => {
  it.each([
    [['--seeds', '0'], /^--seeds must be at least 1, got 0$/],
    [['--seeds=-5'], /^--seeds must be at least 1, got -5$/],
    [['--seeds', '2.5'], /^--seeds must be an integer, got "2.5"$/],
    [['--seeds', 'many'], /^--seeds must be an integer, got "many"$/],
    [['--seeds', '1e3'], /^--seeds must be an integer, got "1e3"$/],
    [['--from', '-1'], /^--from must be at least 0, got -1$/],
    [['--seed', 'x'], /^--seed must be an integer, got "x"$/],
    [['--seed', '99999999999999999999'], /^--seed must be a safe integer/],
    [['--threads', '0'], /^--threads must be at least 1, got 0$/],
    [['--trace'], /^--trace needs --seed S/],
    [['--seed', '3', '--seeds', '4'], /^--seed runs one seed: it cannot be combined with --seeds$/],
    [['--seed', '3', '--trace', '--json'], /^--trace and --json cannot be combined/],
    [['--from', String(Number.MAX_SAFE_INTEGER), '--seeds', '2'], /passes the largest seed/],
    [['--frobnicate'], /^Unknown argument: frobnicate$/],
    [['42'], /^Unknown argument: 42$/],
    [['--seeds'], /^Not enough arguments following: seeds$/],
  ])('%j', (argv, message) => {
    let caught: unknown;
    try {
      parseSimArgs(argv, 2);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SimArgsError);
    const { message: text, exitCode } = caught as SimArgsError;
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\n/);
    expect(exitCode).toBe(2);
  });
});

const failing: Tally = {
  ...EMPTY_TALLY,
  seeds: 1,
  failures: [
    {
      seed: 1234,
      violations: [
        { check: 'lost add', detail: 'e17 of set-b' },
        { check: 'not converged', detail: 'set-b: node-1=node-1#1:3 node-2=-' },
      ],
    },
  ],
};

describe('sim report - a failing seed', () => {
  it('prints its violations and a one-line replay command', () => {
    const text = formatFailure(failing.failures[0] as Tally['failures'][number]);
    expect(text.split('\n')).toEqual([
      'FAIL seed 1234: 2 violations',
      '  lost add: e17 of set-b',
      '  not converged: set-b: node-1=node-1#1:3 node-2=-',
      '  replay: node dist/sim.js --seed 1234 --trace',
    ]);
    expect(replayCommand(1234, 'dynamo-sim')).toBe('dynamo-sim --seed 1234 --trace');
  });

  it('shows at most ten violations and counts the rest', () => {
    const violations = Array.from({ length: 13 }, (_, i) => ({ check: 'hints left', detail: `node-${i}` }));
    const lines = formatFailure({ seed: 9, violations }).split('\n');
    expect(lines).toHaveLength(1 + 10 + 1 + 1);
    expect(lines).toContain('  ... and 3 more');
  });

  it('makes the exit code 1; no failure makes it 0', () => {
    expect(exitCodeOf(failing)).toBe(1);
    expect(exitCodeOf(mergeTallies(EMPTY_TALLY, { ...EMPTY_TALLY, seeds: 5 }))).toBe(0);
    expect(exitCodeOf(mergeTallies({ ...EMPTY_TALLY, seeds: 5 }, failing))).toBe(1);
  });

  it('a seed that throws (a broken invariant) is a failure with the error', () => {
    const tally = tallyOf(77, { error: new RangeError('node node-3 settled a local request') });
    expect(tally.failures).toEqual([{ seed: 77, violations: [{ check: 'threw', detail: 'RangeError: node node-3 settled a local request' }] }]);
    expect(exitCodeOf(tally)).toBe(1);
  });

  it('the summary names the failing seeds and the first replay; the JSON carries each replay', () => {
    const report: RunReport = { from: 1230, tally: mergeTallies({ ...EMPTY_TALLY, seeds: 9 }, failing), wallMs: 2000, threads: 2 };
    const text = formatSummary(report);
    expect(text).toMatch(/^seeds 1230\.\.1239: 10 run, 1 failed \(1234\)$/m);
    expect(text).toMatch(/^replay the first: node dist\/sim\.js --seed 1234 --trace$/m);
    const json = summaryJson(report);
    expect(json).toMatchObject({ seeds: 10, passed: 9, failed: 1, seedsPerSecond: 5, threads: 2 });
    expect(json['failures']).toEqual([{ ...failing.failures[0], replay: 'node dist/sim.js --seed 1234 --trace' }]);
  });
});

describe('sim report - tallies and the summary', () => {
  it('tallies real seeds: faults by kind, writes, virtual time; merging adds up', () => {
    const one = tallyOf(3, runSeed(3));
    const two = tallyOf(4, runSeed(4));
    const both = runSeeds(3, 2);
    expect(both).toEqual(mergeTallies(one, two));
    expect(both.seeds).toBe(2);
    expect(both.acknowledged).toBeGreaterThan(0);
    expect(both.attempted).toBeGreaterThanOrEqual(both.acknowledged);
    expect(both.virtualMs).toBeGreaterThan(2 * 4500);
    const result = runSeed(3);
    expect(Object.values(one.faults).reduce((a, b) => a + b, 0)).toBe(result.faults.length);
  });

  it('lists every fault kind, zero or not, then kinds it does not know', () => {
    const tally: Tally = { ...EMPTY_TALLY, seeds: 2, faults: { partition: 3, leave: 1, 'clock-skew': 2 }, acknowledged: 40, attempted: 50, virtualMs: 9000 };
    const text = formatSummary({ from: 1, tally, wallMs: 500, threads: 1 });
    expect(text).toContain('faults injected: 6 (partition 3, cut 0, slow 0, heal 0, crash 0, restart 0, join 0, leave 1, chaos 0, chaos-clear 0, clock-skew 2)');
    expect(text).toContain('writes: 40 acknowledged of 50 attempted');
    expect(text).toContain('virtual time simulated: 9.0 s');
    expect(text).toContain('wall time: 500 ms, 4.0 seeds/s on 1 thread');
  });

  it('durations read as a person would say them', () => {
    expect([formatDuration(120), formatDuration(4200), formatDuration(184_000), formatDuration(7_384_000)]).toEqual(['120 ms', '4.2 s', '3m 04s', '2h 03m 04s']);
  });

  it('the replay names the program as it was run', () => {
    expect(programName('/home/u/dynamo/dist/sim.js', '/home/u/dynamo')).toBe('node dist/sim.js');
    expect(programName('/home/u/dynamo/dist/sim.js', '/tmp')).toBe('node /home/u/dynamo/dist/sim.js');
    expect(programName('/usr/local/bin/dynamo-sim', '/tmp')).toBe('dynamo-sim');
    expect(programName(undefined)).toBe('node dist/sim.js');
  });
});

describe('sim progress - a terminal only, throttled', () => {
  const sink = (): { text: string; write(chunk: string): boolean } => ({
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  });

  it('disabled, it draws nothing and prints lines plainly', () => {
    const out = sink();
    const err = sink();
    const progress = createSeedProgress(10, false, { out: out as unknown as NodeJS.WritableStream, err: err as unknown as NodeJS.WritableStream });
    progress.update(5, 0);
    progress.print('FAIL seed 3');
    progress.done();
    expect(err.text).toBe('');
    expect(out.text).toBe('FAIL seed 3\n');
  });

  it('enabled, it redraws at most five times a second, and always at the end', () => {
    const out = sink();
    const err = sink();
    let nowMs = 0;
    const progress = createSeedProgress(100, true, { out: out as unknown as NodeJS.WritableStream, err: err as unknown as NodeJS.WritableStream }, () => nowMs);
    for (let done = 1; done <= 99; done++) {
      nowMs += 10;
      progress.update(done, 0);
    }
    const draws = (): number => err.text.split('\r\x1b[2Kseeds').length - 1;
    expect(draws()).toBe(5); // 990 ms at one draw per 200 ms
    progress.update(100, 1);
    expect(draws()).toBe(6);
    expect(err.text).toMatch(/100\/100, 1 failed/);
    progress.done();
    expect(err.text.endsWith('\r\x1b[2K')).toBe(true);
  });
});
