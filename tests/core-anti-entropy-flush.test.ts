import { describe, expect, it, vi } from 'vitest';
import { AntiEntropy } from '../src/core/anti-entropy.js';
import { DEFAULT_TUNING, type EngineTuning } from '../src/core/config.js';
import { EffectSink } from '../src/core/effects.js';
import { Ring } from '../src/core/ring.js';
import type { Siblings } from '../src/protocol/data.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { md5Hex } from '../src/util/md5.js';

const NODES = ['n1', 'n2', 'n3'];

function setUp(overrides: Partial<EngineTuning> = {}) {
  const tuning: EngineTuning = { ...DEFAULT_TUNING, maintenanceIntervalMs: 100, antiEntropyIntervalMs: 1000, ...overrides };
  const ring = Ring.of(NODES, tuning.vnodes, md5Hex);
  const data = new MemoryStore<Siblings>();
  const sink = new EffectSink();
  const ae = new AntiEntropy({
    nodeId: 'n1',
    tuning,
    sink,
    hash: md5Hex,
    ring: () => ring,
    epoch: () => 1,
    data,
    storeData: () => undefined,
    suspected: () => false,
  });
  ae.start(0);
  const write = (key: string, counter: number): void => {
    data.set(key, { versions: [{ value: `v${counter}`, deleted: false, dot: { actor: 'n1#1', counter, timeMs: counter } }], context: { clock: ['n1#1', counter, counter, 0] } });
    ae.changed(key);
  };
  return { ae, sink, write, digested: vi.spyOn(ae.trees, 'changed') };
}

describe('anti-entropy: changed keys go into the trees when the trees are read', () => {
  it('a maintenance round between exchanges leaves them marked; the round that starts exchanges takes each once', () => {
    const { ae, write, digested } = setUp();
    for (let round = 1; round <= 9; round++) {
      for (let counter = 1; counter <= 5; counter++) write('k', round * 10 + counter);
      write('j', round);
      ae.tick(round * 100);
    }
    expect(digested).not.toHaveBeenCalled();
    ae.tick(1000);
    // Two keys, however often each changed.
    expect(digested).toHaveBeenCalledTimes(2);
  });

  it('past a round\'s rebuild budget of marked keys, a round between exchanges takes them too', () => {
    const { ae, write, digested } = setUp({ antiEntropyRebuildKeysPerRound: 10 });
    for (let i = 0; i < 9; i++) write(`k${i}`, 1);
    ae.tick(100);
    expect(digested).not.toHaveBeenCalled();
    write('k9', 1);
    ae.tick(200);
    expect(digested).toHaveBeenCalledTimes(10);
  });

  it('a peer\'s exchange arriving between rounds is answered from trees that include every change', () => {
    const { ae, sink, write } = setUp();
    write('k', 1);
    sink.drain();
    // n2 starts an exchange over the one range, with an empty tree: n1 holds k, so the roots differ.
    ae.receive('n2', { kind: 'ae.compare', xid: 1, initiator: 'n2', range: 'n1,n2,n3', epoch: 1, level: 0, parents: [], nodes: [] }, 150);
    const answers = sink.drain().flatMap((effect) => (effect.kind === 'send' && effect.to === 'n2' ? [effect.msg] : []));
    expect(answers.map((msg) => msg.kind)).toEqual(['ae.compare']);
    expect(answers.some((msg) => msg.kind === 'ae.done' && msg.matched)).toBe(false);
  });

  it('what the node reports of its trees includes every change made since the last round', () => {
    const { ae, write } = setUp();
    // N = 3 on three nodes: every key is in n1's one range.
    const keysInTrees = (nowMs: number): number => ae.stats(nowMs).antiEntropyRanges.reduce((keys, range) => keys + range.keys, 0);
    write('k', 1);
    ae.tick(100);
    expect(keysInTrees(100)).toBe(1);
    write('other', 1);
    expect(keysInTrees(150)).toBe(2);
  });
});
