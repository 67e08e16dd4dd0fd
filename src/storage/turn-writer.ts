/**
 * How a durable node writes to LMDB: the records of one event-loop turn, committed together.
 *
 * With `durability: 'commit'` the writes of a turn are queued and committed in one
 * transaction synchronously on the node's own thread: when a message waits for them (the
 * batcher's flush commits first, see workers/node-worker.ts), else one turn later. A write no
 * message waits for yet (a coordinator's own, whose requests to the other replicas need not
 * wait: commit-gate.ts) so rides with the next turn's commit, or commits while the thread
 * would be idle, instead of costing a transaction of its own before the requests leave.
 * A commit that does not sync to disk is a few writes to the file, about 18 us of CPU for
 * four records here, where handing each turn's transaction to lmdb-js's write thread and
 * waiting for its answer cost about 46, besides the thread switches both ways
 * (docs/PERFORMANCE.md, "Durable storage (LMDB)"). With `'flush'` a transaction must also
 * reach the disk, which takes milliseconds, so it stays on lmdb-js's write thread (which
 * also gathers a turn's writes into one transaction) and the node's thread goes on meanwhile.
 */
import type { Database, RootDatabase } from 'lmdb';
import { RecordArena } from './packed-record.js';
import type { WriteLog } from './write-log.js';

export interface RecordWriter {
  /** Where the records handed to `put` may be packed (packed-record.ts). */
  readonly arena: RecordArena;
  put(db: Database<Buffer, Buffer>, key: Buffer, value: Buffer): void;
  remove(db: Database<Buffer, Buffer>, key: Buffer): void;
  /** Commits what is queued, now (before the environment closes). */
  drain(): void;
}

interface Queued {
  readonly db: Database<Buffer, Buffer>;
  readonly key: Buffer;
  /** Undefined: a removal. */
  readonly value: Buffer | undefined;
}

/** 'commit': a turn's writes in one synchronous transaction, when needed and one turn later at the latest. */
export class TurnWriter implements RecordWriter {
  /**
   * Reused after each transaction: LMDB copies a value into its page as `putSync` runs, so
   * once the transaction is over nothing reads the records packed before it.
   */
  readonly arena = new RecordArena();
  private queued: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly env: RootDatabase,
    private readonly log: WriteLog,
  ) {}

  put(db: Database<Buffer, Buffer>, key: Buffer, value: Buffer): void {
    this.queue({ db, key, value });
  }

  remove(db: Database<Buffer, Buffer>, key: Buffer): void {
    this.queue({ db, key, value: undefined });
  }

  drain(): void {
    if (this.queued.length > 0) this.commit();
  }

  private queue(write: Queued): void {
    this.log.issued++;
    this.queued.push(write);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.commitNextTurn);
  }

  /** One turn on: after this turn's flush, and before or with the next turn's. */
  private readonly commitNextTurn = (): void => {
    setImmediate(this.commit);
  };

  private readonly commit = (): void => {
    this.scheduled = false;
    const writes = this.queued;
    this.queued = [];
    const upTo = this.log.issued;
    try {
      // After a failure nothing is acknowledged again; what is still queued stays unwritten.
      if (writes.length === 0 || this.log.failure !== null) return;
      this.env.transactionSync(() => {
        for (const { db, key, value } of writes) {
          if (value === undefined) db.removeSync(key);
          else db.putSync(key, value);
        }
      });
    } catch (error) {
      this.log.fail(error);
      return;
    } finally {
      this.arena.reset();
    }
    this.log.commits++;
    this.log.confirm(upTo);
  };
}

/** 'flush': each write handed to lmdb-js, which commits a turn's writes together and syncs them. */
export class FlushedWriter implements RecordWriter {
  /** Never reset: lmdb-js reads a value on its write thread, later, from the caller's memory. */
  readonly arena = new RecordArena();

  constructor(private readonly log: WriteLog) {}

  put(db: Database<Buffer, Buffer>, key: Buffer, value: Buffer): void {
    this.log.track(db.put(key, value));
  }

  remove(db: Database<Buffer, Buffer>, key: Buffer): void {
    this.log.track(db.remove(key));
  }

  drain(): void {
    // lmdb-js commits what it was handed by itself; closing waits for it.
  }
}
