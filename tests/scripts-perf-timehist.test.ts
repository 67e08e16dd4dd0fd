/**
 * scripts/sched-waits.mjs reads the kernel's scheduler events through `perf sched timehist`;
 * docs/PERFORMANCE.md quotes what it counts, so its reading of perf's lines is pinned here.
 */
import { describe, expect, it } from 'vitest';
import { parseTimehistLine } from '../scripts/perf-timehist.mjs';

describe('perf sched timehist lines', () => {
  it('reads a thread, a process and the idle task', () => {
    expect(parseTimehistLine('   27302.778150 [0001]  node[11304/11288]                   2.935      2.928      0.146 ')).toEqual({
      endS: 27302.77815,
      cpu: 1,
      idle: false,
      tid: 11304,
      delayMs: 2.928,
      runMs: 0.146,
    });
    expect(parseTimehistLine('   27302.778158 [0000]  migration/0[18]                     0.000      0.007      0.014 ')?.tid).toBe(18);
    expect(parseTimehistLine('   27302.778267 [0000]  <idle>                              0.000      0.000      0.108 ')).toMatchObject({ idle: true, tid: undefined, runMs: 0.108 });
  });

  it('reads names with spaces, colons and brackets of their own', () => {
    expect(parseTimehistLine('   27305.085795 [0001]  memfd:sealed-91[10513]              0.022      0.043      5.322')?.tid).toBe(10513);
    expect(parseTimehistLine('   27305.085795 [0001]  Web Content[x][4242/4200]           0.022      0.043      5.322')?.tid).toBe(4242);
  });

  it('does not guess the id of a task whose name perf cut off', () => {
    expect(parseTimehistLine('   27305.085795 [0001]  a-very-long-thread-nam[1234567/12   0.022      0.043      5.322')?.tid).toBe(1234567);
    expect(parseTimehistLine('   27305.085795 [0001]  a-very-long-thread-name-xy[12345    0.022      0.043      5.322')?.tid).toBeUndefined();
  });

  it('skips what is not an event line', () => {
    expect(parseTimehistLine('           time    cpu  task name                       wait time  sch delay   run time')).toBeNull();
    expect(parseTimehistLine('--------------- ------  ------------------------------  ---------  ---------  ---------')).toBeNull();
    expect(parseTimehistLine('')).toBeNull();
  });
});
