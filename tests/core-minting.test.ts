/**
 * Minting: a dot is never minted twice (two values under one name would lose one of them in
 * a merge), and an actor's dots for a key run 1, 2, 3 so they fold into its clock entry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT, withDot } from '../src/core/causal-context.js';
import { DEFAULT_TUNING } from '../src/core/config.js';
import type { Effect } from '../src/core/effects.js';
import type { Hint } from '../src/core/hinted-handoff.js';
import { DotMinter } from '../src/core/minting.js';
import { DynamoNode } from '../src/core/node.js';
import type { CausalContext, Siblings } from '../src/protocol/data.js';
import type { Message } from '../src/protocol/messages.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { md5Hex } from '../src/util/md5.js';

const none = (): number => 0;

describe('minting - DotMinter', () => {
  it('minting - an actor dots for one key run 1, 2, 3, per key, even for writes over the same context', () => {
    const minter = new DotMinter('c', 100);
    expect([1, 2, 3].map(() => minter.mint('k', EMPTY_CONTEXT, none, 0).counter)).toEqual([1, 2, 3]);
    expect(minter.mint('other', EMPTY_CONTEXT, none, 0)).toEqual({ actor: 'c', counter: 1, timeMs: 0 });
  });

  it('minting - continues above what a context or its own store shows for its actor', () => {
    const minter = new DotMinter('c', 100);
    const context = withDot(EMPTY_CONTEXT, { actor: 'c', counter: 9, timeMs: 0 });
    expect(minter.mint('k', context, none, 0).counter).toBe(10);
    expect(minter.mint('k', EMPTY_CONTEXT, (actor) => (actor === 'c' ? 20 : 0), 0).counter).toBe(21);
  });

  it('minting - when its memory is full it moves to a new actor instead of forgetting a counter', () => {
    const minter = new DotMinter('c', 2);
    minter.mint('a', EMPTY_CONTEXT, none, 0);
    minter.mint('b', EMPTY_CONTEXT, none, 0);
    expect(minter.mint('a', EMPTY_CONTEXT, none, 0)).toMatchObject({ actor: 'c', counter: 2 });
    expect(minter.mint('c', EMPTY_CONTEXT, none, 0)).toMatchObject({ actor: 'c.1', counter: 1 });
    expect(minter.actorId).toBe('c.1');
  });

  it('minting - no dot is ever minted twice, whatever the keys and however small the memory', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 200 }), (capacity, keys) => {
        const minter = new DotMinter('m', capacity);
        const seen = new Set<string>();
        for (const key of keys) {
          const dot = minter.mint(key, EMPTY_CONTEXT, none, 0);
          const name = `${key}/${dot.actor}:${dot.counter}`;
          expect(seen.has(name)).toBe(false);
          seen.add(name);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('minting - in a node', () => {
  const members = ['n1', 'n2', 'n3'];

  function node(): DynamoNode {
    const tuning = { ...DEFAULT_TUNING, n: 3, r: 1, w: 1, clockPruneAt: 1 };
    const n1 = new DynamoNode({ nodeId: 'n1', actorId: 'n1#1' }, tuning, { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() }, { nodes: members, epoch: 1 }, md5Hex);
    n1.step({ kind: 'start', nowMs: 0 });
    return n1;
  }

  function put(n1: DynamoNode, reqId: number, context: CausalContext, nowMs: number): Effect[] {
    const msg: Message = { kind: 'client.put', reqId, key: 'k', value: `v${reqId}`, deleted: false, context, w: 1, timeoutMs: 1000, hops: 0, replyTo: 'client' };
    return n1.step({ kind: 'receive', from: 'client', msg, nowMs });
  }

  function mintedDot(effects: readonly Effect[]): string {
    for (const effect of effects) {
      if (effect.kind === 'send' && effect.msg.kind === 'replica.write') {
        const dot = effect.msg.siblings.versions[0]?.dot;
        if (dot) return `${dot.actor}:${dot.counter}`;
      }
    }
    throw new Error('no replica.write sent');
  }

  it('minting - two writes over the same context get different dots', () => {
    const n1 = node();
    expect(mintedDot(put(n1, 1, EMPTY_CONTEXT, 1))).toBe('n1#1:1');
    expect(mintedDot(put(n1, 2, EMPTY_CONTEXT, 2))).toBe('n1#1:2');
  });

  it('minting - a node that let the key go (handed off, then back) does not mint an old dot again', () => {
    const n1 = node();
    const first = mintedDot(put(n1, 1, EMPTY_CONTEXT, 1));
    // The ring loses n1: it hands the key off and deletes it once both owners acknowledged.
    const offers = n1.step({ kind: 'membership', membership: { nodes: ['n2', 'n3'], epoch: 2 }, nowMs: 2 }).flatMap((e) => (e.kind === 'send' && e.msg.kind === 'handoff' ? [e] : []));
    for (const offer of offers) {
      if (offer.kind !== 'send' || offer.msg.kind !== 'handoff') continue;
      n1.step({ kind: 'receive', from: offer.to, msg: { kind: 'handoff.ack', key: 'k', seq: offer.msg.seq }, nowMs: 3 });
    }
    expect(n1.inspect('k').siblings).toBeNull();
    n1.step({ kind: 'membership', membership: { nodes: members, epoch: 3 }, nowMs: 4 });
    expect(mintedDot(put(n1, 2, EMPTY_CONTEXT, 5))).not.toBe(first);
  });
});
