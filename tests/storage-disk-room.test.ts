/**
 * The disk-room guard (src/storage/disk-room.ts): LMDB is never let write into the reserve;
 * the disk is looked at again after an eighth of the reserve; a transaction the disk has no
 * room for fails before LMDB sees it, as a failed commit fails ('commit' and 'flush' alike).
 */
import type { Database, RootDatabase } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { DiskRoom, transactionBytes } from '../src/storage/disk-room.js';
import { FlushedWriter, TurnWriter } from '../src/storage/turn-writer.js';
import { WriteLog } from '../src/storage/write-log.js';

const MB = 1024 * 1024;

/** A disk whose free bytes the test sets, counting how often it is asked. */
function disk(free: number): { free: number; looks: number; room: (reserve: number) => DiskRoom } {
  const fake = {
    free,
    looks: 0,
    room: (reserve: number) =>
      new DiskRoom('/disk', reserve, () => {
        fake.looks++;
        return fake.free;
      }),
  };
  return fake;
}

describe('DiskRoom', () => {
  it('admits writes while the disk has room above the reserve, looking again after an eighth of the reserve', () => {
    const fake = disk(20 * MB);
    const room = fake.room(8 * MB);
    room.claim(MB / 2);
    expect(fake.looks).toBe(1);
    // The allowance is an eighth of the reserve: 1 MB, less nothing, since 11.5 MB of room are left.
    room.claim(MB / 2);
    room.claim(MB / 2);
    expect(fake.looks).toBe(1);
    room.claim(MB / 2);
    expect(fake.looks).toBe(2);
  });

  it('refuses, with code ENOSPC and the figures, what would reach into the reserve, and admits again once there is room', () => {
    const fake = disk(9 * MB);
    const room = fake.room(8 * MB);
    room.claim(MB / 2);
    fake.free = 8 * MB + 100;
    let refused: unknown;
    try {
      room.claim(MB);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { code?: string }).code).toBe('ENOSPC');
    expect((refused as Error).message).toMatch(/no space left on the disk: 8388708 bytes free, fewer than the 1048576 this write may take and the 8388608 kept free/);
    fake.free = 10 * MB;
    expect(() => room.claim(MB)).not.toThrow();
  });

  it('counts what a transaction may add: its records and a few pages a write and a transaction, of the largest page until the environment says', () => {
    expect(transactionBytes(0, 0, 4096)).toBe(4 * 4096);
    expect(transactionBytes(2, 1000, 4096)).toBe(1000 + (2 * 3 + 4) * 4096);
    const fake = disk(20 * MB);
    const claims: number[] = [];
    const room = fake.room(8 * MB);
    const claim = room.claim.bind(room);
    room.claim = (bytes: number) => (claims.push(bytes), claim(bytes));
    room.claimTransaction(1, 100);
    room.pageBytes = 4096;
    room.claimTransaction(1, 100);
    expect(claims).toEqual([100 + 7 * 65536, 100 + 7 * 4096]);
  });
});

/** An environment that counts its transactions and runs them. */
function countingEnv(): { env: RootDatabase; db: Database<Buffer, Buffer>; transactions: number; puts: number } {
  const fake = { env: undefined as unknown as RootDatabase, db: undefined as unknown as Database<Buffer, Buffer>, transactions: 0, puts: 0 };
  fake.env = { transactionSync: (run: () => void) => (fake.transactions++, run()) } as unknown as RootDatabase;
  fake.db = {
    putSync: () => fake.puts++,
    put: () => (fake.puts++, Promise.resolve(true)),
  } as unknown as Database<Buffer, Buffer>;
  return fake;
}

describe('the writers on a disk without room', () => {
  it("'commit': the transaction fails before LMDB sees it; nothing is confirmed after it, and the failure names the cause", () => {
    const fake = countingEnv();
    const failures: Error[] = [];
    const log = new WriteLog(() => Promise.resolve(), 'commit', () => undefined, (error) => failures.push(error));
    const full = disk(8 * MB);
    const writer = new TurnWriter(fake.env, log, full.room(8 * MB));
    writer.put(fake.db, Buffer.from('a'), Buffer.from('1'));
    writer.drain();
    expect({ transactions: fake.transactions, puts: fake.puts, issued: log.issued, confirmed: log.confirmed }).toEqual({ transactions: 0, puts: 0, issued: 1, confirmed: 0 });
    expect(failures.map((error) => (error as { code?: string }).code)).toEqual(['ENOSPC']);
    // Room again: nothing more is written or confirmed (the node stays stopped until started again).
    full.free = 100 * MB;
    writer.put(fake.db, Buffer.from('b'), Buffer.from('2'));
    writer.drain();
    expect({ transactions: fake.transactions, confirmed: log.confirmed }).toEqual({ transactions: 0, confirmed: 0 });
  });

  it("'flush': the write is not handed to lmdb-js, counts as issued and failed, and nothing after it is, room or not", () => {
    const fake = countingEnv();
    const failures: Error[] = [];
    const log = new WriteLog(() => Promise.resolve(), 'flush', () => undefined, (error) => failures.push(error));
    const full = disk(MB);
    const writer = new FlushedWriter(log, full.room(8 * MB));
    writer.put(fake.db, Buffer.from('a'), Buffer.from('1'));
    expect({ puts: fake.puts, issued: log.issued, confirmed: log.confirmed, pending: log.pending }).toEqual({ puts: 0, issued: 1, confirmed: 0, pending: true });
    expect(failures.map((error) => (error as { code?: string }).code)).toEqual(['ENOSPC']);
    full.free = 100 * MB;
    writer.put(fake.db, Buffer.from('b'), Buffer.from('2'));
    writer.remove(fake.db, Buffer.from('a'));
    expect({ puts: fake.puts, issued: log.issued, confirmed: log.confirmed, looks: full.looks }).toEqual({ puts: 0, issued: 3, confirmed: 0, looks: 1 });
    expect(failures).toHaveLength(1);
  });
});
