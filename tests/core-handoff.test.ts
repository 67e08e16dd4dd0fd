/**
 * Hinted handoff (§4.6) and membership handoff (§4.9) as state machines on their own: what
 * they keep, what they send, and when they let go of data.
 */
import { describe, expect, it } from 'vitest';
import { EffectSink, type Effect } from '../src/core/effects.js';
import { HintedHandoff, HintStore, type Hint } from '../src/core/hinted-handoff.js';
import { MembershipHandoff } from '../src/core/membership-handoff.js';
import { Ring } from '../src/core/ring.js';
import { mergeSiblings, NO_SIBLINGS, writeOf } from '../src/core/siblings.js';
import type { Dot, Siblings } from '../src/protocol/data.js';
import type { Message } from '../src/protocol/messages.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { md5Hex } from '../src/util/md5.js';

const LIMITS = { maxActors: 64, maxGaps: 64 };
const dot = (actor: string, counter: number): Dot => ({ actor, counter, timeMs: 0 });
const write = (d: Dot, over: Siblings = NO_SIBLINGS): Siblings => writeOf({ value: `${d.actor}${d.counter}`, deleted: false, dot: d }, over.context);
const dotsOf = (s: Siblings): string[] => s.versions.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort();
const sent = (effects: Effect[]): { to: string; msg: Message }[] => effects.flatMap((e) => (e.kind === 'send' ? [{ to: e.to, msg: e.msg }] : []));

function hintOf(hints: HintStore, owner: string, key: string): Hint {
  const hint = hints.get(owner, key);
  if (hint === undefined) throw new Error(`no hint for ${owner}/${key}`);
  return hint;
}

const a1 = write(dot('a', 1));
const b1 = write(dot('b', 1));

describe('hints - HintStore', () => {
  it('hints - adding for a new (owner, key) stores a hint, adding again merges and changes its seq', () => {
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    hints.add('p1', 'k', a1);
    const first = hintOf(hints, 'p1', 'k');
    expect(first).toMatchObject({ key: 'k', owner: 'p1' });
    hints.add('p1', 'k', b1);
    const grown = hintOf(hints, 'p1', 'k');
    expect(dotsOf(grown.siblings)).toEqual(['a:1', 'b:1']);
    expect(grown.seq).not.toBe(first.seq);
    // A newer version replaces what it supersedes, as in the node's own data.
    hints.add('p1', 'k', write(dot('c', 1), grown.siblings));
    expect(dotsOf(hintOf(hints, 'p1', 'k').siblings)).toEqual(['c:1']);
    expect(hints.size).toBe(1);
  });

  it('hints - adding what the hint already has keeps its seq', () => {
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    hints.add('p1', 'k', mergeSiblings(a1, b1));
    const before = hintOf(hints, 'p1', 'k');
    hints.add('p1', 'k', a1);
    expect(hintOf(hints, 'p1', 'k')).toBe(before);
  });

  it('hints - siblingsOf merges a key across every owner it is held for', () => {
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    hints.add('p1', 'k', a1);
    hints.add('p2', 'k', b1);
    hints.add('p2', 'other', write(dot('z', 1)));
    expect(dotsOf(hints.siblingsOf('k'))).toEqual(['a:1', 'b:1']);
    expect(hints.siblingsOf('absent')).toBe(NO_SIBLINGS);
    expect([...hints.pendingOwners()].sort()).toEqual(['p1', 'p2']);
    expect(hints.forOwner('p2', 10).map((h) => h.key).sort()).toEqual(['k', 'other']);
    expect(hints.forOwner('p2', 1)).toHaveLength(1);
  });

  it('hints - only the copy acknowledged is deleted: a hint that grew since stays', () => {
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    hints.add('p1', 'k', a1);
    const delivered = hintOf(hints, 'p1', 'k');
    hints.add('p1', 'k', b1);
    expect(hints.deleteIfUnchanged('p1', 'k', delivered.seq)).toBe(false);
    expect(hints.deleteIfUnchanged('p1', 'k', hintOf(hints, 'p1', 'k').seq)).toBe(true);
    expect(hints.size).toBe(0);
    expect(hints.pendingOwners().size).toBe(0);
  });

  it('hints - a store reopened over existing hints indexes them and never repeats their seq', () => {
    const backing = new MemoryStore<Hint>();
    const first = new HintStore(backing, LIMITS);
    first.add('p1', 'k', a1);
    const old = hintOf(first, 'p1', 'k');
    const reopened = new HintStore(backing, LIMITS);
    expect(dotsOf(reopened.siblingsOf('k'))).toEqual(['a:1']);
    reopened.add('p1', 'k', b1);
    expect(hintOf(reopened, 'p1', 'k').seq).toBeGreaterThan(old.seq);
    expect(reopened.deleteIfUnchanged('p1', 'k', old.seq)).toBe(false);
  });

  it('hints - a store started at a first seq never repeats an earlier start\'s numbers, even after every hint was delivered', () => {
    const backing = new MemoryStore<Hint>();
    // A durable node's first boot, then its second: every hint of the first was delivered.
    const first = new HintStore(backing, LIMITS, 1 * 2 ** 32);
    first.add('p1', 'k', a1);
    const delivered = hintOf(first, 'p1', 'k');
    expect(delivered.seq).toBe(2 ** 32);
    expect(first.deleteIfUnchanged('p1', 'k', delivered.seq)).toBe(true);
    expect(backing.size).toBe(0);
    const second = new HintStore(backing, LIMITS, 2 * 2 ** 32);
    second.add('p1', 'k', b1);
    expect(hintOf(second, 'p1', 'k').seq).toBe(2 * 2 ** 32);
    // The first boot's delivery, acknowledged late: it does not delete the new hint.
    expect(second.deleteIfUnchanged('p1', 'k', delivered.seq)).toBe(false);
    expect(dotsOf(hintOf(second, 'p1', 'k').siblings)).toEqual(['b:1']);
    // Kept hints still count: a number past theirs, whatever the first seq.
    backing.set('p2\u0000k', { key: 'k', owner: 'p2', siblings: a1, seq: 5 * 2 ** 32 });
    const third = new HintStore(backing, LIMITS, 3 * 2 ** 32);
    third.add('p3', 'k', a1);
    expect(hintOf(third, 'p3', 'k').seq).toBe(5 * 2 ** 32 + 1);
  });
});

