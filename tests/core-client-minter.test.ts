import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT, withDot } from '../src/core/causal-context.js';
import { ClientMinter } from '../src/core/client-minter.js';

describe('client minter', () => {
  it('an actor dots for one key run 1, 2, 3 and never repeat, even for writes over the same context', () => {
    const minter = new ClientMinter('c');
    const dots = [minter.mint('k', EMPTY_CONTEXT, 1), minter.mint('k', EMPTY_CONTEXT, 2), minter.mint('k', EMPTY_CONTEXT, 3)];
    expect(dots.map((d) => [d.actor, d.counter])).toEqual([['c', 1], ['c', 2], ['c', 3]]);
    expect(minter.mint('other', EMPTY_CONTEXT, 4).counter).toBe(1);
  });

  it('continues above the counters a context shows for its actor', () => {
    const minter = new ClientMinter('c');
    const context = withDot(EMPTY_CONTEXT, { actor: 'c', counter: 7, timeMs: 0 });
    expect(minter.mint('k', context, 1).counter).toBe(8);
  });

  it('when its memory is full it starts a new actor instead of forgetting a counter', () => {
    const minter = new ClientMinter('c', 2);
    minter.mint('a', EMPTY_CONTEXT, 0);
    minter.mint('b', EMPTY_CONTEXT, 0);
    const third = minter.mint('x', EMPTY_CONTEXT, 0);
    expect(third.actor).toBe('c.1');
    // 'a' was written by actor c; the new actor starts its own count, so no dot repeats.
    const again = minter.mint('a', EMPTY_CONTEXT, 0);
    expect([again.actor, again.counter]).toEqual(['c.1', 1]);
  });
});
