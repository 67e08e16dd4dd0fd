// The crash test: a child process runs a cluster on LMDB and writes under load; this process
// records every write the child reports acknowledged, kills the child with SIGKILL at a random
// moment, starts a new child on the same directory, and checks what it reads back
// (crash-check.mjs): every acknowledged write is there at R = N (or superseded by a later write
// of its key), every node's boot count went up by one, and no dot was minted twice (a write
// after a restart never uses an actor seen before it, and no dot of a key names two values).
// After the last kill, one more child reads everything back and stops cleanly.
//
// Usage: npm run build && npm run crash-test -- [--cycles 50] [--seed S] [--keep]
// (node scripts/crash-test.mjs --help). tests/durable-crash.test.ts runs a few cycles of it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { parseArgs } from 'node:util';
import { CrashChecker } from './crash-check.mjs';
import { Prng } from '../dist/src/util/prng.js';

const CHILD = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
/** What the child runs: the built engine. */
const ENGINE = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export const CRASH_DEFAULTS = Object.freeze({
  cycles: 50,
  /** How long a child writes before it is killed: a random time between these. */
  minRunMs: 200,
  maxRunMs: 2000,
  writers: 16,
  keysPerWriter: 16,
  durability: 'commit',
  /** A child must have started and read everything back within this. */
  startTimeoutMs: 60_000,
  /** A killed child must be gone within this. */
  exitTimeoutMs: 10_000,
});

/** Children not yet known to be gone, and temporary directories not yet removed: both go if this process exits first (Ctrl-C). */
const living = new Set();
const temporary = new Set();
process.on('exit', () => {
  for (const child of living) child.kill('SIGKILL');
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The engine's seeded generator (src/util/prng.ts): the same seed, the same choices. */
function random(seed) {
  const prng = new Prng(seed >>> 0);
  return () => prng.nextFloat();
}

const plural = (count, noun) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A line of the child's output; anything but JSON (a library's warning) is kept as text. */
function parseEvent(line) {
  try {
    const event = JSON.parse(line);
    if (typeof event === 'object' && event !== null && typeof event.kind === 'string') return event;
  } catch {
    // not an event
  }
  return { kind: 'text', line };
}

/**
 * One child process: its events as they come (one JSON line each, handed to `onEvent`), and
 * waits for an event or its end, each bounded.
 */
class Child {
  #process;
  #closed;
  #waiters = [];
  #stderr = '';
  #ended = null;
  /** What the child said when it failed, if it did. */
  #error = null;

  constructor(args, onEvent) {
    this.#process = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    living.add(this.#process);
    let pending = '';
    this.#process.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      let end;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        // A line cut short by the kill has no newline, and is never read.
        const event = parseEvent(line);
        if (event.kind === 'error') this.#error = event.message;
        onEvent(event);
        this.#waiters = this.#waiters.filter((waiter) => !waiter(event));
      }
    });
    this.#process.stderr.setEncoding('utf8').on('data', (chunk) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#closed = new Promise((resolve) => {
      this.#process.on('close', (code, signal) => {
        living.delete(this.#process);
        this.#ended = { code, signal };
        for (const waiter of this.#waiters) waiter(null);
        resolve(this.#ended);
      });
    });
  }

  /** Resolves at the first event of `kind`; rejects if the child ends or reports an error first, or after `timeoutMs`. */
  reached(kind, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`the child did not report '${kind}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== watch);
      };
      const watch = (event) => {
        if (event !== null && event.kind !== kind && event.kind !== 'error') return false;
        clearTimeout(timer);
        if (event?.kind === kind) resolve(event);
        else reject(new Error(event === null ? `the child ended (${this.describeEnd()}) before reporting '${kind}'` : `the child failed: ${event.message}`));
        return true;
      };
      if (this.#ended !== null) watch(null);
      else this.#waiters.push(watch);
    });
  }

  /** Kills it with SIGKILL (a no-op once it is gone). */
  kill() {
    if (this.#ended === null) this.#process.kill('SIGKILL');
  }

  /** Resolves once it has exited and its output is read to the end; kills it and rejects after `timeoutMs`. */
  async closed(timeoutMs) {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => {
        this.kill();
        reject(new Error(`the child had not exited ${timeoutMs} ms later`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  describeEnd() {
    const { code, signal } = this.#ended ?? {};
    const how = `${signal ? `signal ${signal}` : `status ${code}`}${this.#error === null ? '' : `: ${this.#error}`}`;
    return this.#stderr.trim() === '' ? how : `${how}; its stderr ended with: ${this.#stderr.trim()}`;
  }
}