describe('hints - the delivery protocol', () => {
  it('hints - a pong from an owner delivers a batch; its ack deletes exactly that copy', () => {
    const sink = new EffectSink();
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    const stored: string[] = [];
    const handoff = new HintedHandoff(hints, sink, 2, (key) => stored.push(key));
    for (const key of ['k1', 'k2', 'k3']) hints.add('p1', key, a1);
    expect([...handoff.ownersWaiting()]).toEqual(['p1']);
    handoff.ownerIsUp('p1');
    const deliveries = sent(sink.drain());
    expect(deliveries).toHaveLength(2);
    for (const { to, msg } of deliveries) {
      expect(to).toBe('p1');
      if (msg.kind !== 'hint.deliver') throw new Error(msg.kind);
      handoff.onAck('p1', { kind: 'hint.ack', key: msg.key, seq: msg.seq });
    }
    expect(hints.size).toBe(1);
    expect(handoff.delivered).toBe(2);
    // An ack from another node is not the owner's.
    const last = hints.forOwner('p1', 1)[0];
    if (!last) throw new Error('no hint left');
    handoff.onAck('p2', { kind: 'hint.ack', key: last.key, seq: last.seq });
    expect(hints.size).toBe(1);
  });

  it('hints - the owner merges a delivery into its data and acknowledges it', () => {
    const sink = new EffectSink();
    const stored: string[] = [];
    const owner = new HintedHandoff(new HintStore(new MemoryStore<Hint>(), LIMITS), sink, 8, (key) => stored.push(key));
    owner.onDelivery('fallback', { kind: 'hint.deliver', key: 'k', seq: 7, siblings: a1 });
    expect(stored).toEqual(['k']);
    expect(sent(sink.drain())).toEqual([{ to: 'fallback', msg: { kind: 'hint.ack', key: 'k', seq: 7 } }]);
  });
});

