/**
 * The tombstone reaper as a state machine on its own: who it asks, how a vote is decided,
 * and that a commit never deletes what the reaped copy does not cover.
 */
import { describe, expect, it } from 'vitest';
import { EffectSink, type Effect } from '../src/core/effects.js';
import { HintStore, type Hint } from '../src/core/hinted-handoff.js';
import { DotMinter } from '../src/core/minting.js';
import { Replica } from '../src/core/replica.js';
import { Ring } from '../src/core/ring.js';
import { mergeSiblings, NO_SIBLINGS, writeOf } from '../src/core/siblings.js';
import { TombstoneReaper } from '../src/core/tombstone-reaper.js';
import { EMPTY_CONTEXT } from '../src/core/causal-context.js';
import type { Dot, Siblings } from '../src/protocol/data.js';
import type { Message } from '../src/protocol/messages.js';
import { MemoryStore } from '../src/storage/memory-store.js';
import { md5Hex } from '../src/util/md5.js';
import { clockView } from '../src/core/causal-context.js';

const NODES = ['a', 'b', 'c'];
const GRACE_MS = 1_000;
const dot = (actor: string, counter: number, timeMs = 0): Dot => ({ actor, counter, timeMs });
const sent = (effects: Effect[]): { to: string; msg: Message }[] => effects.flatMap((e) => (e.kind === 'send' ? [{ to: e.to, msg: e.msg }] : []));

const live = writeOf({ value: 'v', deleted: false, dot: dot('x', 1) }, EMPTY_CONTEXT);
const tombstone = writeOf({ value: null, deleted: true, dot: dot('x', 2) }, live.context);
const concurrent = writeOf({ value: 'w', deleted: false, dot: dot('y', 1) }, EMPTY_CONTEXT);

function setup(self: string, draining: readonly string[] = []) {
  const data = new MemoryStore<Siblings>();
  const hints = new HintStore(new MemoryStore<Hint>(), { maxActors: 64, maxGaps: 64 });
  const sink = new EffectSink();
  const ring = Ring.of(NODES, 8, md5Hex);
  const forgotten: string[] = [];
  let now = 0;
  const reaper = new TombstoneReaper({
    nodeId: self, n: 3, graceMs: GRACE_MS, batch: 10, roundTimeoutMs: 500,
    data, hints, sink, ring: () => ring, nowMs: () => now, forgotten: (key) => forgotten.push(key),
    storeData: (key, siblings) => data.set(key, mergeSiblings(data.get(key) ?? NO_SIBLINGS, siblings)),
    voters: () => [...NODES, ...draining],
  });
  return { reaper, data, hints, sink, forgotten, advance: (ms: number) => (now += ms), firstOwner: (key: string) => ring.preferenceList(key, 3)[0] as string };
}

