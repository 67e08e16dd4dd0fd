/**
 * The contexts the API hands out (src/api/issued-contexts.ts): frozen, taken back unchecked
 * only as they were issued, by the cluster that issued them; anything else is checked and
 * copied (checkContext).
 */
import { describe, expect, it } from 'vitest';
import { IssuedContexts } from '../src/api/issued-contexts.js';
import type { CausalContext } from '../src/protocol/data.js';
import { clockView } from '../src/core/causal-context.js';
import { clockFromView } from './helpers/clocks.js';

const engineContext = (): CausalContext => ({ clock: clockFromView({ 'node-1#1': { counter: 3, timeMs: 10, gaps: [[1, 1]] }, 'node-2#1': { counter: 1, timeMs: 5 } }), readFrom: 'node-1' });

describe('issued contexts', () => {
  it('one handed back as it came is the engine\'s own context, the same object every time', () => {
    const issued = new IssuedContexts();
    const context = issued.issue(engineContext(), 'tag-a');
    const taken = issued.take(context, 'tag-a');
    expect(issued.take(context, 'tag-a')).toBe(taken);
    expect(taken).toEqual(engineContext());
    expect(taken).not.toHaveProperty('issuedFor');
  });

  it('a copy (JSON, spread) is checked and copied afresh each time, and is as good', () => {
    const issued = new IssuedContexts();
    const context = issued.issue(engineContext(), 'tag-a');
    const copy = JSON.parse(JSON.stringify(context)) as unknown;
    const first = issued.take(copy, 'tag-a');
    expect(first).toEqual(engineContext());
    expect(issued.take(copy, 'tag-a')).not.toBe(first);
    expect(issued.take({ ...context }, 'tag-a')).toEqual(engineContext());
  });

  it('refuses one for another key, even unchanged', () => {
    const issued = new IssuedContexts();
    const context = issued.issue(engineContext(), 'tag-a');
    expect(() => issued.take(context, 'tag-b')).toThrow(/another key or by another cluster/);
  });

  it('one issued by another cluster gets the full check', () => {
    const mine = new IssuedContexts();
    const theirs = new IssuedContexts();
    const context = theirs.issue(engineContext(), 'tag-a');
    const taken = mine.take(context, 'tag-a');
    expect(taken).toEqual(engineContext());
    // A fresh copy each time: the check ran.
    expect(mine.take(context, 'tag-a')).not.toBe(taken);
  });

  it('cannot be forged through the constructor of one', () => {
    const issued = new IssuedContexts();
    const context = issued.issue(engineContext(), 'tag-a');
    const Maker = context.constructor as new (...args: unknown[]) => unknown;
    expect(() => new Maker({ clock: { 'x#1': { counter: 2 ** 60, timeMs: Number.NaN } } }, 'tag-a', issued, Symbol('issuing'))).toThrow(TypeError);
  });

  it('is frozen through and through', () => {
    const context = new IssuedContexts().issue(engineContext(), 'tag-a');
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context.clock)).toBe(true);
    const entry = context.clock['node-1#1'];
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(entry?.gaps)).toBe(true);
    expect(Object.isFrozen(entry?.gaps?.[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(context))).toEqual({ clock: clockView(engineContext().clock), readFrom: 'node-1', issuedFor: 'tag-a' });
  });
});
