/**
 * The fault layer's per-link tallies: each arrival counts on its sender's link, and each
 * fault (a cut either way, chaos loss, duplication, delay) on the link it acted on, while the
 * layer's totals stay what they were.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/messages.js';
import { EventQueue } from '../src/sim/event-queue.js';
import { FaultLayer, MAX_TALLIED_PEERS, OTHER_PEERS } from '../src/transport/fault-layer.js';

const ping = (seq: number): Message => ({ kind: 'ping', seq }) as unknown as Message;
const ZERO = { received: 0, droppedOut: 0, droppedIn: 0, lost: 0, duplicated: 0, delayed: 0 };

/** A fault layer at `self` over a wire the test drives, on a virtual clock. */
function endpoint(self: string, random: () => number = () => 0.5): { arrive: (from: string, msg: unknown) => void; delivered: string[]; faults: FaultLayer; run: () => void } {
  let wire: (from: string, msg: unknown) => void = () => undefined;
  const queue = new EventQueue();
  let nowMs = 0;
  const faults = new FaultLayer({ send: () => undefined, onMessage: (handler) => (wire = handler) }, (delayMs, run) => queue.push(nowMs + delayMs, run), { self, random });
  const delivered: string[] = [];
  faults.onMessage((from) => delivered.push(from));
  const run = (): void => {
    for (let event = queue.popUntil(Infinity); event; event = queue.popUntil(Infinity)) {
      nowMs = event.atMs;
      event.run();
    }
  };
  return { arrive: (from, msg) => wire(from, msg), delivered, faults, run };
}

describe('link tallies - the fault layer', () => {
  it('counts every arrival on its sender\'s link, before faults act', () => {
    const at = endpoint('b');
    at.faults.setChaos([{ from: 'a', to: 'b', loss: 1 }]);
    for (let i = 0; i < 3; i++) at.arrive('a', ping(i));
    at.arrive('c', ping(9));
    expect(at.faults.linkTallies).toEqual({ a: { ...ZERO, received: 3, lost: 3 }, c: { ...ZERO, received: 1 } });
    expect(at.delivered).toEqual(['c']);
  });

  it('a cut counts dropped messages out on the link to the peer, and in on the link from it', () => {
    const at = endpoint('b');
    at.faults.setCut({ outbound: ['a'], inbound: ['c'] });
    at.faults.send('a', ping(1));
    at.faults.send('a', ping(2));
    at.arrive('c', ping(3));
    at.arrive('a', ping(4));
    expect(at.faults.linkTallies).toEqual({ a: { ...ZERO, received: 1, droppedOut: 2 }, c: { ...ZERO, received: 1, droppedIn: 1 } });
    expect(at.faults.counters.messagesDropped).toBe(3);
  });

  it('duplicates and delays count on the link they acted on; a cut made while delayed drops every copy in', () => {
    const at = endpoint('b');
    at.faults.setChaos([{ from: 'a', delayMs: [10, 10], duplicate: { probability: 1, factor: 3 } }]);
    at.arrive('a', ping(1));
    at.run();
    at.arrive('a', ping(2));
    at.faults.setCut({ outbound: [], inbound: ['a'] });
    at.run();
    expect(at.faults.linkTallies['a']).toEqual({ ...ZERO, received: 2, delayed: 2, duplicated: 2, droppedIn: 3 });
    expect(at.delivered).toEqual(['a', 'a', 'a']);
    expect(at.faults.counters).toEqual({ messagesDropped: 3, messagesLost: 0, messagesDuplicated: 2, messagesDelayed: 2 });
  });

  it('hands out copies: changing one changes nothing in the layer', () => {
    const at = endpoint('b');
    at.arrive('a', ping(1));
    const tallies = at.faults.linkTallies;
    (tallies['a'] as { received: number }).received = 99;
    expect(at.faults.linkTallies['a']?.received).toBe(1);
  });

  it('senders past the bound share one tally, so made-up ids cannot grow it without end', () => {
    const at = endpoint('b');
    for (let i = 0; i < MAX_TALLIED_PEERS + 10; i++) at.arrive(`peer${i}`, ping(i));
    const tallies = at.faults.linkTallies;
    expect(Object.keys(tallies)).toHaveLength(MAX_TALLIED_PEERS + 1);
    expect(tallies[OTHER_PEERS]?.received).toBe(10);
  });
});
