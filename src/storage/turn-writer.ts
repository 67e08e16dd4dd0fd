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
 * four records in a loop of transactions, where handing each turn's transaction to lmdb-js's
 * write thread and waiting for its answer cost about 46, besides the thread switches both
 * ways (docs/PERFORMANCE.md, "Durable storage (LMDB)"). Between the engine's other work, from
 * cold caches, a transaction costs three times that, most of it per record put: hence each
 * key is put once a transaction. With `'flush'` a transaction must also
 * reach the disk, which takes milliseconds, so it stays on lmdb-js's write thread (which
 * also gathers a turn's writes into one transaction) and the node's thread goes on meanwhile.
 */
import type { Database, RootDatabase } from 'lmdb';
import type { DiskRoom } from './disk-room.js';
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
  /**
   * The turn's writes by database and key (the key's bytes as a string): a record written
   * twice before its commit is written once, as it was last. About one write in nine at
   * concurrency 64 finds its key's earlier write still queued, and each put costs LMDB a
   * search of its tree, besides lmdb-js's own work. Only the last write of a key is ever seen:
   * the transaction is atomic.
   */
  private queued = new Map<Database<Buffer, Buffer>, Map<string, Queued>>();
  private scheduled = false;

  constructor(
    private readonly env: RootDatabase,
    private readonly log: WriteLog,
    /** Checked before every transaction: LMDB must never meet a full disk (disk-room.ts). */
    private readonly room: Pick<DiskRoom, 'claimTransaction'>,
  ) {}

  put(db: Database<Buffer, Buffer>, key: Buffer, value: Buffer): void {
    this.queue(db, { key, value });
  }

  remove(db: Database<Buffer, Buffer>, key: Buffer): void {
    this.queue(db, { key, value: undefined });
  }

  drain(): void {
    if (this.queued.size > 0) this.commit();
  }

  private queue(db: Database<Buffer, Buffer>, write: Queued): void {
    this.log.issued++;
    let writes = this.queued.get(db);
    if (writes === undefined) this.queued.set(db, (writes = new Map()));
    writes.set(write.key.toString('latin1'), write);
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
    const queued = this.queued;
    // A new Map each time, not one cleared (as batcher.ts explains).
    this.queued = new Map();
    const upTo = this.log.issued;
    try {
      // After a failure nothing is acknowledged again; what is still queued stays unwritten.
      if (queued.size === 0 || this.log.failure !== null) return;
      let writes = 0;
      let bytes = 0;
      for (const byKey of queued.values()) {
        for (const { key, value } of byKey.values()) {
          writes++;
          bytes += key.length + (value?.length ?? 0);
        }
      }
      this.room.claimTransaction(writes, bytes);
      this.env.transactionSync(() => {
        for (const [db, byKey] of queued) {
          for (const { key, value } of byKey.values()) {
            if (value === undefined) db.removeSync(key);
            else db.putSync(key, value);
          }
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

  constructor(
    private readonly log: WriteLog,
    /** Checked before every write is handed over: LMDB must never meet a full disk (disk-room.ts). */
    private readonly room: Pick<DiskRoom, 'claimTransaction'>,
  ) {}

  put(db: Database<Buffer, Buffer>, key: Buffer, value: Buffer): void {
    if (this.admitted(key.length + value.length)) this.log.track(db.put(key, value));
  }

  remove(db: Database<Buffer, Buffer>, key: Buffer): void {
    if (this.admitted(key.length)) this.log.track(db.remove(key));
  }

  /**
   * False when the write must not reach lmdb-js: after a failure, as with 'commit' (nothing
   * after it is acknowledged anyway), or when the disk has no room for it (then it is the
   * failure). Either way it counts as issued, so nothing after it is acknowledged.
   */
  private admitted(bytes: number): boolean {
    if (this.log.failure !== null) {
      this.log.issued++;
      return false;
    }
    try {
      this.room.claimTransaction(1, bytes);
      return true;
    } catch (error) {
      this.log.issued++;
      this.log.fail(error);
      return false;
    }
  }

  drain(): void {
    // lmdb-js commits what it was handed by itself; closing waits for it.
  }
}
