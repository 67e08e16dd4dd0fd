/**
 * TurnWriter (src/storage/turn-writer.ts) on fake environments: one whose transaction fails,
 * as a full disk fails LMDB's commit (the write log records the failure and reports it once,
 * nothing is confirmed after it, and later writes are never committed); a key written twice
 * before its commit written once; the arena's records intact until their commit.
 */
import type { Database, RootDatabase } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { unpack } from '../src/storage/packed-record.js';
import { TurnWriter } from '../src/storage/turn-writer.js';
import { WriteLog } from '../src/storage/write-log.js';

/** A database that keeps what it was given, by key. */
function fakeDatabase(): { db: Database<Buffer, Buffer>; records: Map<string, string> } {
  const records = new Map<string, string>();
  const db = {
    putSync: (key: Buffer, value: Buffer) => records.set(key.toString(), value.toString()),
    removeSync: (key: Buffer) => records.delete(key.toString()),
  };
  return { db: db as unknown as Database<Buffer, Buffer>, records };
}

/** An environment whose transactions run their writes and commit them, or, once `failing`, throw after the writes as a failed commit does (rolling them back). */
function fakeEnvironment(records: Map<string, string>): { env: RootDatabase; transactions: number; failing: boolean } {
  const fake = {
    transactions: 0,
    failing: false,
    env: undefined as unknown as RootDatabase,
  };
  fake.env = {
    transactionSync: (writes: () => void) => {
      fake.transactions++;
      const before = new Map(records);
      writes();
      if (!fake.failing) return;
      records.clear();
      for (const [key, value] of before) records.set(key, value);
      throw Object.assign(new Error('MDB_MAP_FULL: Environment mapsize limit reached'), { code: -30792 });
    },
  } as unknown as RootDatabase;
  return fake;
}

