// Reading `perf sched timehist` (scripts/sched-waits.mjs): one line per time a task left a
// CPU, with how long it had waited for that CPU and how long it ran.

/**
 * One line of `perf sched timehist`: at `endS` the task left CPU `cpu` after running `runMs`,
 * having waited `delayMs` between becoming ready and the start of that run. perf prints a
 * task as `comm[tid/pid]` (or `comm[pid]`) in a field of 31 characters, so a long name can
 * lose its ids' end: `tid` is undefined unless its digits end with the `/` or the `]` after
 * them (a line whose task cannot be told is for the caller to count, not to guess).
 */
export function parseTimehistLine(line) {
  const match = /^\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$/.exec(line);
  if (!match) return null;
  const [, endS, cpu, task, , delayMs, runMs] = match;
  const idle = task === '<idle>';
  const tid = idle ? undefined : /\[(\d+)[/\]][^[]*$/.exec(task)?.[1];
  return { endS: Number(endS), cpu: Number(cpu), idle, tid: tid === undefined ? undefined : Number(tid), delayMs: Number(delayMs), runMs: Number(runMs) };
}
