/**
 * Chaos in job files: Reactor's blocks checked field by field, [global_chaos] for entries
 * without their own, and the timetable chaosSchedule makes of them in our ChaosRule terms.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chaosSchedule } from '../src/control/job/chaos-schedule.js';
import { parseJobFile } from '../src/control/job/job-file.js';
import { BASE_JOB, edit, refusal } from './helpers/job-text.js';

/** BASE_JOB with `lines` added to the entry of nodeA. */
const onNodeA = (lines: string): string => edit(BASE_JOB, '  T = 10\n', `  T = 10\n${lines}\n`);
const A = 'job.toml: placement.dynamo_node[0] (nodeA):';

describe('job chaos - fields', () => {
  it('job chaos - an inline chaos key and a chaos sub-table read alike', () => {
    const inline = parseJobFile(onNodeA('  chaos.msg_loss = { start_ms = 500, probability = 0.1 }'), 'job.toml');
    const table = parseJobFile(onNodeA('    [placement.dynamo_node.chaos.msg_loss]\n    start_ms = 500\n    probability = 0.1'), 'job.toml');
    expect(inline.dynamoNodes[0]?.chaos).toEqual({ loss: { startMs: 500, probability: 0.1 } });
    expect(table.dynamoNodes).toEqual(inline.dynamoNodes);
  });

  it('job chaos - probabilities lie in 0..1 and factors are integers 1..10', () => {
    expect(refusal(onNodeA('  chaos.msg_loss = { probability = 1.5 }'))).toBe(`${A} field "chaos.msg_loss.probability": expected a probability from 0 to 1, got 1.5`);
    expect(refusal(onNodeA('  chaos.msg_duplication = { probability = 0.5, factor = 11 }'))).toBe(`${A} field "chaos.msg_duplication.factor": expected an integer from 1 to 10, got 11`);
    expect(refusal(onNodeA('  chaos.msg_duplication = { probability = 0.5 }'))).toBe(`${A} field "chaos.msg_duplication.factor": missing; expected an integer from 1 to 10`);
  });

  it('job chaos - a delay range is [a, b] with 0 <= a <= b <= 60000', () => {
    const delay = (range: string): string => refusal(onNodeA(`  chaos.msg_delay = { delay_range_ms = ${range} }`));
    expect(delay('[300, 100]')).toBe(`${A} field "chaos.msg_delay.delay_range_ms": expected [min, max] with 0 <= min <= max <= 60000, got [300,100]`);
    expect(delay('[0, 70000]')).toContain('got [0,70000]');
    expect(delay('[5]')).toContain('got [5]');
  });

  it('job chaos - senders must be actors of the job', () => {
    expect(refusal(onNodeA('  chaos.msg_delay = { delay_range_ms = [1, 2], senders = ["nodeB", "ghost"] }'))).toBe(
      `${A} field "chaos.msg_delay.senders": unknown actor "ghost"; the job's actors are nodeA, nodeB, nodeC, client1`,
    );
  });

  it('job chaos - times: crash_ms >= 0, restart_ms after crash_ms, stop_ms after start_ms', () => {
    expect(refusal(onNodeA('  chaos.crash = { crash_ms = -1 }'))).toBe(`${A} field "chaos.crash.crash_ms": expected an integer from 0 to 86400000, got -1`);
    expect(refusal(onNodeA('  chaos.crash = { crash_ms = 500, restart_ms = 500 }'))).toBe(`${A} field "chaos.crash.restart_ms": 500 is not after crash_ms (500)`);
    expect(refusal(onNodeA('  chaos.msg_loss = { start_ms = 900, stop_ms = 100, probability = 0.1 }'))).toBe(`${A} field "chaos.msg_loss.stop_ms": 100 is not after start_ms (900)`);
    expect(refusal(onNodeA('  chaos.msg_loss = { stop_ms = 0, probability = 0.1 }'))).toBe(`${A} field "chaos.msg_loss.stop_ms": 0 is not after start_ms (0)`);
  });

  it('job chaos - unknown chaos kinds and fields are named; the list form is refused with a reason', () => {
    expect(refusal(onNodeA('  chaos.partition = { start_ms = 1 }'))).toBe(`${A} unknown field "chaos.partition"; expected chaos.crash, chaos.msg_loss, chaos.msg_duplication, chaos.msg_delay`);
    expect(refusal(onNodeA('  chaos.msg_loss = { probabilty = 0.1 }'))).toBe(
      `${A} unknown field "chaos.msg_loss.probabilty"; expected chaos.msg_loss.start_ms, chaos.msg_loss.stop_ms, chaos.msg_loss.probability`,
    );
    expect(refusal(onNodeA('    [[placement.dynamo_node.chaos]]\n    type = "CRASH"'))).toContain(`${A} field "chaos": expected a table such as chaos.msg_loss`);
  });
});

