/**
 * Durability and anti-entropy together: a durable node goes down while writes go on without
 * it, comes back with what it had on disk, and Merkle-tree anti-entropy (§4.7) brings it the
 * rest, until all N copies of every key hold the same versions.
 *
 * How the node goes down: the nodes are threads of one process, so there is no process of one
 * node to kill; the SIGKILL of the whole process is the crash test (durable-crash.test.ts).
 * Here `stopNode` ends the node's thread while writes are in flight: the other nodes and the
 * client see it vanish as they would a crash. Its environment is closed cleanly, but under the
 * default durability that adds nothing a crash would lose of what the node acknowledged: the
 * commit gate sent no acknowledgement before the write was committed.
 *
 * Three nodes and N = 3: every key lives on every node, and with one down there is no node
 * left to hold a hint for it, so nothing but anti-entropy can repair it (nobody reads, so read
 * repair does not either). The restarted node is started behind a chaos rule that drops every
 * message it receives, which shows what it holds from its own disk before anything could reach it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, DynamoError, type Context, type InspectEntry } from '../src/index.js';
import { eventually } from './helpers/eventually.js';

const FIRST_KEYS = Array.from({ length: 120 }, (_, i) => `a${i}`);
const LANES = 8;
const DOWN = 'node-3';

/** One version as inspect shows it, comparable across nodes. */
const versionsOf = (entry: InspectEntry): string[] => entry.versions.map((v) => `${v.dot.actor}:${v.dot.counter}=${JSON.stringify(v.value)}`).sort();

/**
 * Whether every node holds its own copy of the key, all with the same versions and the same
 * clock; or, for a key none of whose writes was acknowledged, no node holds it (its one write
 * may have died with the node that coordinated it).
 */
function converged(entries: InspectEntry[], nodes: number, acknowledged: boolean): boolean {
  if (entries.length === 0) return !acknowledged;
  const own = entries.filter((e) => e.hintFor === undefined);
  if (own.length !== nodes || entries.length !== nodes) return false;
  const first = JSON.stringify([versionsOf(own[0]!), own[0]!.clock]);
  return own.every((e) => JSON.stringify([versionsOf(e), e.clock]) === first);
}

/**
 * Writers that keep writing until stopped: lane L overwrites the first keys it owns (index
 * modulo LANES), each write with the context of its last acknowledged one, and writes new keys
 * in between. A key's writes are issued one at a time, in order (`issued`), so a write that
 * failed can only have superseded the ones before it.
 */
function startWriters(cluster: Cluster): { stop: () => Promise<void>; acknowledged: () => number; issued: Map<string, string[]>; lastAcknowledged: Map<string, string> } {
  const issued = new Map<string, string[]>();
  const lastAcknowledged = new Map<string, string>();
  const contexts = new Map<string, Context>();
  let acknowledged = 0;
  let running = true;
  const lane = async (l: number): Promise<void> => {
    const own = FIRST_KEYS.filter((_, i) => i % LANES === l);
    for (let i = 0; running; i++) {
      const key = i % 2 === 0 ? own[(i / 2) % own.length]! : `b${l}-${i}`;
      const value = `${key}@${l}.${i}`;
      issued.set(key, [...(issued.get(key) ?? []), value]);
      const given = contexts.get(key);
      try {
        const { context } = await cluster.put(key, value, given === undefined ? {} : { context: given });
        contexts.set(key, context);
        lastAcknowledged.set(key, value);
        acknowledged++;
      } catch (error) {
        // A node vanishing may fail the writes it was coordinating; they may or may not be written.
        if (!(error instanceof DynamoError)) throw error;
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: LANES }, (_, l) => lane(l)));
  return {
    stop: async () => {
      running = false;
      await lanes;
    },
    acknowledged: () => acknowledged,
    issued,
    lastAcknowledged,
  };
}

describe('durable nodes and anti-entropy', () => {
  let cluster: Cluster | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('a node that went down while writes went on comes back with its data, and anti-entropy brings all N copies together', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dynamo-durable-ae-'));
    // A generous request time: a loaded 2-core machine must not fail the first writes at W = 3.
    cluster = await Cluster.start({ nodes: 3, n: 3, r: 2, w: 2, antiEntropyIntervalMs: 100, requestTimeoutMs: 3000, storage: { kind: 'lmdb', dir } });
    const c = cluster;
    // Written to every replica: the node to go down holds each of them.
    await Promise.all(FIRST_KEYS.map((key) => c.put(key, `${key}@first`, { w: 3 })));

    const writers = startWriters(c);
    await eventually(async () => writers.acknowledged(), (n) => n >= 50, { timeoutMs: 15_000 });
    await c.stopNode(DOWN);
    const atStop = writers.acknowledged();
    await eventually(async () => writers.acknowledged(), (n) => n >= atStop + 300, { timeoutMs: 15_000 });
    await writers.stop();
    const keys = [...writers.issued.keys(), ...FIRST_KEYS.filter((key) => !writers.issued.has(key))];
    const missedWhileDown = keys.filter((key) => key.startsWith('b')).slice(-50);

    // Back, but deaf: what it holds now is what it had on disk.
    await c.chaos({ node: DOWN, loss: 1 });
    await c.startNode(DOWN);
    const restarted = (await c.stats()).nodes.find((n) => n.nodeId === DOWN);
    expect(restarted?.storage?.boot).toBe(2);
    expect(restarted?.actorId).toMatch(/~2\.[0-9a-f]{8}$/);
    expect(restarted?.antiEntropyKeysReceived).toBe(0);
    const held = await Promise.all(FIRST_KEYS.map(async (key) => (await c.inspect(key)).some((e) => e.node === DOWN && e.hintFor === undefined && e.versions.length > 0)));
    expect(FIRST_KEYS.filter((_, i) => !held[i])).toEqual([]);
    // The last keys written went in after it stopped: it cannot have them yet.
    const early = await Promise.all(missedWhileDown.map(async (key) => (await c.inspect(key)).some((e) => e.node === DOWN)));
    expect(early.filter(Boolean)).toHaveLength(0);

    await c.clearChaos();
    const acknowledged = (key: string): boolean => FIRST_KEYS.includes(key) || writers.lastAcknowledged.has(key);
    let views: InspectEntry[][] = [];
    // Polled until no key is apart; on failure the keys still apart are what it shows.
    await eventually(
      async () => {
        views = await Promise.all(keys.map((key) => c.inspect(key)));
        return keys.filter((key, i) => !converged(views[i]!, 3, acknowledged(key)));
      },
      (apart) => apart.length === 0,
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const after = await c.stats();
    expect(after.nodes.find((n) => n.nodeId === DOWN)?.antiEntropyKeysReceived).toBeGreaterThanOrEqual(missedWhileDown.length);
    expect(after.totals.readRepairs).toBe(0);
    expect(after.totals.hintsPending).toBe(0);
    // Each key's last acknowledged write is in every copy, unless a write of it issued later
    // (one that failed while the node went down) superseded it.
    keys.forEach((key, i) => {
      if (!acknowledged(key)) return;
      const values = views[i]![0]!.versions.map((v) => v.value);
      const last = writers.lastAcknowledged.get(key) ?? `${key}@first`;
      const laterOrLast = (writers.issued.get(key) ?? []).slice((writers.issued.get(key) ?? []).indexOf(last));
      expect(values.some((value) => value === last || laterOrLast.includes(value as string)), key).toBe(true);
    });
  }, 60_000);
});