describe('handoff - membership changes', () => {
  function setup(nodes: string[], self: string, bounds = { scanBatch: 1_000, window: 1_000 }): { handoff: MembershipHandoff; data: MemoryStore<Siblings>; hints: HintStore; sink: EffectSink; setRing: (n: string[]) => void } {
    const data = new MemoryStore<Siblings>();
    const hints = new HintStore(new MemoryStore<Hint>(), LIMITS);
    const sink = new EffectSink();
    let ring = Ring.of(nodes, 8, md5Hex);
    const handoff: MembershipHandoff = new MembershipHandoff({
      nodeId: self,
      n: 2,
      data,
      hints,
      sink,
      ring: () => ring,
      ringEpoch: 1,
      ...bounds,
      storeData: (key, siblings) => {
        data.set(key, mergeSiblings(data.get(key) ?? NO_SIBLINGS, siblings));
        handoff.check(key);
      },
    });
    return { handoff, data, hints, sink, setRing: (n) => (ring = Ring.of(n, 8, md5Hex)) };
  }

  /** The first `count` keys that `owner` owns (N = 2) in `nodes` and `notOwner` does not. */
  function keysOwnedBy(nodes: string[], owner: string, notOwner: string | undefined, count = 1): string[] {
    const ring = Ring.of(nodes, 8, md5Hex);
    const keys: string[] = [];
    for (let i = 0; keys.length < count; i++) {
      const owners = ring.preferenceList(`key${i}`, 2);
      if (owners.includes(owner) && (notOwner === undefined || !owners.includes(notOwner))) keys.push(`key${i}`);
    }
    return keys;
  }
  const keyOwnedBy = (nodes: string[], owner: string, notOwner?: string): string => keysOwnedBy(nodes, owner, notOwner)[0] as string;

  it('handoff - a key no longer owned is offered to its owners and deleted only once all acknowledged', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a');
    const key = keyOwnedBy(['a', 'b', 'c'], 'a');
    data.set(key, a1);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    const offers = sent(sink.drain());
    expect(offers.map((o) => o.to).sort()).toEqual(['b', 'c']);
    const seq = offers[0]?.msg.kind === 'handoff' ? offers[0].msg.seq : -1;
    handoff.onAck('b', { kind: 'handoff.ack', key, seq });
    handoff.onAck('b', { kind: 'handoff.ack', key, seq });
    expect(data.get(key)).toBeDefined();
    handoff.onAck('stranger', { kind: 'handoff.ack', key, seq });
    expect(data.get(key)).toBeDefined();
    handoff.onAck('c', { kind: 'handoff.ack', key, seq });
    expect(data.get(key)).toBeUndefined();
    expect(handoff.handedOff).toBe(1);
    expect(handoff.size).toBe(0);
  });

  it('handoff - a key written again during its handoff is offered again; acks of the older copy drop nothing', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a');
    const key = keyOwnedBy(['a', 'b', 'c'], 'a');
    data.set(key, a1);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    const oldSeq = sent(sink.drain()).map((o) => (o.msg.kind === 'handoff' ? o.msg.seq : -1))[0] ?? -1;
    data.set(key, mergeSiblings(a1, b1));
    handoff.check(key);
    sink.drain();
    handoff.onAck('b', { kind: 'handoff.ack', key, seq: oldSeq });
    handoff.onAck('c', { kind: 'handoff.ack', key, seq: oldSeq });
    expect(data.get(key)).toBeDefined();
  });

  it('handoff - resends go round the keys waiting, so a dead owner cannot starve the others', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c', 'd'], 'a');
    const keys = keysOwnedBy(['a', 'b', 'c', 'd'], 'a', undefined, 3);
    for (const key of keys) data.set(key, a1);
    setRing(['b', 'c', 'd']);
    handoff.ringChanged(2);
    sink.drain();
    handoff.resend(2);
    const first = new Set(sent(sink.drain()).map((o) => (o.msg.kind === 'handoff' ? o.msg.key : '')));
    handoff.resend(2);
    const second = new Set(sent(sink.drain()).map((o) => (o.msg.kind === 'handoff' ? o.msg.key : '')));
    expect([...first, ...second].length).toBeGreaterThan(first.size);
  });

  it('handoff - a node handed a key from a newer ring keeps it and offers nothing until that ring arrives', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'c');
    // Under the old ring c does not own the key; under the new one (a gone) it does.
    const key = keysOwnedBy(['b', 'c'], 'c', undefined, 50).find((k) => !Ring.of(['a', 'b', 'c'], 8, md5Hex).preferenceList(k, 2).includes('c'));
    if (key === undefined) throw new Error('no key moves to c');
    handoff.onHandoff('a', { kind: 'handoff', key, seq: 1, siblings: a1, epoch: 2 });
    expect(sent(sink.drain())).toEqual([{ to: 'a', msg: { kind: 'handoff.ack', key, seq: 1 } }]);
    expect(handoff.size).toBe(0);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    expect(sent(sink.drain())).toEqual([]);
    expect(dotsOf(data.get(key) ?? NO_SIBLINGS)).toEqual(['a:1']);
  });

  it('handoff - a ring change checks a batch of keys per turn and keeps at most a window of keys waiting for acks', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a', { scanBatch: 10, window: 4 });
    const moving = keysOwnedBy(['a', 'b', 'c'], 'a', undefined, 30);
    for (const key of moving) data.set(key, a1);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    const offered = (effects: Effect[]): string[] => [...new Set(sent(effects).flatMap((o) => (o.msg.kind === 'handoff' ? [o.msg.key] : [])))];
    let effects = sink.drain();
    expect(offered(effects)).toHaveLength(4);
    // The window is full: no timer for the next turn; completed handoffs open it again.
    expect(effects.some((e) => e.kind === 'setTimer')).toBe(false);
    expect(handoff.size).toBe(30);
    const acked = new Set<string>();
    for (let round = 0; round < 40 && data.size > 0; round++) {
      for (const offer of sent(effects)) {
        if (offer.msg.kind !== 'handoff') continue;
        handoff.onAck(offer.to, { kind: 'handoff.ack', key: offer.msg.key, seq: offer.msg.seq });
        acked.add(offer.msg.key);
      }
      effects = sink.drain();
      expect(offered(effects).length).toBeLessThanOrEqual(4);
      for (const timer of effects) if (timer.kind === 'setTimer') sink.fire(timer.timerId);
      effects = [...effects, ...sink.drain()];
    }
    expect(data.size).toBe(0);
    expect([...acked].sort()).toEqual([...moving].sort());
    expect(handoff.size).toBe(0);
  });

  it('handoff - owners that never answer slow the scan to a window per maintenance round, they never stop it', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a', { scanBatch: 100, window: 4 });
    const moving = keysOwnedBy(['a', 'b', 'c'], 'a', undefined, 30);
    for (const key of moving) data.set(key, a1);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    const offered = new Set<string>();
    const note = (): void => {
      for (const o of sent(sink.drain())) if (o.msg.kind === 'handoff') offered.add(o.msg.key);
    };
    note();
    expect(offered.size).toBe(4);
    for (let round = 0; round < 10 && offered.size < moving.length; round++) {
      handoff.resend(0);
      note();
      expect(offered.size).toBeLessThanOrEqual(4 * (round + 2));
    }
    expect(offered.size).toBe(moving.length);
    expect(data.size).toBe(30);
  });

  it('handoff - a key deleted here while waiting for acks (reaped) stops waiting', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a');
    const key = keyOwnedBy(['a', 'b', 'c'], 'a');
    data.set(key, a1);
    setRing(['b', 'c']);
    handoff.ringChanged(2);
    sink.drain();
    expect(handoff.size).toBe(1);
    data.delete(key);
    handoff.resend(10);
    expect(handoff.size).toBe(0);
  });

  it('handoff - keys that stay are checked a batch per turn, each turn a zero-delay timer', () => {
    const { handoff, data, sink, setRing } = setup(['a', 'b', 'c'], 'a', { scanBatch: 10, window: 100 });
    const staying = keysOwnedBy(['a', 'b'], 'a', undefined, 25);
    for (const key of staying) data.set(key, a1);
    setRing(['a', 'b']);
    handoff.ringChanged(2);
    let turns = 0;
    for (let effects = sink.drain(); effects.some((e) => e.kind === 'setTimer'); effects = sink.drain()) {
      expect(handoff.size).toBe(25 - 10 * (turns + 1));
      turns++;
      for (const timer of effects) if (timer.kind === 'setTimer') sink.fire(timer.timerId);
    }
    expect(turns).toBe(2);
    expect(handoff.size).toBe(0);
    expect(data.size).toBe(25);
  });

  it('handoff - hints for a node that left become data and go to the key\'s owners', () => {
    const { handoff, data, hints, sink, setRing } = setup(['a', 'b', 'c', 'd'], 'a');
    const key = keyOwnedBy(['a', 'b', 'd'], 'b', 'a');
    hints.add('c', key, a1);
    setRing(['a', 'b', 'd']);
    handoff.ringChanged(2);
    expect(hints.size).toBe(0);
    expect(dotsOf(data.get(key) ?? NO_SIBLINGS)).toEqual(['a:1']);
    expect(sent(sink.drain()).map((o) => o.to).sort()).toEqual(['b', 'd']);
  });
});
