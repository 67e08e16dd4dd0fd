import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT, type CausalContext, type Dot } from '../src/core/causal-context.js';
import { EffectSink } from '../src/core/effects.js';
import { HandoffTracker } from '../src/core/handoff.js';
import { HintStore, hintKeyOf, type Hint } from '../src/core/hints.js';
import { contextOf, type Siblings, type Version } from '../src/core/versions.js';
import { MemoryStore } from '../src/storage/store.js';

function dot(actor: string, counter: number): Dot {
  return { actor, counter, timeMs: 0 };
}

function version(d: Dot, context: CausalContext = EMPTY_CONTEXT): Version {
  return { value: `${d.actor}${d.counter}`, deleted: false, dot: d, context };
}

function dotsOf(siblings: Siblings): string[] {
  return siblings.map((v) => `${v.dot.actor}:${v.dot.counter}`).sort();
}

/** The hint a store holds for (owner, key); fails the test when there is none. */
function hintOf(hints: HintStore, owner: string, key: string): Hint {
  const hint = hints.get(hintKeyOf(owner, key));
  if (hint === undefined) throw new Error(`no hint for ${owner}/${key}`);
  return hint;
}

const a1 = version(dot('a', 1));
const a2 = version(dot('a', 2));
const b1 = version(dot('b', 1));