/**
 * Runs the crash test. Options: those of CRASH_DEFAULTS, `seed`, `dir` (else a new temporary
 * directory, removed at the end unless `keep`), `log` (a line of progress; console.log by
 * default), `beforeRestart(dir, cycle)` (called between a kill and the next start: a test
 * uses it to destroy data and see the checker fail). Resolves to the run's summary; the run has
 * failed if its `problems` are not empty.
 */
export async function runCrashTest(options = {}) {
  const settings = { ...CRASH_DEFAULTS, ...options };
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const log = options.log ?? ((line) => console.log(line));
  if (!existsSync(ENGINE)) throw new Error(`${ENGINE} is missing: run npm run build first`);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dynamo-crash-'));
  const removeDir = !options.keep && options.dir === undefined;
  if (removeDir) temporary.add(dir);
  const checker = new CrashChecker();
  const next = random(seed);
  const startedAt = performance.now();
  const cycles = [];
  let child = null;

  const startChild = (start, mode) => {
    checker.beginStart(start);
    const tally = { start, acknowledged: 0, failed: 0, startMs: 0, readMs: 0, readExactly: checker.counts.readExactly, superseded: checker.counts.superseded };
    const args = ['--dir', dir, '--cycle', String(start), '--mode', mode, '--seed', String(seed + start)];
    args.push('--writers', String(settings.writers), '--keys-per-writer', String(settings.keysPerWriter), '--durability', settings.durability);
    child = new Child(args, (event) => {
      if (event.kind === 'started') {
        tally.startMs = event.startMs;
        tally.readMs = performance.now();
        checker.checkBoots(event.boots);
      } else if (event.kind === 'writing' || event.kind === 'verified') {
        tally.readMs = Math.round(performance.now() - tally.readMs);
      } else if (event.kind === 'read') checker.checkRead(event);
      else if (event.kind === 'ack') {
        tally.acknowledged++;
        checker.recordAck(event);
      } else if (event.kind === 'failed') tally.failed++;
    });
    return tally;
  };
  /** What this start read back: how many keys had their last acknowledged value, how many a later write. */
  const readBack = (tally) => `read back in ${tally.readMs} ms: ${checker.counts.readExactly - tally.readExactly} keys as acknowledged, ${checker.counts.superseded - tally.superseded} superseded by a write in flight`;
  const problemsSince = (count) => (checker.problems.length > count ? `  ${checker.problems.length - count} PROBLEMS` : '');

  try {
    log(`crash test: ${plural(settings.cycles, 'kill cycle')}, seed ${seed}, ${settings.writers} writers on ${settings.writers * settings.keysPerWriter} keys, durability ${settings.durability}, in ${dir}`);
    for (let start = 1; start <= settings.cycles; start++) {
      const before = checker.problems.length;
      const tally = startChild(start, 'write');
      try {
        await child.reached('writing', settings.startTimeoutMs);
      } catch (error) {
        checker.fail(`start ${start}: ${error.message}`);
        break;
      }
      const runMs = Math.round(settings.minRunMs + next() * (settings.maxRunMs - settings.minRunMs));
      // Not a wait for work: the random moment of the kill is the point of the test.
      await new Promise((resolve) => setTimeout(resolve, runMs));
      child.kill();
      const end = await child.closed(settings.exitTimeoutMs);
      if (end.signal !== 'SIGKILL') checker.fail(`start ${start}: the child ended (${child.describeEnd()}) before it was killed`);
      cycles.push({ start, acknowledged: tally.acknowledged, failed: tally.failed, startMs: tally.startMs, readMs: tally.readMs, runMs });
      log(`cycle ${start}/${settings.cycles}: started in ${tally.startMs} ms, ${readBack(tally)}; wrote ${runMs} ms: ${tally.acknowledged} acknowledged, ${tally.failed} failed; SIGKILL${problemsSince(before)}`);
      if (checker.problems.length > before) break;
      options.beforeRestart?.(dir, start);
    }
    if (checker.problems.length === 0) {
      const last = settings.cycles + 1;
      const tally = startChild(last, 'verify');
      try {
        await child.reached('done', settings.startTimeoutMs);
        const end = await child.closed(settings.exitTimeoutMs);
        if (end.code !== 0) checker.fail(`final start: the child ended with ${child.describeEnd()}`);
      } catch (error) {
        checker.fail(`final start: ${error.message}`);
      }
      log(`final start: started in ${tally.startMs} ms, ${readBack(tally)}, stopped cleanly${problemsSince(0)}`);
    }
  } finally {
    child?.kill();
    await child?.closed(settings.exitTimeoutMs).catch(() => undefined);
    if (removeDir) {
      rmSync(dir, { recursive: true, force: true });
      temporary.delete(dir);
    }
  }
  const summary = { seed, dir, cycles, counts: { ...checker.counts }, keysAcknowledged: checker.keysAcknowledged, problems: checker.problems, wallMs: Math.round(performance.now() - startedAt) };
  for (const problem of summary.problems.slice(0, 20)) log(`  ${problem.kind} at start ${problem.cycle}${problem.key === undefined ? '' : `, key ${problem.key}`}: ${problem.message}`);
  if (summary.problems.length > 20) log(`  ... and ${summary.problems.length - 20} more`);
  const { acknowledged, readExactly, superseded } = summary.counts;
  const verdict = summary.problems.length === 0 ? 'passed: no acknowledged write lost, no dot minted twice, every boot counted' : `FAILED with ${summary.problems.length} problems (rerun: npm run crash-test -- --cycles ${settings.cycles} --seed ${seed} --keep)`;
  log(`crash test ${verdict}; ${plural(cycles.length, 'kill')}, ${acknowledged} writes acknowledged on ${summary.keysAcknowledged} keys, ${readExactly + superseded} reads of an acknowledged key checked, ${(summary.wallMs / 1000).toFixed(1)} s`);
  return summary;
}

