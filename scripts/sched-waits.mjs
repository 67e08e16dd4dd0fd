// Where the tail at concurrency 1 comes from: threads that were woken (a message arrived for
// them) and then waited for a core. Runs a real cluster (the workload of steady-workload.mjs,
// or its floor with 'floor') at concurrency 1 under `perf sched record`, warmed up as the bench
// warms up, and reads the kernel's scheduler events of the measured phase: for every thread,
// how often it waited more than 0.5, 1 and 2 ms between its wake-up and getting a core; and,
// over the waits of more than 1 ms of the threads that serve requests, what each core was
// doing meanwhile (idle, a thread started with the process: V8's compiler and collector
// helpers; a thread started with the cluster: the node threads; the main thread; another
// process). docs/PERFORMANCE.md ("The thirteenth round") quotes it.
//
//   node scripts/sched-waits.mjs [node|client] [engine|floor] [requests]   (after npm run build)
//
// Linux with `perf` (Debian: linux-perf) and permission to trace the scheduler (root).
// Defaults: node engine 20,000 requests after the bench's 60,000 of warm-up.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { warmupPhases } from '../dist/bench/warmup.js';
import { FloorMesh } from '../dist/bench/floor.js';
import { checkMode, checkWholeNumbers, floorSpec, startWorkload } from './steady-workload.mjs';

const WARMUP = 60_000;
const MARK = 'SCHED-WAITS';

/** The monotonic clock in seconds: the clock `perf record -k CLOCK_MONOTONIC` stamps events with. */
const monotonicS = () => Number(process.hrtime.bigint()) / 1e9;
const threadIds = () => readdirSync('/proc/self/task').map(Number);

if (process.argv[2] === '--inner') {
  const [, , , mode, what, requests] = process.argv;
  const early = threadIds().filter((tid) => tid !== process.pid);
  let from = 0;
  let to = 0;
  if (what === 'floor') {
    const mesh = await FloorMesh.start(5);
    try {
      await mesh.measure({ ...floorSpec(mode, 1, 1000), warmupOps: WARMUP });
      from = monotonicS();
      await mesh.measure({ ...floorSpec(mode, 1, Number(requests)), warmupOps: 0 });
      to = monotonicS();
    } finally {
      await mesh.close();
    }
  } else {
    const { cluster, run } = await startWorkload(mode, {}, 7);
    try {
      for (const phase of warmupPhases(WARMUP, 1)) await run(phase.concurrency, phase.ops);
      from = monotonicS();
      await run(1, Number(requests));
      to = monotonicS();
    } finally {
      await cluster.stop();
    }
  }
  console.log(`${MARK} ${JSON.stringify({ pid: process.pid, early, from, to })}`);
} else {
  const [mode = 'node', what = 'engine', requests = '20000'] = process.argv.slice(2);
  checkMode(mode);
  if (what !== 'engine' && what !== 'floor') throw new Error(`engine or floor, got ${what}`);
  checkWholeNumbers([['requests', Number(requests)]], 1);
  const dir = mkdtempSync(join(tmpdir(), 'sched-waits-'));
  try {
    const data = join(dir, 'perf.data');
    const out = execFileSync('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-o', data, '--', process.execPath, fileURLToPath(import.meta.url), '--inner', mode, what, requests], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 24,
    });
    const marked = out.split('\n').find((line) => line.startsWith(MARK));
    if (!marked) throw new Error('the measured run did not report its threads');
    const run = JSON.parse(marked.slice(MARK.length + 1));
    const timehist = execFileSync('perf', ['sched', 'timehist', '-i', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 30 });
    report(mode, what, Number(requests), run, timehist);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One line of `perf sched timehist`: at `endS` the task left CPU `cpu` after running `runMs`,
 * having waited `delayMs` between its wake-up and the start of that run.
 */