describe('tombstone reaper', () => {
  it('the first owner asks every other node once the tombstone and the ring are older than the grace period', () => {
    const probe = setup('a');
    const self = probe.firstOwner('k');
    const { reaper, data, sink, advance } = setup(self);
    data.set('k', tombstone);
    reaper.noteChanged('k');
    advance(GRACE_MS / 2);
    reaper.tick();
    expect(sent(sink.drain())).toEqual([]);
    advance(GRACE_MS);
    reaper.tick();
    const queries = sent(sink.drain());
    expect(queries.map((q) => q.to).sort()).toEqual(NODES.filter((n) => n !== self).sort());
    expect(queries.every((q) => q.msg.kind === 'reap.query')).toBe(true);
  });

  it('a node that left the ring and still drains its keys is asked too', () => {
    const self = setup('a').firstOwner('k');
    const { reaper, data, sink, advance } = setup(self, ['gone']);
    data.set('k', tombstone);
    reaper.noteChanged('k');
    advance(GRACE_MS * 2);
    reaper.tick();
    expect(sent(sink.drain()).map((q) => q.to)).toContain('gone');
  });

  it('a node that is not the first owner never starts a round; a key with a live version is never a candidate', () => {
    const other = NODES.find((n) => setup(n).firstOwner('k') !== n) as string;
    const { reaper, data, sink, advance } = setup(other);
    data.set('k', tombstone);
    data.set('live', live);
    reaper.noteChanged('k');
    reaper.noteChanged('live');
    advance(GRACE_MS * 2);
    reaper.tick();
    expect(sent(sink.drain())).toEqual([]);
  });

  it('a voter says yes when it holds the tombstone, an older covered copy, or nothing; no when it holds a version the tombstone does not cover', () => {
    const { reaper, data, hints, sink, advance } = setup('b');
    advance(GRACE_MS);
    const vote = (): boolean => {
      reaper.onQuery('a', { kind: 'reap.query', key: 'k', round: 1, siblings: tombstone });
      const reply = sent(sink.drain())[0]?.msg;
      return reply?.kind === 'reap.vote' && reply.ok;
    };
    expect(vote()).toBe(true);
    data.set('k', live);
    expect(vote()).toBe(true);
    data.set('k', concurrent);
    expect(vote()).toBe(false);
    data.delete('k');
    hints.add('c', 'k', concurrent);
    expect(vote()).toBe(false);
  });

  it('a yes voter takes the tombstone into its data and hints, so it can never send the removed version again', () => {
    const { reaper, data, hints, sink, advance } = setup('b');
    advance(GRACE_MS);
    data.set('k', live);
    hints.add('c', 'k', live);
    reaper.onQuery('a', { kind: 'reap.query', key: 'k', round: 1, siblings: tombstone });
    expect(sent(sink.drain())[0]?.msg).toMatchObject({ kind: 'reap.vote', ok: true });
    // The commit is lost: what b holds, and would deliver or repair with, is the tombstone.
    expect(data.get('k')?.versions.map((v) => v.deleted)).toEqual([true]);
    expect(hints.forKey('k').map((h) => h.siblings.versions.map((v) => v.deleted))).toEqual([[true]]);
    // A no voter keeps what it has.
    const other = setup('c');
    other.advance(GRACE_MS);
    other.data.set('k', concurrent);
    other.reaper.onQuery('a', { kind: 'reap.query', key: 'k', round: 1, siblings: tombstone });
    expect(other.data.get('k')).toBe(concurrent);
  });

  it('a node whose ring changed within the grace period votes no', () => {
    const { reaper, sink, advance } = setup('b');
    advance(GRACE_MS * 2);
    reaper.ringChanged();
    reaper.onQuery('a', { kind: 'reap.query', key: 'k', round: 1, siblings: tombstone });
    expect(sent(sink.drain())[0]?.msg).toMatchObject({ kind: 'reap.vote', ok: false });
  });

  it('one no, or a vote from a stranger or for another round, commits nothing; all yes commits everywhere and deletes here', () => {
    const self = setup('a').firstOwner('k');
    const others = NODES.filter((n) => n !== self);
    const start = () => {
      const s = setup(self);
      s.data.set('k', tombstone);
      s.reaper.noteChanged('k');
      s.advance(GRACE_MS * 2);
      s.reaper.tick();
      const round = sent(s.sink.drain()).map((q) => (q.msg.kind === 'reap.query' ? q.msg.round : -1))[0] as number;
      return { ...s, round };
    };
    const refused = start();
    refused.reaper.onVote(others[0] as string, { kind: 'reap.vote', key: 'k', round: refused.round, ok: false });
    refused.reaper.onVote(others[1] as string, { kind: 'reap.vote', key: 'k', round: refused.round, ok: true });
    expect(sent(refused.sink.drain())).toEqual([]);
    expect(refused.data.get('k')).toBeDefined();

    const agreed = start();
    agreed.reaper.onVote('stranger', { kind: 'reap.vote', key: 'k', round: agreed.round, ok: true });
    agreed.reaper.onVote(others[0] as string, { kind: 'reap.vote', key: 'k', round: agreed.round + 1, ok: true });
    agreed.reaper.onVote(others[0] as string, { kind: 'reap.vote', key: 'k', round: agreed.round, ok: true });
    expect(agreed.data.get('k')).toBeDefined();
    agreed.reaper.onVote(others[1] as string, { kind: 'reap.vote', key: 'k', round: agreed.round, ok: true });
    expect(sent(agreed.sink.drain()).map((c) => `${c.to}:${c.msg.kind}`).sort()).toEqual(others.map((o) => `${o}:reap.commit`).sort());
    expect(agreed.data.get('k')).toBeUndefined();
    expect(agreed.forgotten).toEqual(['k']);
    expect(agreed.reaper.reaped).toBe(1);
  });

  it('a commit deletes a covered copy and covered hints, and keeps a write that arrived since', () => {
    const { reaper, data, hints } = setup('b');
    data.set('k', live);
    hints.add('c', 'k', live);
    reaper.onCommit({ kind: 'reap.commit', key: 'k', siblings: tombstone });
    expect(data.get('k')).toBeUndefined();
    expect(hints.size).toBe(0);
    data.set('k2', concurrent);
    reaper.onCommit({ kind: 'reap.commit', key: 'k2', siblings: tombstone });
    expect(data.get('k2')).toBe(concurrent);
  });
});