const key = (text: string): Buffer => Buffer.from(text);
/** A disk with room for everything. */
const roomy = { claimTransaction: (): void => undefined };
/** Past the writer's own scheduling: it commits by setImmediate, within a turn or two; a timer fires after them. */
const writerTurns = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('TurnWriter', () => {
  it('a failed transaction is recorded and reported once; nothing after it is confirmed or committed', async () => {
    const { db, records } = fakeDatabase();
    const fake = fakeEnvironment(records);
    const failures: Error[] = [];
    let progressed = 0;
    const log = new WriteLog(() => Promise.resolve(), 'commit', () => progressed++, (error) => failures.push(error));
    const writer = new TurnWriter(fake.env, log, roomy);

    // A turn that commits: both writes are confirmed together.
    writer.put(db, key('a'), key('1'));
    writer.put(db, key('b'), key('2'));
    await writerTurns();
    expect({ issued: log.issued, confirmed: log.confirmed, commits: log.commits, progressed }).toEqual({ issued: 2, confirmed: 2, commits: 1, progressed: 1 });
    expect([...records]).toEqual([['a', '1'], ['b', '2']]);

    // The disk is full: the next turn's transaction fails.
    fake.failing = true;
    writer.put(db, key('c'), key('3'));
    writer.remove(db, key('a'));
    await writerTurns();
    expect(log.failure?.message).toMatch(/MDB_MAP_FULL/);
    expect(failures.map((error) => error.message)).toEqual([log.failure?.message]);
    expect({ issued: log.issued, confirmed: log.confirmed, commits: log.commits, progressed }).toEqual({ issued: 4, confirmed: 2, commits: 1, progressed: 1 });
    expect(log.pending).toBe(true);
    expect([...records]).toEqual([['a', '1'], ['b', '2']]);

    // Space again: later writes are not committed, by the writer's schedule or by drain, and
    // nothing is confirmed (the node stays stopped until it is started again).
    fake.failing = false;
    writer.put(db, key('d'), key('4'));
    await writerTurns();
    writer.put(db, key('e'), key('5'));
    writer.drain();
    expect(fake.transactions).toBe(2);
    expect({ issued: log.issued, confirmed: log.confirmed, commits: log.commits, progressed }).toEqual({ issued: 6, confirmed: 2, commits: 1, progressed: 1 });
    expect([...records]).toEqual([['a', '1'], ['b', '2']]);
    expect(failures).toHaveLength(1);
  });

  it("drain commits what is queued at once, and leaves the writer's schedule nothing to commit", async () => {
    const { db, records } = fakeDatabase();
    const fake = fakeEnvironment(records);
    const log = new WriteLog(() => Promise.resolve(), 'commit', () => undefined, () => undefined);
    const writer = new TurnWriter(fake.env, log, roomy);
    writer.put(db, key('a'), key('1'));
    writer.drain();
    expect({ confirmed: log.confirmed, commits: log.commits, transactions: fake.transactions }).toEqual({ confirmed: 1, commits: 1, transactions: 1 });
    await writerTurns();
    expect(fake.transactions).toBe(1);
  });

  it('writes one record of a key written more than once before its commit, as it was last; keys of other databases are their own', () => {
    const puts: string[] = [];
    const recording = (name: string) =>
      ({
        putSync: (key: Buffer, value: Buffer) => puts.push(`${name} put ${key.toString()}=${value.toString()}`),
        removeSync: (key: Buffer) => puts.push(`${name} remove ${key.toString()}`),
      }) as unknown as Database<Buffer, Buffer>;
    const [data, hints] = [recording('data'), recording('hints')];
    const fake = fakeEnvironment(new Map());
    const log = new WriteLog(() => Promise.resolve(), 'commit', () => undefined, () => undefined);
    const writer = new TurnWriter(fake.env, log, roomy);
    writer.put(data, key('a'), key('1'));
    writer.put(data, key('b'), key('1'));
    writer.put(data, key('a'), key('2'));
    writer.put(hints, key('a'), key('h'));
    writer.put(data, key('c'), key('1'));
    writer.remove(data, key('c'));
    writer.remove(data, key('d'));
    writer.put(data, key('d'), key('3'));
    writer.drain();
    expect(puts.sort()).toEqual(['data put a=2', 'data put b=1', 'data put d=3', 'data remove c', 'hints put a=h']);
    // Every write counts, and all of them are confirmed by the one commit.
    expect({ issued: log.issued, confirmed: log.confirmed, commits: log.commits, transactions: fake.transactions }).toEqual({ issued: 8, confirmed: 8, commits: 1, transactions: 1 });
    // The next commit writes its keys again.
    writer.put(data, key('a'), key('3'));
    writer.drain();
    expect(puts.at(-1)).toBe('data put a=3');
  });

  it('records packed in its arena are all written as they were, and the arena is reused only after their transaction', () => {
    const stored = new Map<string, Buffer>();
    const db = { putSync: (key: Buffer, value: Buffer) => stored.set(key.toString(), Buffer.from(value)) } as unknown as Database<Buffer, Buffer>;
    const fake = fakeEnvironment(new Map());
    const writer = new TurnWriter(fake.env, new WriteLog(() => Promise.resolve(), 'commit', () => undefined, () => undefined), roomy);
    const first = writer.arena.pack(['a', 1, 'x'.repeat(50)])!;
    const second = writer.arena.pack(['b', 2, null])!;
    expect(second.byteOffset).toBeGreaterThan(first.byteOffset);
    writer.put(db, key('a'), first);
    writer.put(db, key('b'), second);
    writer.drain();
    const third = writer.arena.pack(['c', 3, true])!;
    expect(third.buffer).toBe(first.buffer);
    expect(third.byteOffset).toBe(first.byteOffset);
    writer.put(db, key('c'), third);
    writer.drain();
    expect([...stored].map(([name, value]) => [name, unpack(value)])).toEqual([['a', ['a', 1, 'x'.repeat(50)]], ['b', ['b', 2, null]], ['c', ['c', 3, true]]]);
  });
});