describe('hints - HintStore', () => {
  it('hints - adding for a new (owner, key) stores a hint with the versions', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    expect(hints.size).toBe(1);
    const hint = hintOf(hints, 'p1', 'k');
    expect(hint).toMatchObject({ key: 'k', owner: 'p1' });
    expect(dotsOf(hint.siblings)).toEqual(['a:1']);
  });

  it('hints - adding again merges into the hint and changes its seq', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    const first = hintOf(hints, 'p1', 'k').seq;
    hints.add('p1', 'k', [b1]);
    const grown = hintOf(hints, 'p1', 'k');
    expect(dotsOf(grown.siblings)).toEqual(['a:1', 'b:1']);
    expect(grown.seq).not.toBe(first);
    // A newer version replaces what it supersedes, as in the node's own data.
    hints.add('p1', 'k', [version(dot('c', 1), contextOf([a1, b1]))]);
    expect(dotsOf(hintOf(hints, 'p1', 'k').siblings)).toEqual(['c:1']);
    expect(hints.size).toBe(1);
  });

  it('hints - adding versions the hint already has keeps its seq', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1, a2]);
    const before = hintOf(hints, 'p1', 'k');
    hints.add('p1', 'k', [a1]);
    expect(hintOf(hints, 'p1', 'k')).toBe(before);
  });

  it('hints - versionsOf merges a key across every owner it is held for', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    hints.add('p2', 'k', [b1]);
    hints.add('p2', 'other', [a2]);
    expect(dotsOf(hints.versionsOf('k'))).toEqual(['a:1', 'b:1']);
    expect(dotsOf(hints.versionsOf('other'))).toEqual(['a:2']);
    expect(hints.versionsOf('missing')).toEqual([]);
    expect(hints.forKey('k').map((h) => h.owner).sort()).toEqual(['p1', 'p2']);
    expect(hints.forKey('missing')).toEqual([]);
  });

  it('hints - versionsOf drops what one owner holds when another owner holds a newer version', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    hints.add('p2', 'k', [version(dot('a', 2), contextOf([a1]))]);
    expect(dotsOf(hints.versionsOf('k'))).toEqual(['a:2']);
  });

  it('hints - deleteIfUnchanged deletes the hint that was delivered', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    const delivered = hintOf(hints, 'p1', 'k');
    expect(hints.deleteIfUnchanged(hintKeyOf('p1', 'k'), delivered.seq)).toBe(true);
    expect(hints.size).toBe(0);
    expect(hints.versionsOf('k')).toEqual([]);
    expect(hints.pendingOwners().size).toBe(0);
    // A second ack of the same delivery finds nothing.
    expect(hints.deleteIfUnchanged(hintKeyOf('p1', 'k'), delivered.seq)).toBe(false);
  });

  it('hints - a hint that grew after delivery survives the ack of the older copy', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    const delivered = hintOf(hints, 'p1', 'k');
    hints.add('p1', 'k', [b1]);
    expect(hints.deleteIfUnchanged(hintKeyOf('p1', 'k'), delivered.seq)).toBe(false);
    expect(dotsOf(hints.versionsOf('k'))).toEqual(['a:1', 'b:1']);
    // The ack of the grown copy does delete it.
    expect(hints.deleteIfUnchanged(hintKeyOf('p1', 'k'), hintOf(hints, 'p1', 'k').seq)).toBe(true);
  });

  it('hints - deleting one owner hint of a key keeps the other owners hints', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    hints.add('p1', 'k', [a1]);
    hints.add('p2', 'k', [b1]);
    expect(hints.deleteIfUnchanged(hintKeyOf('p1', 'k'), hintOf(hints, 'p1', 'k').seq)).toBe(true);
    expect(dotsOf(hints.versionsOf('k'))).toEqual(['b:1']);
    expect([...hints.pendingOwners()]).toEqual(['p2']);
  });

  it('hints - pendingOwners lists each owner with hints waiting once', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    expect(hints.pendingOwners().size).toBe(0);
    hints.add('p1', 'k1', [a1]);
    hints.add('p1', 'k2', [a1]);
    hints.add('p2', 'k1', [b1]);
    expect([...hints.pendingOwners()].sort()).toEqual(['p1', 'p2']);
  });

  it('hints - forOwner returns only that owner hints, at most limit of them', () => {
    const hints = new HintStore(new MemoryStore<Hint>());
    for (let i = 0; i < 5; i++) hints.add('p1', `k${i}`, [a1]);
    hints.add('p2', 'k0', [b1]);
    expect(hints.forOwner('p1', 10)).toHaveLength(5);
    expect(hints.forOwner('p1', 3)).toHaveLength(3);
    expect(hints.forOwner('p1', 0)).toEqual([]);
    expect(hints.forOwner('p1', 10).every((h) => h.owner === 'p1')).toBe(true);
    expect(hints.forOwner('p2', 10).map((h) => h.key)).toEqual(['k0']);
    expect(hints.forOwner('nobody', 10)).toEqual([]);
  });

  it('hints - a store reopened over existing hints indexes them', () => {
    const store = new MemoryStore<Hint>();
    const first = new HintStore(store);
    first.add('p1', 'k', [a1]);
    first.add('p2', 'k', [b1]);
    const reopened = new HintStore(store);
    expect(reopened.size).toBe(2);
    expect(dotsOf(reopened.versionsOf('k'))).toEqual(['a:1', 'b:1']);
    expect([...reopened.pendingOwners()].sort()).toEqual(['p1', 'p2']);
    expect(reopened.forOwner('p1', 10)).toHaveLength(1);
    expect([...reopened.all()]).toHaveLength(2);
  });

  // Regression: HintStore used to restart its sequence at 1 when reopened over a non-empty
  // store, so the late ack of an old copy deleted a hint that had grown since.
  it('hints - a hint that grew after the store was reopened survives the ack of a copy delivered before', () => {
    const store = new MemoryStore<Hint>();
    const before = new HintStore(store);
    before.add('p1', 'k', [a1]);
    const delivered = hintOf(before, 'p1', 'k');
    // The node restarts over the same (durable) store while the owner's ack is in flight.
    const after = new HintStore(store);
    after.add('p1', 'k', [b1]);
    expect(dotsOf(hintOf(after, 'p1', 'k').siblings)).toEqual(['a:1', 'b:1']);
    expect(after.deleteIfUnchanged(hintKeyOf('p1', 'k'), delivered.seq)).toBe(false);
    expect(dotsOf(after.versionsOf('k'))).toEqual(['a:1', 'b:1']);
  });

  it('hints - the hint key keeps owner and key apart', () => {
    expect(hintKeyOf('p1', 'k')).not.toBe(hintKeyOf('p1k', ''));
    expect(hintKeyOf('a', 'b')).toBe(hintKeyOf('a', 'b'));
  });
});

