/**
 * A node never mints the same dot twice, whatever its stores go through.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT, type CausalContext } from '../src/core/causal-context.js';
import { DEFAULT_TUNING } from '../src/core/config.js';
import type { Effect } from '../src/core/effects.js';
import type { Hint } from '../src/core/hints.js';
import { DynamoNode } from '../src/core/node.js';
import type { Siblings, Version } from '../src/core/versions.js';
import type { Message } from '../src/protocol/messages.js';
import { MemoryStore } from '../src/storage/store.js';

const members = ['n1', 'n2', 'n3'];

function node(): DynamoNode {
  const tuning = { ...DEFAULT_TUNING, n: 3, r: 1, w: 1, clockPruneAt: 1 };
  const n1 = new DynamoNode({ nodeId: 'n1', actorId: 'n1#1' }, tuning, { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() }, members);
  n1.step({ kind: 'start', nowMs: 0 });
  return n1;
}

function put(n1: DynamoNode, reqId: number, value: string, context: CausalContext, nowMs: number): Effect[] {
  const msg: Message = { kind: 'client.put', reqId, key: 'k', value, deleted: false, context, w: 1, timeoutMs: 1000, hops: 0, replyTo: 'client' };
  return n1.step({ kind: 'receive', from: 'client', msg, nowMs });
}

function mintedDot(effects: readonly Effect[]): string {
  for (const effect of effects) {
    if (effect.kind === 'send' && effect.msg.kind === 'replica.write') {
      const dot = effect.msg.siblings[0]?.dot;
      return `${dot?.actor}:${dot?.counter}`;
    }
  }
  throw new Error('no replica.write sent');
}

const version = (value: string, actor: string, counter: number, context: CausalContext): Version => ({
  value,
  deleted: false,
  dot: { actor, counter, timeMs: counter },
  context,
});

describe('node minting', () => {
  it('takes a new actor when a hint hides a counter that its data still showed', () => {
    const n1 = node();
    const first = mintedDot(put(n1, 1, 'a', EMPTY_CONTEXT, 1));
    expect(first).toBe('n1#1:1');
    // Data: w by B, over n1's write. Hint: x by C, over w, its context pruned of n1.
    const w = version('b', 'B', 1, { clock: { 'n1#1': { counter: 1, timeMs: 1 } }, dots: [] });
    const x = version('c', 'C', 1, { clock: { B: { counter: 1, timeMs: 1 } }, dots: [] });
    n1.step({ kind: 'receive', from: 'n2', msg: { kind: 'replica.write', reqId: 9, key: 'k', siblings: [w], hintFor: null }, nowMs: 2 });
    n1.step({ kind: 'receive', from: 'n3', msg: { kind: 'replica.write', reqId: 9, key: 'k', siblings: [x], hintFor: 'n2' }, nowMs: 3 });
    const context: CausalContext = { clock: { B: { counter: 1, timeMs: 1 }, C: { counter: 1, timeMs: 1 } }, dots: [] };
    const second = mintedDot(put(n1, 2, 'd', context, 4));
    expect(second).not.toBe(first);
  });

  it('two writes over the same context get different dots', () => {
    const n1 = node();
    const a = mintedDot(put(n1, 1, 'a', EMPTY_CONTEXT, 1));
    const b = mintedDot(put(n1, 2, 'b', EMPTY_CONTEXT, 2));
    expect(a).not.toBe(b);
  });
});
