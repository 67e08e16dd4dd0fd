// Where the tail at concurrency 1 comes from: threads that were ready to run (woken because a
// message arrived, or preempted) and waited for a core. Runs a real cluster (the workload of
// steady-workload.mjs, or its floor with 'floor') at concurrency 1 under `perf sched record`,
// warmed up as the bench warms up and with its V8 flag (--no-parallel-scavenge), and reads the
// kernel's scheduler events of the measured phase: for every thread, how often it waited more
// than 0.5, 1 and 2 ms between being ready and getting a core (perf's "sch delay"); and, over
// the moments when the main thread or a node thread had been waiting more than 1 ms, what the
// cores were doing (idle, a thread that
// existed before the cluster: V8's compiler and collector helpers and libuv's; a thread
// started with the cluster: the node threads; the main thread; another process).
// docs/PERFORMANCE.md ("The thirteenth round") quotes it.
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
import { FloorMesh } from '../dist/bench/floor.js';
import { parseTimehistLine } from './perf-timehist.mjs';
import { checkMode, checkWholeNumbers, floorSpec, startWorkload } from './steady-workload.mjs';

const WARMUP = 60_000;
const MARK = 'SCHED-WAITS';
const MAIN = 'the main thread';
const NODE_THREAD = 'a thread started with the cluster';
const HELPER = 'a thread that existed before the cluster';

/** The monotonic clock in seconds: the clock `perf record -k CLOCK_MONOTONIC` stamps events with. */
const monotonicS = () => Number(process.hrtime.bigint()) / 1e9;
const threadIds = () => readdirSync('/proc/self/task').map(Number);

