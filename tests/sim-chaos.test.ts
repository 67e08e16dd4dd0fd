/**
 * Chaos (random loss, duplication and delay, after Reactor's) in the fault layer and in the
 * simulator: each fault does what it says and is counted, clearing restores the network, a
 * seed replays the same chaos, and no acknowledged write is lost under a mix of all of them.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { EventQueue } from '../src/sim/event-queue.js';
import { SimCluster } from '../src/sim/sim-cluster.js';
import { InvalidChaosRule, type ChaosRule } from '../src/transport/chaos.js';
import { FaultLayer } from '../src/transport/fault-layer.js';
import { Prng } from '../src/util/prng.js';
import { SetAdders, union } from './helpers/set-adders.js';

const ping = (seq: number): Message => ({ kind: 'ping', seq }) as unknown as Message;

/** A fault layer at `self` over a wire the test drives, on a virtual clock. */
function endpoint(self: string, random: () => number): { arrive: (from: string, msg: unknown) => void; seen: [string, unknown][]; faults: FaultLayer; queue: EventQueue; run: () => void } {
  let wire: (from: string, msg: unknown) => void = () => undefined;
  const queue = new EventQueue();
  let nowMs = 0;
  const faults = new FaultLayer({ send: () => undefined, onMessage: (handler) => (wire = handler) }, (delayMs, run) => queue.push(nowMs + delayMs, run), { self, random });
  const seen: [string, unknown][] = [];
  faults.onMessage((from, msg) => seen.push([from, msg]));
  const run = (): void => {
    for (let event = queue.popUntil(Infinity); event; event = queue.popUntil(Infinity)) {
      nowMs = event.atMs;
      event.run();
    }
  };
  return { arrive: (from, msg) => wire(from, msg), seen, faults, queue, run };
}

