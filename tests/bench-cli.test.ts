/**
 * The bench as users run it: `node dist/bench.js ...` in a child process. Every child has a
 * kill timeout (runBench), below the test's own timeout, so that a hang fails one test with a
 * message saying so instead of stalling the suite. The suite's run is in bench-suite.test.ts.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BENCH, runBench, type RunAs } from './helpers/run-bench.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dynamo-bench-'));

/**
 * A CLI test runs one or a few bench processes of seconds each; on a loaded 2-core machine
 * they can take many times as long, and runBench kills each after 60 s.
 */
const CLI_TEST_TIMEOUT_MS = 120_000;
/** A bad --out is refused before anything starts: well under a second, so 20 s means a hang. */
const REFUSAL_KILL_MS = 20_000;

describe('bench CLI - user mistakes exit 2 with one line and no stack trace', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it.each([
    [['10', '3', '4', '2'], /W \(4\) must not exceed N \(3\)/],
    [['10', '6', '2', '2', '--nodes', '5'], /N \(6\) must not exceed --nodes \(5\)/],
    [['0', '3', '2', '2'], /ops must be at least 1/],
    [['ten', '3', '2', '2'], /ops must be a number, got "ten"/],
    [['10', '3', '2'], /missing R: give <ops> alone/],
    [['--charts', '.', '100', '3', '2', '2'], /--charts .* takes no <ops> <N> <W> <R>: remove 100 3 2 2/],
    [['10', '3', '2', '2', '--coordination', 'proxy'], /--coordination must be "node" or "client"/],
    [['10', '3', '2', '2', '--frobnicate'], /frobnicate/i],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await runBench(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('--help explains the command and exits 0', async () => {
    const { code, stdout } = await runBench(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/<ops> \[<N> <W> <R>\]/);
    expect(stdout).toMatch(/--concurrency/);
    expect(stdout).toMatch(/--ycsb/);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await runBench(['--version']);
    expect(code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('bench CLI - more user mistakes exit 2 before anything runs', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('--charts on a directory without logs, with a malformed log, or with a broken scaling.json', async () => {
    const empty = tempDir();
    expect((await runBench(['--charts', empty])).code).toBe(2);
    const malformed = tempDir();
    writeFileSync(join(malformed, 'latency.log'), 'GET key=key1 latency=abc\n');
    const bad = await runBench(['--charts', malformed]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/latency\.log: .*line 1/);
    const scaling = tempDir();
    writeFileSync(join(scaling, 'latency.log'), 'GET key=key1 latency=0.100ms\n');
    writeFileSync(join(scaling, 'scaling.json'), JSON.stringify({ throughput: [{ N: 3, W: 2, R: 2, nodes: 5, concurrency: { a: 1 }, coordination: 'node', throughput_ops_s: 'x' }], latency_by_N: [] }));
    expect((await runBench(['--charts', scaling])).code).toBe(2);
    const nothing = tempDir();
    writeFileSync(join(nothing, 'latency.log'), '');
    expect((await runBench(['--charts', nothing])).code).toBe(2);
  });

  it('--rate with --ycsb', async () => {
    const { code, stderr } = await runBench(['--ycsb', 'whatever', '--rate', '100']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--rate does not apply to --ycsb/);
  });
});

const isRoot = process.getuid?.() === 0;
const hasProcfs = existsSync('/proc/self');
/** Mode bits do not stop root: as root, the bench runs as `nobody` for the permission cases. */
const NOBODY: RunAs = { uid: 65_534, gid: 65_534 };

/** A scratch directory another user can walk through (mkdtemp makes it 0700). */
function walkableTempDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  return dir;
}

/** An --out the bench must refuse, how to make it, and what the message says is wrong. */
interface BadOut {
  readonly name: string;
  readonly path: () => string;
  readonly problem: RegExp;
  /** Cases that need procfs or sysfs. */
  readonly skip?: boolean;
  /** Cases that need a user whom mode bits stop. */
  readonly unprivileged?: boolean;
}

const BAD_OUTS: readonly BadOut[] = [
  // Node's recursive mkdir looped for ever on these: procfs answers ENOENT to any new name.
  { name: 'a new directory in procfs', path: () => '/proc/dynamo-bench-out', problem: /\/proc does not accept new directories \(ENOENT\)/, skip: !hasProcfs },
  { name: 'a path several levels deep in procfs', path: () => '/proc/self/dynamo/bench/out', problem: /\/proc\/self does not accept new directories/, skip: !hasProcfs },
  { name: 'procfs itself, a directory that refuses files', path: () => '/proc', problem: /\/proc does not accept new files/, skip: !hasProcfs },
  {
    name: 'a regular file',
    path: () => {
      const file = join(tempDir(), 'a-file');
      writeFileSync(file, 'x');
      return file;
    },
    problem: /a-file is a file, not a directory/,
  },
  {
    name: 'a path under a regular file',
    path: () => {
      const file = join(tempDir(), 'a-file');
      writeFileSync(file, 'x');
      return join(file, 'reports', 'today');
    },
    problem: /a-file is a file, not a directory/,
  },
  // No permission, for root too: nobody makes directories at the top of sysfs.
  {
    name: 'a new directory in sysfs',
    path: () => '/sys/dynamo-bench-out',
    problem: /cannot create \/sys\/dynamo-bench-out: (operation not permitted|permission denied|read-only file system)/,
    skip: !existsSync('/sys/kernel'),
  },
  {
    name: 'a new directory in a directory without write permission',
    path: () => {
      const dir = join(walkableTempDir(), 'locked');
      mkdirSync(dir, { mode: 0o555 });
      return join(dir, 'out');
    },
    problem: /cannot create .*locked\/out: permission denied \(EACCES\)/,
    unprivileged: true,
  },
  {
    name: 'an existing directory without write permission',
    path: () => {
      const dir = walkableTempDir();
      chmodSync(dir, 0o555);
      return dir;
    },
    problem: /cannot create files in .*: permission denied \(EACCES\)/,
    unprivileged: true,
  },
];

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.concurrent('bench CLI - an --out that cannot hold the reports exits 2 at once, naming the path and the problem', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  for (const bad of BAD_OUTS) {
    it.skipIf(bad.skip === true)(bad.name, async ({ expect }) => {
      const out = bad.path();
      const { code, stdout, stderr } = await runBench(['50', '3', '2', '2', '--out', out], REFUSAL_KILL_MS, bad.unprivileged === true && isRoot ? NOBODY : undefined);
      expect(code).toBe(2);
      // Refused before the baseline or any cluster ran: nothing was reported.
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^bench: --out ${escapeRegExp(out)} cannot hold the reports: `));
      expect(stderr).toMatch(bad.problem);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('bench CLI - a run', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('a very short --timeout-ms still preloads, and measured timeouts are counted, not fatal', async () => {
    const { code, stdout } = await runBench(['100', '3', '2', '2', '--timeout-ms', '5', '--json', '--out', tempDir()]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { errors: number; get: { count: number }; put: { count: number } };
    expect(summary.get.count + summary.put.count + summary.errors).toBe(100);
  });

  it('a reader that closes the pipe early gets no stack trace', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${BENCH}" 300 3 2 2 --out "${tempDir()}" | head -1`], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout).toMatch(/^Dynamo bench: 300 ops/);
    expect(result.stderr).not.toMatch(/EPIPE|at /);
  });

  it('--json prints only the summary: every GET hits, and every file is written', async () => {
    const out = tempDir();
    // <ops> alone: N W R default to 3 2 2, as the seed's `real_benchmark 200`.
    const { code, stdout, stderr } = await runBench(['200', '--json', '--seed', '5', '--out', out, '--keys', '20']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as Record<string, unknown> & {
      get: Record<string, number>;
      put: Record<string, number>;
      baseline: Record<string, number> & { floor: Record<string, number> };
      floor_multiples: Record<string, number>;
    };
    expect(summary).toMatchObject({ ops: 200, N: 3, W: 2, R: 2, nodes: 5, concurrency: 1, coordination: 'node', errors: 0, seed: 5 });
    for (const field of ['count', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'max_us', 'mean_us']) {
      expect(summary.get[field]).toBeGreaterThan(0);
      expect(summary.put[field]).toBeGreaterThan(0);
    }
    expect((summary.get['count'] ?? 0) + (summary.put['count'] ?? 0)).toBe(200);
    expect(summary.get['hits']).toBe(summary.get['count']);
    expect(summary.get['sibling_reads']).toBeGreaterThanOrEqual(0);
    expect(summary['read_repairs']).toBeGreaterThanOrEqual(0);
    expect(summary['throughput_ops_s']).toBeGreaterThan(0);
    expect(summary.baseline['rtt_p50_us']).toBeGreaterThan(0);
    expect(summary.baseline['pipelined_rt_per_s']).toBeGreaterThan(0);
    // The floor of this run (N=3 W=2 R=2 on 5 nodes, node coordination): 2N messages a request.
    expect(summary.baseline.floor).toMatchObject({ ops: 2000, messages_per_op: 6 });
    for (const field of ['p50_us', 'p99_us', 'throughput_ops_s']) expect(summary.baseline.floor[field]).toBeGreaterThan(0);
    for (const field of ['get_p50', 'put_p50', 'get_p99', 'put_p99', 'throughput']) expect(summary.floor_multiples[field]).toBeGreaterThan(0);

    const log = readFileSync(join(out, 'latency.log'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(200);
    for (const line of log) expect(line).toMatch(/^(GET|PUT) key=key\d+ latency=\d+\.\d{3}ms$/);
    for (const file of ['get.hgrm', 'put.hgrm', 'summary.json', 'latency_cdf.png', 'latency_percentiles.vl.json']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(readFileSync(join(out, 'get.hgrm'), 'utf8')).toMatch(/Value\s+Percentile\s+TotalCount/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
  });

  it('prints a human report with percentiles as multiples of the floor', async () => {
    const out = tempDir();
    const { code, stdout, stderr } = await runBench(['100', '3', '2', '2', '--out', out, '--coordination', 'client', '--concurrency', '4']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^GET\s+\d+/m);
    expect(stdout).toMatch(/^PUT\s+\d+/m);
    expect(stdout).toMatch(/\(\d+\.\d\dx\)/);
    expect(stdout).toMatch(/^floor \(same threads, N\/W\/R, nodes, coordination, concurrency; no Dynamo logic\): p50 [\d.]+ us, p99 [\d.]+ us, [\d.]+ ops\/s \(2000 requests, 6 messages each\)$/m);
    expect(stdout).toMatch(/^baseline: MessagePort round trip p50 /m);
    expect(stdout).toContain("x = multiple of the floor's p50 (same N/W/R, nodes, coordination, concurrency)");
    expect(stdout).toMatch(/^throughput [\d.]+ ops\/s = [\d.]+x floor over /m);
    expect(stdout).toMatch(/GET hits (\d+)\/\1 \(100\.0%\)/);
    // One screen: the distributions went to files, and the last line says where.
    expect(stdout).not.toMatch(/#\[Mean/);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.at(-1)).toBe(`latency distributions (HdrHistogram): ${join(out, 'get.hgrm')} ${join(out, 'put.hgrm')} (--hgrm prints them here)`);
    // stdout is not a terminal here: no progress bar.
    expect(stderr).toBe('');
  });

  it('--no-baseline skips the ping-pong and the floor', async () => {
    const { code, stdout } = await runBench(['50', '3', '2', '2', '--no-baseline', '--json', '--out', tempDir()]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ baseline: null, baseline_multiples: null, floor_multiples: null });
  });

  it('--hgrm prints the GET and PUT distributions too', async () => {
    const out = tempDir();
    const { code, stdout } = await runBench(['50', '--hgrm', '--out', out, '--warmup', '0']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^GET latency distribution \(us\):$/m);
    expect(stdout).toMatch(/^PUT latency distribution \(us\):$/m);
    expect(stdout.match(/#\[Mean/g)).toHaveLength(2);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`latency distributions (HdrHistogram): ${join(out, 'get.hgrm')} ${join(out, 'put.hgrm')}`);
  });

  it('--rate runs open loop and reports it', async () => {
    const { code, stdout } = await runBench(['150', '3', '2', '2', '--rate', '1500', '--concurrency', '8', '--json', '--out', tempDir()]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { rate_ops_s: number; errors: number; get: { count: number }; put: { count: number } };
    expect(summary.rate_ops_s).toBe(1500);
    expect(summary.get.count + summary.put.count + summary.errors).toBe(150);
  });
});

describe('bench CLI - YCSB', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const workload = (extra: string): string =>
    ['recordcount=50', 'operationcount=120', 'workload=site.ycsb.workloads.CoreWorkload', 'fieldcount=4', 'fieldlength=20', extra].join('\n');

  it('runs a workload file, prints YCSB-shaped lines for the load and the run, and names the properties it ignored', async () => {
    const dir = tempDir();
    const file = join(dir, 'workloada');
    writeFileSync(file, workload('readproportion=0.5\nupdateproportion=0.5\nrequestdistribution=zipfian'));
    const { code, stdout, stderr } = await runBench(['--ycsb', file, '--out', dir, '--concurrency', '2']);
    expect(stderr).toBe('ycsb: properties this bench does not use, ignored: workload\n');
    expect(code).toBe(0);
    // The load phase first, as YCSB's `load` prints it: [OVERALL] and [INSERT] lines.
    const [load = '', run = ''] = stdout.split(/^YCSB run: /m);
    expect(load).toMatch(/^YCSB load: 50 records of 4 fields x 20 bytes, written to all N=3 replicas/);
    expect(load).toMatch(/^\[OVERALL\], RunTime\(ms\), \d+$/m);
    expect(load).toMatch(/^\[INSERT\], Operations, 50$/m);
    expect(load).toMatch(/^\[INSERT\], 99thPercentileLatency\(us\), [\d.]+$/m);
    expect(load).toMatch(/^\[INSERT\], Return=OK, 50$/m);
    expect(load).not.toMatch(/^\[READ\]/m);
    expect(run).toMatch(/^120 operations \(read 0.5, update 0.5; zipfian\) at N=3 W=2 R=2, 5 nodes/);
    expect(run).toMatch(/^\[OVERALL\], Throughput\(ops\/sec\), [\d.]+$/m);
    expect(run).toMatch(/^\[READ\], Operations, \d+$/m);
    expect(run).toMatch(/^\[UPDATE\], AverageLatency\(us\), [\d.]+$/m);
    expect(run).toMatch(/^\[READ\], 99thPercentileLatency\(us\), [\d.]+$/m);
    expect(run).not.toMatch(/^\[INSERT\]/m);
    const reads = Number(/^\[READ\], Operations, (\d+)$/m.exec(run)?.[1]);
    const updates = Number(/^\[UPDATE\], Operations, (\d+)$/m.exec(run)?.[1]);
    expect(reads + updates).toBe(120);
    expect(stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
    for (const name of ['ycsb-load.txt', 'ycsb.txt', 'ycsb.json']) expect(existsSync(join(dir, name)), name).toBe(true);
    expect(readFileSync(join(dir, 'ycsb-load.txt'), 'utf8')).toMatch(/^\[INSERT\], Operations, 50$/m);
  });

  it('--json: one object in the convention of summary.json, with the cluster, both phases and -p overrides applied', async () => {
    const dir = tempDir();
    const file = join(dir, 'workloadf');
    writeFileSync(file, workload('readproportion=0.5\nupdateproportion=0\nreadmodifywriteproportion=0.5\nrequestdistribution=zipfian'));
    const { code, stdout } = await runBench(['--ycsb', file, '--out', dir, '--json', '-p', 'operationcount=80', '-p', 'fieldcount=3', '-p', 'maxexecutiontime=10']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      workload: Record<string, unknown>;
      ignored_properties: string[];
      load: { operations: number; ops: Record<string, { count: number }> };
      run: { operations: number; throughput_ops_s: number; ops: Record<string, { count: number; p99_us: number }> };
    };
    expect(result).toMatchObject({ N: 3, W: 2, R: 2, nodes: 5, concurrency: 1, coordination: 'node' });
    expect(result.workload).toEqual({
      record_count: 50, operation_count: 80, field_count: 3, field_length_bytes: 20, request_distribution: 'zipfian',
      proportions: { read: 0.5, update: 0, insert: 0, read_modify_write: 0.5 },
    });
    expect(result.ignored_properties).toEqual(['workload', 'maxexecutiontime']);
    expect(result.load.operations).toBe(50);
    expect(result.load.ops['INSERT']?.count).toBe(50);
    expect(result.run.operations).toBe(80);
    // As YCSB: a read-modify-write also counts its read and its update.
    const count = (section: string): number => result.run.ops[section]?.count ?? 0;
    const rmw = count('READ-MODIFY-WRITE');
    expect(rmw).toBeGreaterThan(0);
    expect(count('UPDATE')).toBe(rmw);
    expect(count('READ')).toBe(80);
    expect(result.run.throughput_ops_s).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, 'ycsb.json'), 'utf8'))).toEqual(result);
  });

  it('refuses a bad -p override with exit code 2, naming the property', async () => {
    const dir = tempDir();
    const file = join(dir, 'workloada');
    writeFileSync(file, workload('readproportion=0.5\nupdateproportion=0.5'));
    const bad = await runBench(['--ycsb', file, '-p', 'recordcount=many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('bench: -p: recordcount must be a number, got "many"\n');
    const shapeless = await runBench(['--ycsb', file, '-p', 'recordcount']);
    expect(shapeless.code).toBe(2);
    expect(shapeless.stderr).toMatch(/-p needs name=value/);
  });

  it('refuses a workload with scans with exit code 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'workloade');
    writeFileSync(file, workload('readproportion=0\nscanproportion=0.95\ninsertproportion=0.05'));
    const { code, stderr } = await runBench(['--ycsb', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/scans do not exist in a key-value store/);
  });

  it('refuses a missing workload file with exit code 2', async () => {
    const { code, stderr } = await runBench(['--ycsb', '/nonexistent/workload']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read the YCSB workload/);
  });
});
