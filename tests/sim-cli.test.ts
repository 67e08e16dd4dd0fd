/**
 * The simulator as users run it: `node dist/sim.js ...` in a child process, each with a kill
 * timeout (runNodeScript) below the test's own. The command line's rules are tested in
 * process (sim-report.test.ts); here, that the program keeps them: help, a refusal before
 * anything runs, a small run in the pool, its JSON, a traced seed, and the missing packages.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIM_PACKAGES } from '../sim/packages.js';
import { bareInstall } from './helpers/bare-install.js';
import { runNodeScript } from './helpers/run-bench.js';

const SIM = fileURLToPath(new URL('../dist/sim.js', import.meta.url));
const runSim = (args: readonly string[], timeoutMs = 60_000): ReturnType<typeof runNodeScript> => runNodeScript(SIM, args, timeoutMs);

/** Seconds of work each; many times that on a loaded 2-core machine. */
const CLI_TEST_TIMEOUT_MS = 90_000;

describe('sim CLI - the command line', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('--help explains every option and the exit codes, and exits 0', async () => {
    const { code, stdout, stderr } = await runSim(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const option of ['--seeds', '--from', '--seed', '--trace', '--threads', '--json']) expect(stdout).toContain(option);
    expect(stdout).toMatch(/Exit code: 0 when every seed passes, 1 when any fails, 2/);
  });

  it.each([
    [['--seeds', '0'], /--seeds must be at least 1/],
    [['--seeds', 'ten'], /--seeds must be an integer, got "ten"/],
    [['--trace'], /--trace needs --seed/],
    [['--seeds', '5', '--frobnicate'], /Unknown argument: frobnicate/],
  ])('%j exits 2 with one line on stderr, and nothing runs', async (args, message) => {
    const { code, stdout, stderr } = await runSim(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^sim: /);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sim CLI - runs', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('--seeds 20 runs in the pool, passes, exits 0 and prints the summary (no progress bar off a terminal)', async () => {
    const { code, stdout, stderr } = await runSim(['--seeds', '20']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^seeds 1\.\.20: 20 run, 0 failed$/m);
    expect(stdout).toMatch(/^faults injected: \d+ \(partition \d+, cut \d+, slow \d+, heal \d+, crash \d+, restart \d+, join \d+, leave \d+, chaos \d+, chaos-clear \d+\)$/m);
    expect(stdout).toMatch(/^writes: \d+ acknowledged of \d+ attempted$/m);
    expect(stdout).toMatch(/^virtual time simulated: /m);
    expect(stdout).toMatch(/^wall time: .*, [\d.]+ seeds\/s on 2 threads$/m);
  });

  it('--json prints one JSON object with the counts, and only that', async () => {
    const { code, stdout } = await runSim(['--seeds', '6', '--from', '21', '--threads', '2', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ from: 21, seeds: 6, passed: 6, failed: 0, failures: [], threads: 2 });
    expect(Object.keys(summary['faults'] as object)).toEqual(['partition', 'cut', 'slow', 'heal', 'crash', 'restart', 'join', 'leave', 'chaos', 'chaos-clear']);
    expect(summary['acknowledged']).toBeGreaterThan(0);
    expect(summary['virtualMs']).toBeGreaterThan(6 * 4500);
    expect(typeof summary['seedsPerSecond']).toBe('number');
  });

  it('--seed S --trace prints the run event by event in virtual time, then its summary', async () => {
    const { code, stdout } = await runSim(['--seed', '5', '--trace']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+0\.000 seed 5: \{"seed":5,/);
    for (const event of [/ deliver client -> node-\d+ client\.get /, / drop\(cut\) node-\d+ -> node-\d+ /, / fault (partition|cut|slow|heal|join|leave|crash)/, / client #\d+ put set-[abc] /, / client #\d+ ok/, / settle: heal/, / quiet at \d+ ms: final reads/]) {
      expect(lines.some((line) => event.test(line)), String(event)).toBe(true);
    }
    const times = lines.filter((line) => /^\s+\d+\.\d{3} /.test(line)).map((line) => Number.parseFloat(line));
    expect(times.length).toBeGreaterThan(1000);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    expect(lines.at(-5)).toBe('seed 5: 1 run, 0 failed');
  });
});

describe('sim CLI - without its packages', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('exits 2 naming yargs and piscina and the install command, with no stack trace', async () => {
    const root = bareInstall();
    const { code, stdout, stderr } = await runNodeScript(join(root, 'dist', 'sim.js'), ['--seeds', '5'], 30_000);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^sim: the simulator needs yargs, piscina, which are not installed/);
    for (const name of SIM_PACKAGES) expect(stderr).toContain(`"${name}@^`);
    expect(stderr).not.toMatch(/\n\s+at |ERR_MODULE_NOT_FOUND/);
  });
});
