// The crash test's child (scripts/crash-test.mjs starts it; not meant to be run by hand): a
// cluster on LMDB in the directory given. It first reads back every key of the test, at R = N,
// and reports what it read, with every version any node holds and its dot; then, in `write`
// mode, it writes under load until its parent kills it with SIGKILL, and reports each write
// only once its put has resolved; in `verify` mode it stops the cluster and exits.
//
// Output: one JSON line per event on stdout (writes to a pipe are synchronous on Linux, so a
// line written is the parent's even if the kill comes right after):
//   { kind: 'started', boots: { <node>: <boot> }, startMs }
//   { kind: 'read', key, values, versions: [{ value, dot: { actor, counter } }], actors }
//   { kind: 'writing' }                       (write mode: the writers have begun)
//   { kind: 'ack', key, value, dot }          (a put resolved; dot: the version it made)
//   { kind: 'failed', key, code }             (a put rejected: it may or may not have been written)
//   { kind: 'verified' }                      (verify mode: everything read back)
//   { kind: 'done' }                          (verify mode: then stopped cleanly)
//   { kind: 'error', message }                (then it exits with status 2)
//
// Keys: writer w owns `w<w>-k<i>` (i < keys per writer) and writes one at a time, each with the
// context of its previous put of that key, or of this run's read: so a key's writes form one
// chain, which is what lets the parent tell a lost write from one superseded (crash-check.mjs).
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { Cluster, DynamoError } from '../dist/index.js';
import { Prng } from '../dist/src/util/prng.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    cycle: { type: 'string' },
    mode: { type: 'string', default: 'write' },
    seed: { type: 'string', default: '1' },
    writers: { type: 'string', default: '16' },
    'keys-per-writer': { type: 'string', default: '16' },
    durability: { type: 'string', default: 'commit' },
    'max-life-ms': { type: 'string', default: '300000' },
  },
});

const cycle = Number(args.cycle);
const writers = Number(args.writers);
const keysPerWriter = Number(args['keys-per-writer']);
if (args.dir === undefined || !Number.isInteger(cycle) || cycle < 1 || (args.mode !== 'write' && args.mode !== 'verify')) {
  report({ kind: 'error', message: 'usage: crash-child.mjs --dir D --cycle C [--mode write|verify] [--seed S] [--writers W] [--keys-per-writer K] [--durability commit|flush]' });
  process.exit(2);
}

// A child whose parent is gone must not run on: its last resort, whatever its mode.
setTimeout(() => {
  report({ kind: 'error', message: `still running after ${args['max-life-ms']} ms: nobody killed it` });
  process.exit(3);
}, Number(args['max-life-ms'])).unref();

/** The ring of the test: every start must use the same (the directory's marker holds N and vnodes). */
const CLUSTER = { nodes: 5, n: 3, r: 2, w: 2 };
const HINTS_TIMEOUT_MS = 20_000;
const READ_ATTEMPTS = 5;
const READ_RETRY_MS = 200;

function report(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** The engine's seeded generator (src/util/prng.ts): the same seed, the same choices. */
function random(seed) {
  const prng = new Prng(seed >>> 0);
  return () => prng.nextFloat();
}

/**
 * The dot of the version a put made: the put's context is the one it was given plus that dot
 * (pruning only drops actors, never raises a counter), and the dot's counter is above any the
 * given context shows for its actor. So it is the one actor whose counter went up.
 */
function newDot(given, result) {
  const raised = Object.entries(result.clock).filter(([actor, entry]) => entry.counter > (given?.clock[actor]?.counter ?? 0));
  return raised.length === 1 ? { actor: raised[0][0], counter: raised[0][1].counter } : null;
}

/** Runs `work` on every item, at most `concurrency` at a time. */
async function eachLimited(items, concurrency, work) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A get at R = N; retried a few times, since a cluster just started under a loaded machine may miss a quorum. */
async function readAll(cluster, key) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cluster.get(key, { r: CLUSTER.n });
    } catch (error) {
      if (!(error instanceof DynamoError) || attempt === READ_ATTEMPTS) throw error;
      await pause(READ_RETRY_MS);
    }
  }
}

/** Every distinct version the nodes hold for `key`, own copies and hints alike, with its dot. */
async function heldVersions(cluster, key) {
  const seen = new Map();
  for (const entry of await cluster.inspect(key)) {
    for (const { value, dot } of entry.versions) seen.set(`${dot.actor}:${dot.counter}:${JSON.stringify(value)}`, { value, dot });
  }
  return [...seen.values()];
}

/**
 * Hints hold writes for replicas that did not answer in time; a read at R = N asks the home
 * replicas only, so it waits until the hints loaded from disk are delivered.
 */
async function hintsDelivered(cluster) {
  const deadline = Date.now() + HINTS_TIMEOUT_MS;
  for (;;) {
    const pending = (await cluster.stats()).totals.hintsPending;
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} hints still pending ${HINTS_TIMEOUT_MS} ms after the start`);
    await pause(50);
  }
}

async function writeForever(cluster, keys, contexts, seed) {
  let seq = 0;
  const writer = async (w) => {
    const next = random(seed * 7919 + w);
    const own = keys.filter((key) => key.startsWith(`w${w}-`));
    for (;;) {
      const key = own[Math.floor(next() * own.length)];
      const value = { cycle, seq: ++seq };
      const given = contexts.get(key);
      try {
        const { context } = await cluster.put(key, value, given === undefined ? {} : { context: given });
        contexts.set(key, context);
        report({ kind: 'ack', key, value, dot: newDot(given, context) });
      } catch (error) {
        if (!(error instanceof DynamoError)) throw error;
        // The old context stays: the next write of the key is concurrent with this one, not after it.
        report({ kind: 'failed', key, code: error.code });
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
}

async function main() {
  const startedAt = performance.now();
  const cluster = await Cluster.start({ ...CLUSTER, storage: { kind: 'lmdb', dir: args.dir, durability: args.durability } });
  const boots = Object.fromEntries((await cluster.stats()).nodes.map((node) => [node.nodeId, node.storage?.boot ?? null]));
  report({ kind: 'started', boots, startMs: Math.round(performance.now() - startedAt) });
  await hintsDelivered(cluster);
  const keys = Array.from({ length: writers * keysPerWriter }, (_, i) => `w${i % writers}-k${Math.floor(i / writers)}`);
  const contexts = new Map();
  await eachLimited(keys, 16, async (key) => {
    const read = await readAll(cluster, key);
    contexts.set(key, read.context);
    report({ kind: 'read', key, values: read.values, versions: await heldVersions(cluster, key), actors: Object.keys(read.context.clock) });
  });
  if (args.mode === 'verify') {
    report({ kind: 'verified' });
    await cluster.stop();
    report({ kind: 'done' });
    return;
  }
  report({ kind: 'writing' });
  await writeForever(cluster, keys, contexts, Number(args.seed));
}

main().catch((error) => {
  report({ kind: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(2);
});
