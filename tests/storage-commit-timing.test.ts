/**
 * When a durable node's 'commit' writes reach LMDB (src/storage/turn-writer.ts): at once when
 * a message waits for them (the flush's drain), otherwise one turn later, so that a write no
 * message waits for rides with the next turn's commit; never later than that.
 */
import type { Database, RootDatabase } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { TurnWriter } from '../src/storage/turn-writer.js';
import { WriteLog } from '../src/storage/write-log.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An environment that records each transaction's writes. */
function recordingEnv(): { env: RootDatabase; transactions: string[][] } {
  const transactions: string[][] = [];
  let current: string[] | null = null;
  const env = {
    transactionSync(run: () => void) {
      current = [];
      run();
      transactions.push(current);
      current = null;
    },
  } as unknown as RootDatabase;
  const db = {
    putSync: (key: Buffer) => current!.push(`put ${key.toString()}`),
    removeSync: (key: Buffer) => current!.push(`remove ${key.toString()}`),
  } as unknown as Database<Buffer, Buffer>;
  return { env: Object.assign(env, { db }), transactions };
}

function writer() {
  const { env, transactions } = recordingEnv();
  const db = (env as unknown as { db: Database<Buffer, Buffer> }).db;
  const log = new WriteLog(() => Promise.resolve(true), 'commit', () => undefined, () => undefined);
  return { turnWriter: new TurnWriter(env, log, { claimTransaction: () => undefined }), db, log, transactions };
}

describe('TurnWriter timing', () => {
  it('commits a write no message waits for one turn later, with what the next turn wrote', async () => {
    const { turnWriter, db, log, transactions } = writer();
    turnWriter.put(db, Buffer.from('coordinator'), Buffer.from('v'));
    await turn();
    // The end of the write's own turn: its requests have left, the write is not committed yet.
    expect(transactions).toEqual([]);
    turnWriter.put(db, Buffer.from('replica'), Buffer.from('v'));
    await turn();
    expect(transactions).toEqual([['put coordinator', 'put replica']]);
    expect([log.confirmed, log.commits]).toEqual([2, 1]);
  });

  it('commits at once when drained (a message waits), and the later turn then has nothing to commit', async () => {
    const { turnWriter, db, log, transactions } = writer();
    turnWriter.put(db, Buffer.from('a'), Buffer.from('v'));
    turnWriter.remove(db, Buffer.from('b'));
    turnWriter.drain();
    expect(transactions).toEqual([['put a', 'remove b']]);
    expect(log.confirmed).toBe(2);
    await turn();
    await turn();
    expect(transactions).toHaveLength(1);
  });
});