const HELP = `Usage: npm run build && npm run crash-test -- [options]

Kills a child process running a cluster on LMDB (5 nodes, N=3, R=2, W=2) with SIGKILL while
16 writers write, restarts it on the same directory, and checks that every acknowledged write
reads back at R = N, that every node's boot count went up, and that no dot is minted twice.

  --cycles N      kill cycles (default ${CRASH_DEFAULTS.cycles})
  --seed S        seed of the kill moments and the writers' key choices (default: random, printed)
  --durability D  commit (default) or flush
  --keep          keep the data directory (printed) instead of removing it
  --help          this text

Exits 0 when nothing was lost, 1 on any loss or collision (each printed with its key), 2 on bad usage.`;

async function main() {
  let args;
  try {
    ({ values: args } = parseArgs({ options: { cycles: { type: 'string' }, seed: { type: 'string' }, durability: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${error.message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const cycles = args.cycles === undefined ? CRASH_DEFAULTS.cycles : Number(args.cycles);
  const seed = args.seed === undefined ? undefined : Number(args.seed);
  const durability = args.durability ?? CRASH_DEFAULTS.durability;
  if (!Number.isInteger(cycles) || cycles < 1 || (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) || (durability !== 'commit' && durability !== 'flush')) {
    console.error(`--cycles must be a positive integer, --seed a non-negative integer, --durability commit or flush\n\n${HELP}`);
    return 2;
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  const summary = await runCrashTest({ cycles, seed, durability, keep: args.keep === true });
  if (args.keep) console.log(`data kept in ${summary.dir}`);
  return summary.problems.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
