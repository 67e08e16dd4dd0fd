/**
 * `node dist/bench.js --suite` end to end, in a file of its own so that vitest runs it beside
 * the other CLI tests instead of after them.
 *
 * The suite's 41 runs share 9 clusters (one per node count, N and coordination mode), 70
 * worker threads; starting them is most of its time and no option shrinks it, as the test
 * must see every configuration. Everything else is cut to the least that still shows
 * each file being written: 4 operations per configuration (so a throughput point runs 4 per
 * client), 20 for the headline, no warm-up. Each run's floor keeps its own least size (200
 * requests, 2000 for the headline), so that the floors' shape is checked as the suite makes it. On a loaded machine the run can take several
 * times as long, hence the explicit timeouts: the child is killed first, so that a hang
 * reports itself as one, and the test's own limit sits above that.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from './helpers/run-bench.js';

const SUITE_KILL_MS = 240_000;
const SUITE_TEST_TIMEOUT_MS = SUITE_KILL_MS + 60_000;
const CONFIG_OPS = 4;
const HEADLINE_OPS = 20;

describe('bench CLI - suite', () => {
  it(
    '--suite writes both logs, an .hgrm per configuration, scaling data and all twelve charts, and reports on one screen',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'dynamo-bench-'));
      const { code, stdout, stderr } = await runBench(
        ['--suite', String(HEADLINE_OPS), '3', '2', '2', '--config-ops', String(CONFIG_OPS), '--keys', '8', '--warmup', '0', '--seed', '1', '--out', out],
        SUITE_KILL_MS,
      );
      expect(stderr).toBe('');
      expect(code).toBe(0);
      // The human report: every configuration and both sweeps, on one screen.
      const lines = stdout.trimEnd().split('\n');
      expect(lines.length).toBeLessThanOrEqual(45);
      expect(lines.filter((line) => /^N\d+_W\d+_R\d+ /.test(line))).toHaveLength(24);
      expect(stdout).toMatch(/^throughput \(ops\/s\) against concurrency, N=3 W=2 R=2, 5 nodes:$/m);
      expect(lines.at(-1)).toMatch(/^latency distributions \(HdrHistogram\): .*get\.hgrm .*put\.hgrm /);
      const result = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')) as {
        configs: { config: string; N: number; nodes: number; get_hit_rate: number; floor: { p50_us: number; messages_per_op: number } }[];
        throughput: unknown[];
        latency_by_N: unknown[];
        scaling_floors: { point: string; floor: { p50_us: number } }[];
        headline: { baseline: { floor: { ops: number } } };
        clusters_started: number;
        clusters_warmed_up: number;
      };
      // Runs that need the same cluster share one: (nodes, N) = (5,3), (5,5), (10,10), (20,20)
      // and (5,1) in node coordination, and all but (20,20) again in client coordination.
      expect(result.clusters_started).toBe(9);
      // --warmup 0: no cluster warms up (bench-cluster-pool.test.ts checks which would).
      expect(result.clusters_warmed_up).toBe(0);
      expect(result.configs).toHaveLength(24);
      for (const config of result.configs) {
        expect(existsSync(join(out, `${config.config}.hgrm`)), config.config).toBe(true);
        expect(config.get_hit_rate === 0 || config.get_hit_rate === 1).toBe(true);
        // Each configuration has its own floor: its N replicas, 2N messages a request.
        expect(config.floor.messages_per_op, config.config).toBe(2 * config.N);
        expect(config.floor.p50_us, config.config).toBeGreaterThan(0);
        expect(config.nodes).toBe(Math.max(config.N, 5));
      }
      expect(result.headline.baseline.floor.ops).toBe(2000);
      expect(result.scaling_floors).toHaveLength(16);
      const configLog = readFileSync(join(out, 'latency_configs.log'), 'utf8').trim().split('\n');
      expect(configLog).toHaveLength(24 * CONFIG_OPS);
      expect(configLog[0]).toMatch(/^\[N3_W1_R1\] (GET|PUT) key=key\d+ latency=\d+\.\d{3}ms N=3 W=1 R=1$/);
      expect(readFileSync(join(out, 'latency.log'), 'utf8').trim().split('\n')).toHaveLength(HEADLINE_OPS);
      expect(result.throughput).toHaveLength(8);
      expect(result.latency_by_N).toHaveLength(16);
      expect(result.throughput[0]).toMatchObject({ N: 3, W: 2, R: 2, nodes: 5, concurrency: 1, coordination: 'node', throughput_ops_s: expect.any(Number) });
      expect(result.latency_by_N[0]).toMatchObject({ N: 1, W: 1, R: 1, nodes: 5, coordination: 'node', op: 'GET', p50_us: expect.any(Number), p99_us: expect.any(Number) });
      expect(JSON.parse(readFileSync(join(out, 'scaling.json'), 'utf8'))).toEqual({ throughput: result.throughput, latency_by_N: result.latency_by_N });
      const charts = [
        'latency_read_histogram', 'latency_write_histogram', 'latency_percentiles', 'latency_cdf',
        'latency_config_get_boxplot', 'latency_config_put_boxplot', 'latency_config_median', 'latency_config_p99',
        'latency_n20_varying_r', 'latency_n20_varying_w', 'throughput_vs_concurrency', 'latency_vs_n',
      ];
      for (const chart of charts) {
        expect(existsSync(join(out, `${chart}.png`)), chart).toBe(true);
        expect(existsSync(join(out, `${chart}.vl.json`)), chart).toBe(true);
      }

      // --charts re-renders from the logs alone.
      for (const file of readdirSync(out).filter((f) => f.endsWith('.png'))) writeFileSync(join(out, file), '');
      const rerender = await runBench(['--charts', out]);
      expect(rerender.code).toBe(0);
      for (const chart of charts) expect(readFileSync(join(out, `${chart}.png`)).length, chart).toBeGreaterThan(1000);
    },
    SUITE_TEST_TIMEOUT_MS,
  );
});