if (process.argv[2] === '--inner') {
  const [, , , mode, what, requests] = process.argv;
  const early = threadIds().filter((tid) => tid !== process.pid);
  let late = [];
  let from = 0;
  let to = 0;
  if (what === 'floor') {
    const mesh = await FloorMesh.start(5);
    try {
      await mesh.measure({ ...floorSpec(mode, 1, 1000), warmupOps: WARMUP });
      late = threadIds();
      from = monotonicS();
      await mesh.measure({ ...floorSpec(mode, 1, Number(requests)), warmupOps: 0 });
      to = monotonicS();
    } finally {
      await mesh.close();
    }
  } else {
    const { cluster, run, warmUp } = await startWorkload(mode, {}, 7);
    try {
      await warmUp(1, WARMUP);
      late = threadIds();
      from = monotonicS();
      await run(1, Number(requests));
      to = monotonicS();
    } finally {
      await cluster.stop();
    }
  }
  console.log(`${MARK} ${JSON.stringify({ pid: process.pid, early, late, from, to })}`);
} else {
  const [mode = 'node', what = 'engine', requests = '20000'] = process.argv.slice(2);
  checkMode(mode);
  if (what !== 'engine' && what !== 'floor') throw new Error(`engine or floor, got ${what}`);
  checkWholeNumbers([['requests', Number(requests)]], 1);
  const dir = mkdtempSync(join(tmpdir(), 'sched-waits-'));
  try {
    const data = join(dir, 'perf.data');
    // The young generation collected on the collecting thread, as the bench runs (bench/cli.ts).
    const out = execFileSync('perf', ['sched', 'record', '-k', 'CLOCK_MONOTONIC', '-o', data, '--', process.execPath, '--no-parallel-scavenge', fileURLToPath(import.meta.url), '--inner', mode, what, requests], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    });
    const marked = out.split('\n').find((line) => line.startsWith(MARK));
    if (!marked) throw new Error('the measured run did not report its threads');
    const run = JSON.parse(marked.slice(MARK.length + 1));
    // perf's own warnings (lost events among them) go to the terminal.
    const timehist = execFileSync('perf', ['sched', 'timehist', '-i', data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
    report(mode, what, Number(requests), run, timehist);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The union of `intervals` ({ fromS, toS }), as sorted disjoint intervals. */
function union(intervals) {
  const sorted = [...intervals].sort((a, b) => a.fromS - b.fromS);
  const out = [];
  for (const interval of sorted) {
    const last = out.at(-1);
    if (last && interval.fromS <= last.toS) last.toS = Math.max(last.toS, interval.toS);
    else out.push({ ...interval });
  }
  return out;
}

function report(mode, what, requests, run, timehist) {
  // A thread by its id: this process's threads were listed before the cluster started and
  // again once it was warm (a thread that came and went meanwhile counts as another process's).
  const early = new Set(run.early);
  const ours = new Set(run.late);
  const groupOf = (entry) => {
    if (entry.idle) return 'idle';
    if (entry.tid === run.pid) return MAIN;
    if (early.has(entry.tid)) return HELPER;
    return ours.has(entry.tid) ? NODE_THREAD : 'another process';
  };
  const spansByCpu = new Map();
  const threads = new Map();
  const waits = [];
  let untold = 0;
  for (const line of timehist.split('\n')) {
    const entry = parseTimehistLine(line);
    if (!entry) continue;
    if (!entry.idle && entry.tid === undefined) {
      untold++;
      continue;
    }
    const startS = entry.endS - entry.runMs / 1000;
    // Only the measured phase, runs cut at its edges.
    if (entry.endS < run.from || startS > run.to) continue;
    const fromS = Math.max(startS, run.from);
    const toS = Math.min(entry.endS, run.to);
    const group = groupOf(entry);
    const spans = spansByCpu.get(entry.cpu) ?? [];
    spans.push({ fromS, toS, group });
    spansByCpu.set(entry.cpu, spans);
    if (group === 'idle' || group === 'another process' || startS < run.from) continue;
    const thread = threads.get(entry.tid) ?? { group, runMs: 0, runs: 0, over: [0, 0, 0], maxMs: 0 };
    thread.runMs += Math.max(0, toS - fromS) * 1000;
    thread.runs++;
    [0.5, 1, 2].forEach((limit, i) => {
      if (entry.delayMs > limit) thread.over[i]++;
    });
    thread.maxMs = Math.max(thread.maxMs, entry.delayMs);
    threads.set(entry.tid, thread);
    // The part of a wait past its first millisecond: a moment when that thread had been waiting more than 1 ms.
    if (entry.delayMs > 1 && thread.group !== HELPER) waits.push({ fromS: startS - (entry.delayMs - 1) / 1000, toS: startS });
  }
  const seconds = run.to - run.from;
  console.log(`${what}, ${mode} coordination, concurrency 1: ${requests} requests measured in ${seconds.toFixed(2)} s after the bench's warm-up of ${WARMUP}`);
  if (untold > 0) console.log(`(${untold} scheduler lines named a task whose ids perf cut off: left out)`);
  console.log('thread                                                 run ms    runs  waits >0.5 ms  >1 ms  >2 ms  longest ms');
  const order = [MAIN, NODE_THREAD, HELPER];
  const rows = [...threads].filter(([, t]) => t.runMs >= 1).sort((a, b) => order.indexOf(a[1].group) - order.indexOf(b[1].group) || a[0] - b[0]);
  for (const [tid, t] of rows) {
    console.log(`${`${tid} (${t.group})`.padEnd(52)} ${t.runMs.toFixed(0).padStart(7)} ${String(t.runs).padStart(7)} ${String(t.over[0]).padStart(14)} ${String(t.over[1]).padStart(6)} ${String(t.over[2]).padStart(6)} ${t.maxMs.toFixed(2).padStart(11)}`);
  }
  const waitCount = waits.length;
  const waiting = union(waits);
  const waitingS = waiting.reduce((sum, interval) => sum + interval.toS - interval.fromS, 0);
  const coreTimeByGroup = new Map();
  let coreTime = 0;
  for (const moment of waiting) {
    for (const spans of spansByCpu.values()) {
      for (const span of spans) {
        const overlap = Math.min(span.toS, moment.toS) - Math.max(span.fromS, moment.fromS);
        if (overlap <= 0) continue;
        coreTimeByGroup.set(span.group, (coreTimeByGroup.get(span.group) ?? 0) + overlap);
        coreTime += overlap;
      }
    }
  }
  console.log(`${waitCount} waits of more than 1 ms by the main thread and the node threads (${(waitCount / seconds).toFixed(1)} a second); for ${(waitingS * 1000).toFixed(0)} ms one of them had been waiting more than 1 ms, and meanwhile the ${spansByCpu.size} cores ran:`);
  for (const [group, s] of [...coreTimeByGroup].sort((a, b) => b[1] - a[1])) console.log(`  ${((100 * s) / coreTime).toFixed(1).padStart(5)}%  ${group}`);
}