describe('handoff - HandoffTracker', () => {
  it('handoff - completes only when every target acknowledged the current copy', () => {
    const tracker = new HandoffTracker();
    const { seq } = tracker.begin('k', ['n1', 'n2']);
    expect(tracker.size).toBe(1);
    expect(tracker.acknowledge('k', seq, 'n1')).toBe(false);
    expect(tracker.get('k')).toBeDefined();
    // A repeated ack from the same target does not count twice.
    expect(tracker.acknowledge('k', seq, 'n1')).toBe(false);
    expect(tracker.acknowledge('k', seq, 'n2')).toBe(true);
    expect(tracker.size).toBe(0);
    expect(tracker.get('k')).toBeUndefined();
    // Late duplicates after completion change nothing.
    expect(tracker.acknowledge('k', seq, 'n2')).toBe(false);
  });

  it('handoff - an ack from a node that is not a target is ignored', () => {
    const tracker = new HandoffTracker();
    const { seq } = tracker.begin('k', ['n1']);
    expect(tracker.acknowledge('k', seq, 'stranger')).toBe(false);
    expect(tracker.get('k')?.acked.size).toBe(0);
    expect(tracker.acknowledge('other-key', seq, 'n1')).toBe(false);
    expect(tracker.size).toBe(1);
  });

  it('handoff - a restarted handoff ignores acks of the older copy', () => {
    const tracker = new HandoffTracker();
    const old = tracker.begin('k', ['n1', 'n2']);
    expect(tracker.acknowledge('k', old.seq, 'n1')).toBe(false);
    const restarted = tracker.begin('k', ['n1', 'n2']);
    expect(restarted.seq).not.toBe(old.seq);
    // The earlier ack of n1 does not carry over, and old acks do not complete the new copy.
    expect(tracker.acknowledge('k', old.seq, 'n2')).toBe(false);
    expect(tracker.get('k')?.acked.size).toBe(0);
    expect(tracker.acknowledge('k', restarted.seq, 'n1')).toBe(false);
    expect(tracker.acknowledge('k', restarted.seq, 'n2')).toBe(true);
  });

  it('handoff - unacknowledged lists the (key, target) pairs still waiting, up to limit', () => {
    const tracker = new HandoffTracker();
    const k1 = tracker.begin('k1', ['n1', 'n2']);
    const k2 = tracker.begin('k2', ['n3']);
    tracker.acknowledge('k1', k1.seq, 'n1');
    expect(tracker.unacknowledged(10)).toEqual([
      { key: 'k1', seq: k1.seq, target: 'n2' },
      { key: 'k2', seq: k2.seq, target: 'n3' },
    ]);
    expect(tracker.unacknowledged(1)).toEqual([{ key: 'k1', seq: k1.seq, target: 'n2' }]);
    expect(tracker.unacknowledged(0)).toEqual([]);
  });

  it('handoff - cancel and clear forget pending handoffs', () => {
    const tracker = new HandoffTracker();
    const { seq } = tracker.begin('k1', ['n1']);
    tracker.begin('k2', ['n1']);
    tracker.cancel('k1');
    expect(tracker.acknowledge('k1', seq, 'n1')).toBe(false);
    expect(tracker.size).toBe(1);
    tracker.clear();
    expect(tracker.size).toBe(0);
    expect(tracker.unacknowledged(10)).toEqual([]);
  });
});

describe('effects - EffectSink', () => {
  it('effects - send and setTimer are collected in order and drain empties the sink', () => {
    const sink = new EffectSink();
    sink.send('n2', { kind: 'ping', seq: 1 });
    const timerId = sink.setTimer(25, () => undefined);
    expect(sink.drain()).toEqual([
      { kind: 'send', to: 'n2', msg: { kind: 'ping', seq: 1 } },
      { kind: 'setTimer', timerId, delayMs: 25 },
    ]);
    expect(sink.drain()).toEqual([]);
    // Draining forgets effects, not timers: the timer still fires.
    expect(sink.pendingTimers).toBe(1);
  });

  it('effects - timer ids are distinct and delays are whole non-negative milliseconds', () => {
    const sink = new EffectSink();
    const ids = [sink.setTimer(1.2, () => undefined), sink.setTimer(-5, () => undefined), sink.setTimer(0, () => undefined)];
    expect(new Set(ids).size).toBe(3);
    expect(sink.drain().map((e) => (e.kind === 'setTimer' ? e.delayMs : null))).toEqual([2, 0, 0]);
  });

  it('effects - a fired timer runs its callback once', () => {
    const sink = new EffectSink();
    let runs = 0;
    const timerId = sink.setTimer(10, () => runs++);
    sink.fire(timerId);
    sink.fire(timerId);
    expect(runs).toBe(1);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - a cancelled timer does not fire, and its cancellation is an effect', () => {
    const sink = new EffectSink();
    let runs = 0;
    const timerId = sink.setTimer(10, () => runs++);
    sink.drain();
    sink.cancelTimer(timerId);
    sink.fire(timerId);
    expect(runs).toBe(0);
    expect(sink.drain()).toEqual([{ kind: 'cancelTimer', timerId }]);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - cancelling a timer that fired or never existed emits nothing', () => {
    const sink = new EffectSink();
    const timerId = sink.setTimer(10, () => undefined);
    sink.fire(timerId);
    sink.drain();
    sink.cancelTimer(timerId);
    sink.cancelTimer(999);
    expect(sink.drain()).toEqual([]);
    // Firing an unknown id is ignored too: the host may deliver a stale timer.
    expect(() => sink.fire(999)).not.toThrow();
  });

  it('effects - a timer callback may set new timers and send messages into the same sink', () => {
    const sink = new EffectSink();
    const first = sink.setTimer(5, () => {
      sink.send('n1', { kind: 'pong', seq: 2 });
      sink.setTimer(5, () => undefined);
    });
    sink.drain();
    sink.fire(first);
    const effects = sink.drain();
    expect(effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    expect(sink.pendingTimers).toBe(1);
  });
});