describe('chaos - the fault layer', () => {
  it('loss 1 on a link drops everything on it, counted, and nothing on other links', () => {
    const at = endpoint('b', Math.random);
    at.faults.setChaos([{ from: 'a', to: 'b', loss: 1 }]);
    for (let i = 0; i < 10; i++) at.arrive('a', ping(i));
    at.arrive('c', ping(99));
    expect(at.seen).toEqual([['c', ping(99)]]);
    expect(at.faults.counters).toMatchObject({ messagesLost: 10, messagesDuplicated: 0 });
  });

  it('duplication with factor k delivers each message k times in all (k-1 extra copies), each a copy of its own', () => {
    const at = endpoint('b', Math.random);
    at.faults.setChaos([{ node: 'b', duplicate: { probability: 1, factor: 3 } }]);
    const original = ping(1);
    at.arrive('a', original);
    at.arrive('a', ping(2));
    expect(at.seen.map(([, msg]) => (msg as { seq: number }).seq)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(at.seen[1]?.[1]).not.toBe(original);
    expect(at.faults.counters.messagesDuplicated).toBe(4);
  });

  it('each delayed message draws its own delay, so a later one overtakes an earlier one', () => {
    const draws = [0.9, 0.1]; // the first message waits 45 ms, the second 5 ms
    const at = endpoint('b', () => draws.shift() ?? 0);
    at.faults.setChaos([{ from: 'a', delayMs: [0, 50] }]);
    at.arrive('a', ping(1));
    at.arrive('a', ping(2));
    expect(at.seen).toEqual([]);
    at.run();
    expect(at.seen.map(([, msg]) => (msg as { seq: number }).seq)).toEqual([2, 1]);
    expect(at.faults.counters.messagesDelayed).toBe(2);
  });

  it('a message held back when a cut is made is lost, and counted as dropped', () => {
    const at = endpoint('b', () => 0.5);
    at.faults.setChaos([{ node: 'b', delayMs: [10, 10], duplicate: { probability: 1, factor: 2 } }]);
    at.arrive('a', ping(1));
    at.faults.setCut({ outbound: ['a'], inbound: ['a'] });
    at.run();
    expect(at.seen).toEqual([]);
    expect(at.faults.counters.messagesDropped).toBe(2);
  });

  it('rules select by arrival: node is what it receives, from/to a link, either side may be left out', () => {
    const at = endpoint('b', Math.random);
    at.faults.setChaos([{ node: 'a', loss: 1 }, { from: 'c', to: 'a', loss: 1 }, { to: 'z', loss: 1 }]);
    at.arrive('a', ping(1));
    at.arrive('c', ping(2));
    expect(at.seen).toHaveLength(2);
    at.faults.setChaos([{ from: 'c', loss: 1 }]);
    at.arrive('c', ping(3));
    at.arrive('a', ping(4));
    expect(at.seen.map(([from]) => from)).toEqual(['a', 'c', 'a']);
  });
});

function ok<T extends GetOutcome | PutOutcome>(outcome: T): Extract<T, { ok: true }> {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome as Extract<T, { ok: true }>;
}

/** Messages the network handed over on each link, before the receiving fault layer. */
function tapLinks(sim: SimCluster): Map<string, number> {
  const links = new Map<string, number>();
  sim.tap((_, from, to) => links.set(`${from}>${to}`, (links.get(`${from}>${to}`) ?? 0) + 1));
  return links;
}

describe('chaos - in the simulator', () => {
  it('loss 1 on a link drops everything on it and is counted; clearChaos restores it', () => {
    const sim = new SimCluster({ seed: 21, nodes: 5, mode: 'client' });
    const [owner = ''] = sim.preferenceList('k', 3);
    const links = tapLinks(sim);
    sim.chaos({ from: 'client', to: owner, loss: 1 });
    const put = ok(sim.put('k', 'v', { w: 2 }));
    expect(put.ackedBy).not.toContain(owner);
    sim.runFor(200);
    expect(links.get(`client>${owner}`)).toBeGreaterThan(0);
    expect(sim.faultCounters(owner).messagesLost).toBe(links.get(`client>${owner}`));
    sim.clearChaos();
    const lostBefore = sim.faultCounters().messagesLost;
    sim.runFor(sim.tuning.suspectForMs + 200);
    expect(ok(sim.put('k', 'w', { w: 3 })).ackedBy).toContain(owner);
    expect(sim.faultCounters().messagesLost).toBe(lostBefore);
  });

  it('duplication with factor k delivers k-1 extra copies of every message to the node, and the data stays right', () => {
    // Regression: a client.put delivered twice to the node it was sent to was minted twice, and
    // one request became several sibling versions of one value.
    const sim = new SimCluster({ seed: 22, nodes: 5, mode: 'node' });
    const links = tapLinks(sim);
    sim.chaos({ node: 'node-2', duplicate: { probability: 1, factor: 3 } });
    for (let i = 0; i < 10; i++) ok(sim.put(`k${i}`, i));
    sim.runFor(300);
    const toNode2 = [...links].filter(([link]) => link.endsWith('>node-2')).reduce((n, [, count]) => n + count, 0);
    expect(toNode2).toBeGreaterThan(0);
    expect(sim.faultCounters('node-2').messagesDuplicated).toBe(2 * toNode2);
    for (let i = 0; i < 10; i++) expect(ok(sim.get(`k${i}`, { r: 3 })).versions.map((v) => v.value)).toEqual([i]);
  });

  it('a delay rule holds messages back: requests take longer and still succeed', () => {
    const latency = (delay: boolean): number => {
      const sim = new SimCluster({ seed: 23, nodes: 3, mode: 'client' });
      if (delay) sim.chaos({ to: 'client', delayMs: [20, 40] });
      const start = sim.nowMs;
      ok(sim.put('k', 1, { w: 3 }));
      if (delay) expect(sim.faultCounters('client').messagesDelayed).toBeGreaterThanOrEqual(3);
      return sim.nowMs - start;
    };
    expect(latency(true)).toBeGreaterThanOrEqual(latency(false) + 20);
  });

  it('rejects a bad rule naming the field, and an unknown node', () => {
    const sim = new SimCluster({ seed: 24, nodes: 3 });
    const field = (rule: unknown): string | undefined => {
      try {
        sim.chaos(rule as ChaosRule);
      } catch (error) {
        if (error instanceof InvalidChaosRule) return error.field;
        throw error;
      }
      return undefined;
    };
    expect(field({ node: 'node-9', loss: 0.1 })).toBe('node');
    expect(field({ node: 'node-1', loss: 1.5 })).toBe('loss');
    expect(field({ from: 'client', duplicate: { probability: 0.1, factor: 0 } })).toBe('duplicate.factor');
    expect(field({ to: 'node-2', delayMs: [5, 1] })).toBe('delayMs');
    expect(field({ to: 'node-2', lose: 0.5 })).toBe('lose');
    expect(field({ to: 'node-2' })).toBe('loss');
  });
});

describe('chaos - the same seed replays the same chaos', () => {
  it('counters and outcomes are equal across two runs', () => {
    const run = (): string => {
      const sim = new SimCluster({ seed: 25, nodes: 5, mode: 'node', tuning: { requestTimeoutMs: 400 } });
      sim.chaos({ node: 'node-1', loss: 0.3, duplicate: { probability: 0.3, factor: 2 }, delayMs: [0, 30] });
      sim.chaos({ from: 'client', delayMs: [0, 10] });
      const out: unknown[] = [];
      for (let i = 0; i < 20; i++) out.push(sim.put(`k${i % 4}`, i).ok, sim.get(`k${(i + 1) % 4}`).ok);
      return JSON.stringify([out, sim.nowMs, sim.delivered, sim.faultCounters()]);
    };
    const first = run();
    expect(JSON.parse(first)[3].messagesLost).toBeGreaterThan(0);
    expect(run()).toBe(first);
  });
});

/**
 * Clients add elements to two sets by get / merge / put-with-context while chaos loses,
 * duplicates and delays messages on random links (and, with the nemesis, a partition comes and
 * goes and one node crashes and restarts empty); then chaos is cleared and hints delivered.
 */
function chaosWorkload(seed: number, mode: 'node' | 'client', nemesis = false): { acknowledged: Map<string, number[]>; final: Map<string, number[]>; faults: ReturnType<SimCluster['faultCounters']> } {
  const sim = new SimCluster({ seed, nodes: 5, mode, tuning: { requestTimeoutMs: 500 } });
  const prng = new Prng(seed);
  const endpoints = [...sim.nodeIds, 'client'];
  const pick = (): string => endpoints[prng.nextInt(endpoints.length)] ?? 'client';
  for (let i = 0; i < 8; i++) {
    const from = pick();
    const to = endpoints.filter((e) => e !== from)[prng.nextInt(endpoints.length - 1)] ?? 'client';
    sim.chaos({ from, to, loss: 0.2, duplicate: { probability: 0.2, factor: 2 }, delayMs: [0, 30] });
  }
  sim.chaos({ node: 'client', loss: 0.2, duplicate: { probability: 0.2, factor: 3 }, delayMs: [0, 10] });
  const keys = ['set-a', 'set-b'];
  const adders = new SetAdders(sim, 4, (i) => keys[i % keys.length] ?? 'set-a');
  const victim = sim.nodeIds[prng.nextInt(sim.nodeIds.length)] ?? 'node-1';
  for (let tick = 0; tick < 800; tick++) {
    // With the nemesis: a partition, then one crash (the node comes back empty), under the chaos.
    if (nemesis && tick === 150) sim.partition([sim.nodeIds.filter(() => prng.nextFloat() < 0.4)]);
    if (nemesis && tick === 300) sim.heal();
    if (nemesis && tick === 450) sim.stop(victim);
    if (nemesis && tick === 600) sim.restart(victim);
    adders.step();
    sim.runFor(5);
  }
  const faults = sim.faultCounters();
  sim.clearChaos();
  sim.runFor(5000);
  const final = new Map(keys.map((key) => [key, union(ok(sim.get(key, { r: 3 })))]));
  const acknowledged = new Map(keys.map((key) => [key, adders.acknowledged.get(key) ?? []]));
  return { acknowledged, final, faults };
}

describe.each(['node', 'client'] as const)('chaos - no acknowledged write is lost (%s coordination)', (mode) => {
  it.each([
    [31, false],
    [32, false],
    [33, false],
    [34, true],
    [35, true],
    [36, true],
  ])('loss 0.2, duplication 0.2 and delays on random links (seed %i, partition and crash: %s)', (seed, nemesis) => {
    const { acknowledged, final, faults } = chaosWorkload(seed, mode, nemesis);
    expect(faults.messagesLost).toBeGreaterThan(0);
    expect(faults.messagesDuplicated).toBeGreaterThan(0);
    expect(faults.messagesDelayed).toBeGreaterThan(0);
    expect([...acknowledged.values()].flat().length).toBeGreaterThan(15);
    for (const [key, elements] of acknowledged) {
      expect(elements.length, key).toBeGreaterThan(2);
      expect(elements.filter((e) => !(final.get(key) ?? []).includes(e)), key).toEqual([]);
    }
  });
});
