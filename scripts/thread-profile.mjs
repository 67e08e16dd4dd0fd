// Where each thread's CPU goes, by kind of work, for the engine or for its floor: runs
// scripts/thread-cost.mjs under `perf record` (call graphs, V8's JIT symbols from
// --perf-basic-prof), keeps the samples of its measured phase only, and sorts each sample by
// what its stack is doing: collecting garbage, compiling, posting a batch (serializing it and
// waking the receiver), receiving one (deserializing), running JavaScript (with the builtins
// and runtime calls it makes), the event loop's own native code, the kernel outside all of
// these. Each kind's share of a group of threads (the main thread, the node workers, V8's
// helpers) times that group's CPU per request from thread-cost gives microseconds a request.
//
//   node scripts/thread-profile.mjs [engine|floor] [node|client] [concurrency] [requests] [warmup]   (after npm run build)
//
// Linux with `perf` (Debian: linux-perf) and permission to record (root, or
// kernel.perf_event_paranoid <= 1). Defaults: engine node 64, 120,000 requests after 60,000 of
// warm-up. With THREAD_PROFILE_TOP=n it also lists, per group, the n JavaScript functions
// whose frames were nearest the leaf most often (the builtins they call count as theirs;
// functions V8 inlined count as their caller). docs/PERFORMANCE.md ("The tenth round")
// quotes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [what = 'engine', mode = 'node', concurrency = '64', requests = '120000', warmup = '60000'] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'thread-profile-'));
const topFunctions = Number(process.env.THREAD_PROFILE_TOP ?? 0);

const JAVASCRIPT = 'JavaScript (and its builtins)';

/** Kinds of work recognised anywhere in a stack, in the order they are tried. */
const STACK_KINDS = [
  ['garbage collection', /Scavenger|Heap::|MarkCompact|ConcurrentMarking|Sweeper|IncrementalMarking|MinorMC/],
  ['compiling', /compiler::|Compiler::|CompileLazy|OptimizingCompile|interpreter::|Parser::/],
  ['post (serialize, wake the receiver)', /ValueSerializer|MessagePort::PostMessage/],
  ['receive (deserialize)', /ValueDeserializer|Message::Deserialize/],
  [JAVASCRIPT, /JS:/],
  ['event loop (native)', /uv_run|uv__io_poll|epoll_/],
];

/** The JavaScript function nearest the leaf, without its code address: `name file:line:column`. */
function javaScriptOf(frames) {
  const frame = frames.find((f) => f.includes('JS:'));
  const match = frame === undefined ? null : /JS:[*~^+]?(\S*) (\S+)/.exec(frame);
  return match === null ? null : `${match[1] || '(anonymous)'} ${match[2].replace(/\+0x[0-9a-f]+$/, '').replace(/^.*\/dist\//, '')}`;
}

function kindOf(frames) {
  for (const [kind, pattern] of STACK_KINDS) if (frames.some((frame) => pattern.test(frame))) return kind;
  return frames[0]?.includes('[kernel') ? 'kernel (other)' : 'native (other)';
}

/** `perf` with `args`; a missing perf is named as such, not as a failed spawn. */
function runPerf(args, options) {
  try {
    return execFileSync('perf', args, options);
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('perf is not installed (Debian: apt-get install linux-perf)');
    throw error;
  }
}

/** thread-cost's figures: CPU per request by thread id ('main' for the main thread), and the measured phase. */
function parseThreadCost(output) {
  const perThread = new Map();
  const rows = /per thread \(us\/request\): (.*)/.exec(output)?.[1];
  const phase = /measured phase \(CLOCK_MONOTONIC, s\): ([0-9.]+)-([0-9.]+)/.exec(output);
  if (rows === undefined || phase === null) throw new Error(`unexpected output from thread-cost:\n${output}`);
  for (const row of rows.split(', ')) {
    const [name, us] = row.split(' ');
    perThread.set(name === 'main' ? 'main' : name.slice(name.lastIndexOf('/') + 1), Number(us));
  }
  return { perThread, from: phase[1], to: phase[2], summary: output.split('\n')[0] };
}

try {
  const data = join(dir, 'perf.data');
  const output = runPerf(
    ['record', '-q', '-k', 'CLOCK_MONOTONIC', '-F', '2999', '-g', '-o', data, '--', process.execPath, '--perf-basic-prof', join(here, 'thread-cost.mjs'), what, mode, concurrency, requests, warmup],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const cost = parseThreadCost(output);
  const script = runPerf(['script', '-i', data, '--time', `${cost.from},${cost.to}`, '-F', 'pid,tid,ip,sym,dso'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const samples = [];
  let pid = '';
  for (const block of script.split('\n\n')) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) continue;
    const [pidTid] = lines[0].trim().split(/\s+/);
    const [samplePid, tid] = pidTid.split('/');
    pid ||= samplePid;
    samples.push({ tid, frames: lines.slice(1).map((line) => line.trim()) });
  }
  const runsJavaScript = new Set(samples.filter((s) => s.frames.some((frame) => frame.includes('JS:'))).map((s) => s.tid));
  const groupOf = (tid) => (tid === pid ? 'main thread' : runsJavaScript.has(tid) ? 'node workers' : "V8's helpers");
  const groups = new Map();
  for (const { tid, frames } of samples) {
    const group = groupOf(tid);
    let entry = groups.get(group);
    if (!entry) groups.set(group, (entry = { samples: 0, kinds: new Map(), tids: new Set(), functions: new Map() }));
    entry.samples++;
    entry.tids.add(tid);
    const kind = kindOf(frames);
    entry.kinds.set(kind, (entry.kinds.get(kind) ?? 0) + 1);
    const fn = kind === JAVASCRIPT ? javaScriptOf(frames) : null;
    if (fn !== null) entry.functions.set(fn, (entry.functions.get(fn) ?? 0) + 1);
  }
  console.log(cost.summary);
  for (const [group, { samples: count, kinds, tids, functions }] of groups) {
    let us = 0;
    for (const tid of tids) us += cost.perThread.get(tid === pid ? 'main' : tid) ?? 0;
    console.log(`${group}: ${us.toFixed(1)} us/request (threads of 0.5 us a request or more), ${count} samples`);
    for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${((100 * n) / count).toFixed(1).padStart(5)}%  ${((us * n) / count).toFixed(1).padStart(5)} us  ${kind}`);
    }
    const top = [...functions].sort((a, b) => b[1] - a[1]).slice(0, topFunctions);
    for (const [fn, n] of top) console.log(`      ${((100 * n) / count).toFixed(1).padStart(5)}%  ${fn}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