describe('after a reap', () => {
  it('the reaped copy is kept for a grace period, so a stale copy still in flight merges against it and dies', () => {
    const { reaper, data, hints, advance } = setup('b');
    const replica = new Replica({
      nodeId: 'b', storedLimits: { maxActors: 64, maxGaps: 64 }, data, hints, ring: () => Ring.of(NODES, 8, md5Hex),
      dataChanged: () => undefined, reaped: (key) => reaper.reapedCopy(key),
    });
    data.set('k', tombstone);
    reaper.onCommit({ kind: 'reap.commit', key: 'k', siblings: tombstone });
    expect(data.get('k')).toBeUndefined();
    expect(reaper.remembered).toBe(1);
    // A hint or repair sent before the reap, carrying the version the delete removed: it dies,
    // and the tombstone is stored again so that its sender learns it is dead.
    replica.storeData('k', live);
    expect(data.get('k')?.versions.map((v) => v.deleted)).toEqual([true]);
    data.delete('k');
    // A write the tombstone does not cover is a new write: it is kept (with the tombstone).
    replica.storeData('k', concurrent);
    expect(data.get('k')?.versions.map((v) => v.value).sort()).toEqual([null, 'w']);
    // After the grace period the memory goes.
    data.delete('k');
    advance(GRACE_MS + 1);
    reaper.tick();
    expect(reaper.remembered).toBe(0);
    expect(reaper.reapedCopy('k')).toBeUndefined();
  });
});

describe('minting after a key is forgotten', () => {
  it('counters of a forgotten key go on above every counter it used, so an old context covers no new write', () => {
    const minter = new DotMinter('n1#1', 100);
    const seen = (): number => 0;
    minter.mint('k', EMPTY_CONTEXT, seen, 0);
    minter.mint('k', EMPTY_CONTEXT, seen, 0);
    const before = writeOf({ value: 'b', deleted: false, dot: minter.mint('k', EMPTY_CONTEXT, seen, 0) }, EMPTY_CONTEXT);
    minter.forget('k');
    expect(minter.size).toBe(0);
    const after = minter.mint('k', EMPTY_CONTEXT, seen, 0);
    expect(after.counter).toBe(4);
    // A context from before the delete does not cover the new write.
    const fresh = writeOf({ value: 'after', deleted: false, dot: after }, NO_SIBLINGS.context);
    expect(clockView(fresh.context.clock)['n1#1']?.gaps).toEqual([[1, 3]]);
    expect(clockView(before.context.clock)['n1#1']?.counter).toBe(3);
  });
});