function parseLine(line) {
  const match = /^\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$/.exec(line);
  if (!match) return null;
  const [, endS, cpu, task, , delayMs, runMs] = match;
  const ids = /\[(\d+)(?:\/(\d+))?\]$/.exec(task);
  const tid = task === '<idle>' ? 0 : Number(ids?.[1] ?? -1);
  const pid = task === '<idle>' ? 0 : Number(ids?.[2] ?? ids?.[1] ?? -1);
  return { endS: Number(endS), cpu: Number(cpu), idle: task === '<idle>', tid, pid, delayMs: Number(delayMs), runMs: Number(runMs) };
}

function report(mode, what, requests, run, timehist) {
  const early = new Set(run.early);
  const groupOf = (entry) => {
    if (entry.idle) return 'idle';
    if (entry.pid !== run.pid) return 'another process';
    if (entry.tid === run.pid) return 'the main thread';
    return early.has(entry.tid) ? 'a thread started with the process' : 'a thread started with the cluster';
  };
  const perCpu = new Map();
  const threads = new Map();
  const waits = [];
  for (const line of timehist.split('\n')) {
    const entry = parseLine(line);
    if (!entry) continue;
    const startS = entry.endS - entry.runMs / 1000;
    if (entry.endS < run.from || startS > run.to) continue;
    const spans = perCpu.get(entry.cpu) ?? [];
    spans.push({ fromS: startS, toS: entry.endS, group: groupOf(entry) });
    perCpu.set(entry.cpu, spans);
    if (entry.idle || entry.pid !== run.pid) continue;
    const thread = threads.get(entry.tid) ?? { group: groupOf(entry), runMs: 0, runs: 0, over: [0, 0, 0], maxMs: 0 };
    thread.runMs += entry.runMs;
    thread.runs++;
    [0.5, 1, 2].forEach((limit, i) => {
      if (entry.delayMs > limit) thread.over[i]++;
    });
    thread.maxMs = Math.max(thread.maxMs, entry.delayMs);
    threads.set(entry.tid, thread);
    if (entry.delayMs > 1 && thread.group !== 'a thread started with the process') waits.push({ fromS: startS - entry.delayMs / 1000, toS: startS });
  }
  const seconds = run.to - run.from;
  console.log(`${what}, ${mode} coordination, concurrency 1: ${requests} requests measured in ${seconds.toFixed(2)} s after the bench's warm-up of ${WARMUP}`);
  console.log('thread                                  run ms  runs  waits >0.5 ms  >1 ms  >2 ms  longest ms');
  const order = ['the main thread', 'a thread started with the cluster', 'a thread started with the process'];
  const rows = [...threads].filter(([, t]) => t.runMs >= 1).sort((a, b) => order.indexOf(a[1].group) - order.indexOf(b[1].group) || a[0] - b[0]);
  for (const [tid, t] of rows) {
    console.log(`${`${tid} (${t.group.replace('a thread ', '')})`.padEnd(38)} ${t.runMs.toFixed(0).padStart(7)} ${String(t.runs).padStart(6)} ${String(t.over[0]).padStart(14)} ${String(t.over[1]).padStart(6)} ${String(t.over[2]).padStart(6)} ${t.maxMs.toFixed(2).padStart(11)}`);
  }
  // What the cores did during the waits over 1 ms of the main thread and the node threads.
  const held = new Map();
  let total = 0;
  for (const wait of waits) {
    for (const spans of perCpu.values()) {
      for (const span of spans) {
        const overlap = Math.min(span.toS, wait.toS) - Math.max(span.fromS, wait.fromS);
        if (overlap <= 0) continue;
        held.set(span.group, (held.get(span.group) ?? 0) + overlap);
        total += overlap;
      }
    }
  }
  console.log(`${waits.length} waits of more than 1 ms by the main thread and the node threads (${(waits.length / seconds).toFixed(1)} a second); meanwhile the ${perCpu.size} cores ran:`);
  for (const [group, s] of [...held].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * s) / total).toFixed(1).padStart(5)}%  ${group}`);
}
