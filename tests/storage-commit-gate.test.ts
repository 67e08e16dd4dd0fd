/**
 * The promise a durable node keeps: no message leaves before the writes made before it are
 * safe. The write log counts writes and their commits; the gate holds messages by that count.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/messages.js';
import { WriteLog } from '../src/storage/write-log.js';
import { Batcher } from '../src/transport/batcher.js';
import { CommitGate, MAX_WAITING } from '../src/transport/commit-gate.js';
import type { Transport } from '../src/transport/transport.js';

/** A commit promise the test settles. */
function commit(): { promise: Promise<boolean>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<boolean>((res, rej) => {
    resolve = () => res(true);
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function recorder(): Transport & { sent: string[] } {
  const sent: string[] = [];
  return { sent, send: (to) => sent.push(to), onMessage: () => undefined };
}

const msg = {} as Message;

function gated(durability: 'commit' | 'flush' = 'commit', flushed: () => Promise<unknown> = () => Promise.resolve(true)) {
  const inner = recorder();
  const failures: Error[] = [];
  // The gate needs the log and the log reports to the gate: as in the worker, through a holder.
  const holder: { gate?: CommitGate } = {};
  const log = new WriteLog(flushed, durability, () => holder.gate?.release(), (error) => failures.push(error));
  const gate = new CommitGate(inner, log);
  holder.gate = gate;
  return { inner, log, gate, failures };
}

describe('WriteLog', () => {
  it('confirms every write of one commit when that commit settles, in order of commits', async () => {
    const { log } = gated();
    const first = commit();
    const second = commit();
    log.track(first.promise);
    log.track(first.promise);
    log.track(second.promise);
    expect([log.issued, log.confirmed, log.pending]).toEqual([3, 0, true]);
    first.resolve();
    await settle();
    expect(log.confirmed).toBe(2);
    second.resolve();
    await settle();
    expect([log.confirmed, log.pending]).toEqual([3, false]);
  });

  it("'flush' confirms only once the flush after the commit is done", async () => {
    let flush!: () => void;
    const flushed = new Promise<boolean>((resolve) => (flush = () => resolve(true)));
    const { log } = gated('flush', () => flushed);
    const write = commit();
    log.track(write.promise);
    write.resolve();
    await settle();
    expect(log.confirmed).toBe(0);
    flush();
    await settle();
    expect(log.confirmed).toBe(1);
  });

  it("reports a failed commit once, by the system's own error that lmdb-js keeps beside it", async () => {
    const { log, failures } = gated();
    const write = commit();
    log.track(write.promise);
    const cause = Object.assign(new Error('No space left on device'), { code: 28 });
    const detail = Promise.reject(cause);
    detail.catch(() => undefined);
    write.reject(Object.assign(new Error('Commit failed (see commitError for details)'), { commitError: detail }));
    await settle();
    expect(failures.map((f) => f.message)).toEqual(['No space left on device']);
    expect(log.failure).not.toBeNull();
    const later = commit();
    log.track(later.promise);
    later.resolve();
    await settle();
    expect(log.confirmed).toBe(0);
  });
});

describe('CommitGate', () => {
  it('passes messages straight through while every write is safe', () => {
    const { inner, gate } = gated();
    gate.send('a', msg);
    expect(inner.sent).toEqual(['a']);
    expect(gate.waited).toBe(0);
  });

  it('holds a message until the writes before it commit, and keeps the order of messages', async () => {
    const { inner, log, gate } = gated();
    const first = commit();
    const second = commit();
    log.track(first.promise);
    gate.send('ack-1', msg);
    log.track(second.promise);
    gate.send('ack-2', msg);
    // Written nothing since, yet it waits: it must not overtake the messages before it.
    gate.send('read-reply', msg);
    expect(inner.sent).toEqual([]);
    expect(gate.waiting).toBe(3);
    first.resolve();
    await settle();
    expect(inner.sent).toEqual(['ack-1']);
    second.resolve();
    await settle();
    expect(inner.sent).toEqual(['ack-1', 'ack-2', 'read-reply']);
    expect([gate.waiting, gate.waited]).toEqual([0, 3]);
    gate.send('after', msg);
    expect(inner.sent.at(-1)).toBe('after');
  });

  it('keeps at most MAX_WAITING messages waiting: beyond that, new ones are dropped, never sent early', async () => {
    const { inner, log, gate } = gated();
    const write = commit();
    log.track(write.promise);
    for (let i = 0; i < MAX_WAITING + 10; i++) gate.send(`m${i}`, msg);
    expect([gate.waiting, gate.dropped, inner.sent.length]).toEqual([MAX_WAITING, 10, 0]);
    write.resolve();
    await settle();
    expect([gate.waiting, inner.sent.length, inner.sent.at(-1)]).toEqual([0, MAX_WAITING, `m${MAX_WAITING - 1}`]);
  });

  it("lets a coordinator's requests to the other replicas leave at once, and holds every answer and reply", async () => {
    const { inner, log } = gated();
    const holder: { holds: number } = { holds: 0 };
    const counted = new CommitGate(inner, log, () => undefined, () => holder.holds++);
    const write = commit();
    log.track(write.promise);
    const of = (kind: string): Message => ({ kind }) as Message;
    counted.send('ack', of('replica.writeAck'));
    counted.send('replica-write', of('replica.write'));
    counted.send('read-reply', of('replica.readReply'));
    counted.send('replica-read', of('replica.read'));
    counted.send('client-reply', of('reply.put'));
    counted.send('hint-ack', of('hint.ack'));
    // The requests overtook the held answers; the answers wait, in order, for the write.
    expect(inner.sent).toEqual(['replica-write', 'replica-read']);
    expect([counted.waiting, holder.holds]).toEqual([4, 1]);
    write.resolve();
    await settle();
    counted.release();
    expect(inner.sent).toEqual(['replica-write', 'replica-read', 'ack', 'read-reply', 'client-reply', 'hint-ack']);
    // A new wait asks for a flush again.
    log.track(commit().promise);
    counted.send('ack-2', of('replica.writeAck'));
    expect(holder.holds).toBe(2);
  });

  it('drops what waited, and everything after, once a write failed', async () => {
    const { inner, log, gate } = gated();
    const write = commit();
    log.track(write.promise);
    gate.send('ack', msg);
    write.reject(new Error('disk gone'));
    await settle();
    gate.drop();
    gate.send('later', msg);
    gate.send('a request', { kind: 'replica.write' } as Message);
    expect(inner.sent).toEqual([]);
    expect(gate.dropped).toBe(3);
  });
});

describe('Batcher.beforeFlush', () => {
  it('runs first in every flush, so that what it releases leaves in the same batch', () => {
    const posted: [string, unknown[]][] = [];
    const batcher = new Batcher((peer, batch) => posted.push([peer, [...(batch as unknown[])]]));
    // As a durable node's commit does: it releases a held message into the outbox.
    batcher.beforeFlush = () => {
      if (posted.length === 0) batcher.send('node-2', 'released by the commit');
    };
    batcher.send('node-2', 'sent before');
    batcher.flush();
    expect(posted).toEqual([['node-2', ['sent before', 'released by the commit']]]);
  });
});

describe('Batcher.schedule', () => {
  it('ends the turn with a flush though nothing was sent: a message held at the gate gets its commit', async () => {
    const posted: unknown[] = [];
    const batcher = new Batcher((_, batch) => posted.push(...(batch as unknown[])));
    let flushes = 0;
    batcher.beforeFlush = () => {
      flushes++;
      // As the commit does: it releases the held message into the outbox.
      if (flushes === 1) batcher.send('node-2', 'released');
    };
    batcher.schedule();
    batcher.schedule();
    await settle();
    expect([flushes, posted]).toEqual([1, ['released']]);
  });
});
