/**
 * The crash test (scripts/crash-test.mjs) in a few cycles: a child process runs a cluster on
 * LMDB and writes under load, is killed with SIGKILL at a random moment and started again on
 * the same directory; every acknowledged write reads back at R = N and no dot is minted twice.
 * `npm run crash-test` runs 50 cycles. Its checker is shown to fail, on records made up here
 * and on a run whose data is destroyed between a kill and the restart.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrashChecker } from '../scripts/crash-check.mjs';
import { runCrashTest } from '../scripts/crash-test.mjs';

/** Short runs: enough writes in flight at each kill, and the whole file well under 20 s on 2 cores. */
const SHORT = { minRunMs: 250, maxRunMs: 700, log: (): void => undefined } as const;

describe('durable crash - SIGKILL of the process running the cluster', () => {
  it('after each of 3 kills, every acknowledged write reads back at R = N and no dot is minted twice', async () => {
    const summary = await runCrashTest({ ...SHORT, cycles: 3, seed: 20_071_014 });
    expect(summary.problems).toEqual([]);
    expect(summary.cycles.map((cycle) => cycle.start)).toEqual([1, 2, 3]);
    for (const cycle of summary.cycles) expect(cycle.acknowledged, `cycle ${cycle.start}`).toBeGreaterThan(0);
    // Every key written was checked after each later kill: the last acknowledged value read
    // back, or a write issued after it that was in flight at the kill.
    expect(summary.counts.readExactly + summary.counts.superseded).toBeGreaterThanOrEqual(summary.keysAcknowledged);
    expect(summary.counts.readExactly).toBeGreaterThan(0);
  }, 60_000);

  it('reports every acknowledged write as lost when the nodes\' data is destroyed before the restart', async () => {
    const destroyNodeData = (dir: string): void => {
      for (const name of readdirSync(dir)) if (name.startsWith('node-')) rmSync(join(dir, name), { recursive: true, force: true });
    };
    const summary = await runCrashTest({ ...SHORT, cycles: 1, seed: 1, beforeRestart: destroyNodeData });
    const lost = summary.problems.filter((problem) => problem.kind === 'lost');
    expect(summary.keysAcknowledged).toBeGreaterThan(0);
    expect(lost).toHaveLength(summary.keysAcknowledged);
    expect(lost[0]?.message).toMatch(/^acknowledged \{"cycle":1,"seq":\d+\} \(dot node-\d#1~1\.[0-9a-f]{8}:\d+, start 1\), read back \[\] at R = N$/);
    // The nodes started afresh, so their boot counts say so too.
    expect(summary.problems.filter((problem) => problem.kind === 'boot')).toHaveLength(5);
  }, 60_000);
});

describe('crash checker', () => {
  const dot = (actor: string, counter: number): { actor: string; counter: number } => ({ actor, counter });

  it('reports an acknowledged write that is not read back, naming the key and the value expected', () => {
    const checker = new CrashChecker();
    checker.beginStart(1);
    checker.recordAck({ key: 'k', value: { cycle: 1, seq: 7 }, dot: dot('node-1#1~1', 3) });
    checker.beginStart(2);
    checker.checkRead({ key: 'k', values: [{ cycle: 1, seq: 6 }], versions: [], actors: [] });
    expect(checker.problems).toEqual([{ kind: 'lost', cycle: 2, key: 'k', message: 'acknowledged {"cycle":1,"seq":7} (dot node-1#1~1:3, start 1), read back [{"cycle":1,"seq":6}] at R = N' }]);
  });

  it('accepts the acknowledged value among siblings, or a write issued after it instead', () => {
    const checker = new CrashChecker();
    checker.beginStart(1);
    checker.recordAck({ key: 'a', value: { cycle: 1, seq: 7 }, dot: dot('node-1#1~1', 3) });
    checker.recordAck({ key: 'b', value: { cycle: 1, seq: 8 }, dot: dot('node-1#1~1', 1) });
    checker.beginStart(2);
    checker.checkRead({ key: 'a', values: [{ cycle: 1, seq: 9 }, { cycle: 1, seq: 7 }], versions: [], actors: [] });
    checker.checkRead({ key: 'b', values: [{ cycle: 1, seq: 12 }], versions: [], actors: [] });
    expect(checker.problems).toEqual([]);
    expect(checker.counts).toMatchObject({ readExactly: 1, superseded: 1 });
  });

  it('reports a write after a restart under an actor seen before it', () => {
    const checker = new CrashChecker();
    checker.beginStart(1);
    checker.recordAck({ key: 'k', value: { cycle: 1, seq: 1 }, dot: dot('node-2#1~1', 1) });
    checker.beginStart(2);
    checker.checkRead({ key: 'j', values: [], versions: [{ value: { cycle: 1, seq: 2 }, dot: dot('node-3#1~1', 1) }], actors: ['node-4#1~1'] });
    for (const actor of ['node-2#1~1', 'node-3#1~1', 'node-4#1~1', 'node-5#1~2']) checker.recordAck({ key: 'x', value: { cycle: 2, seq: 1 }, dot: dot(actor, 9) });
    expect(checker.problems.map((problem) => problem.kind)).toEqual(['reused-actor', 'reused-actor', 'reused-actor']);
  });

  it('reports a dot that names two values, a boot count that did not go up, a value nobody wrote and a put whose dot cannot be told', () => {
    const checker = new CrashChecker();
    checker.beginStart(2);
    checker.checkBoots({ 'node-1': 2, 'node-2': 1 });
    checker.checkRead({ key: 'k', values: [{ cycle: 1, seq: 4 }, 'other'], versions: [{ value: { cycle: 1, seq: 4 }, dot: dot('node-1#1~1', 2) }], actors: [] });
    checker.recordAck({ key: 'k', value: { cycle: 2, seq: 1 }, dot: dot('node-1#1~2', 1) });
    checker.recordAck({ key: 'k', value: { cycle: 2, seq: 2 }, dot: dot('node-1#1~2', 1) });
    checker.recordAck({ key: 'k', value: { cycle: 2, seq: 3 }, dot: null });
    expect(checker.problems.map((problem) => [problem.kind, problem.key])).toEqual([
      ['boot', undefined],
      ['foreign-value', 'k'],
      ['dot-collision', 'k'],
      ['unknown-dot', 'k'],
    ]);
  });
});