describe('job chaos - [global_chaos]', () => {
  const withGlobal = (global: string, entry = ''): string => `${onNodeA(entry)}\n[global_chaos]\n${global}\n`;

  it('job chaos - [global_chaos] applies to every entry without chaos of its own', () => {
    const plan = parseJobFile(withGlobal('msg_loss = { probability = 0.05 }', '  chaos.crash = { crash_ms = 100 }'), 'job.toml');
    expect(plan.dynamoNodes.map((node) => node.chaos)).toEqual([
      { crash: { crashMs: 100 } },
      { loss: { startMs: 0, probability: 0.05 } },
      { loss: { startMs: 0, probability: 0.05 } },
    ]);
    expect(plan.clients[0]?.chaos).toEqual({ loss: { startMs: 0, probability: 0.05 } });
  });

  it('job chaos - an empty chaos table opts an entry out of [global_chaos]', () => {
    const plan = parseJobFile(withGlobal('msg_loss = { probability = 0.05 }', '  chaos = {}'), 'job.toml');
    expect(plan.dynamoNodes[0]?.chaos).toEqual({});
  });

  it('job chaos - mistakes in [global_chaos] are reported as its own, once', () => {
    expect(refusal(withGlobal('msg_delay = { delay_range_ms = [1, 2], senders = ["ghost"] }'))).toBe(
      'job.toml: [global_chaos]: field "msg_delay.senders": unknown actor "ghost"; the job\'s actors are nodeA, nodeB, nodeC, client1',
    );
    expect(refusal(withGlobal('msg_loss = { probability = 2 }'))).toBe('job.toml: [global_chaos]: field "msg_loss.probability": expected a probability from 0 to 1, got 2');
  });
});

describe('job chaos - the schedule', () => {
  it('job chaos - chaos.toml becomes rules on the receiving actor\'s controller, sorted by time', () => {
    const plan = parseJobFile(readFileSync(new URL('../examples/chaos.toml', import.meta.url), 'utf8'), 'chaos.toml');
    const delayMs = [50, 200];
    expect(chaosSchedule(plan)).toEqual([
      { atMs: 0, actor: 'nodeC', controller: 'node2', action: { kind: 'set', rule: { node: 'nodeC', duplicate: { probability: 0.3, factor: 2 } } } },
      { atMs: 200, actor: 'nodeA', controller: 'node1', action: { kind: 'set', rule: { node: 'nodeA', loss: 0.2 } } },
      { atMs: 500, actor: 'nodeE', controller: 'node3', action: { kind: 'set', rule: { from: 'nodeA', to: 'nodeE', delayMs } } },
      { atMs: 500, actor: 'nodeE', controller: 'node3', action: { kind: 'set', rule: { from: 'client1', to: 'nodeE', delayMs } } },
      { atMs: 1000, actor: 'nodeF', controller: 'node3', action: { kind: 'crash' } },
      { atMs: 2000, actor: 'nodeA', controller: 'node1', action: { kind: 'unset', selector: { node: 'nodeA' }, effect: 'loss' } },
      { atMs: 2500, actor: 'nodeE', controller: 'node3', action: { kind: 'unset', selector: { from: 'nodeA', to: 'nodeE' }, effect: 'delayMs' } },
      { atMs: 2500, actor: 'nodeE', controller: 'node3', action: { kind: 'unset', selector: { from: 'client1', to: 'nodeE' }, effect: 'delayMs' } },
      { atMs: 3000, actor: 'nodeC', controller: 'node2', action: { kind: 'unset', selector: { node: 'nodeC' }, effect: 'duplicate' } },
      { atMs: 3000, actor: 'nodeF', controller: 'node3', action: { kind: 'restart' } },
    ]);
  });

  it('job chaos - a delay without senders takes every message the actor receives; no stop_ms, no unset', () => {
    const plan = parseJobFile(onNodeA('  chaos.msg_delay = { start_ms = 10, delay_range_ms = [5, 5] }'), 'job.toml');
    expect(chaosSchedule(plan)).toEqual([{ atMs: 10, actor: 'nodeA', controller: 'node1', action: { kind: 'set', rule: { node: 'nodeA', delayMs: [5, 5] } } }]);
  });

  it('job chaos - rules name endpoints (node_id, client_id) where they differ from actor names', () => {
    const renamed = edit(edit(BASE_JOB, 'client_id = "client1"', 'client_id = "c-1"'), 'actor_name = "nodeC"', 'actor_name = "actorC"');
    const plan = parseJobFile(edit(renamed, '  T = 10\n', '  T = 10\n  chaos.msg_delay = { delay_range_ms = [1, 9], senders = ["client1"] }\n', 2), 'job.toml');
    expect(chaosSchedule(plan)).toEqual([
      { atMs: 0, actor: 'actorC', controller: 'node2', action: { kind: 'set', rule: { from: 'c-1', to: 'nodeC', delayMs: [1, 9] } } },
    ]);
  });

  it('job chaos - a crash without restart_ms stays down', () => {
    const plan = parseJobFile(onNodeA('  chaos.crash = { crash_ms = 0 }'), 'job.toml');
    expect(chaosSchedule(plan)).toEqual([{ atMs: 0, actor: 'nodeA', controller: 'node1', action: { kind: 'crash' } }]);
  });
});
