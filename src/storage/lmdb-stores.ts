/**
 * A durable node's stores: one LMDB environment per node, `<dir>/<node id>/data.mdb`, with a
 * database for its data, one for its hints and one for what the node itself must remember.
 *
 * What survives, and why it is enough (docs/ARCHITECTURE.md, "Durable nodes"):
 * - data and hints, loaded into memory when the node starts (durable-map.ts);
 * - the number of times the node has started (`boot`). The node's actor is the one the main
 *   thread names, with the boot appended, and the boot is counted up and flushed to disk
 *   before the node runs. So no start of a node ever mints under an actor that an earlier
 *   start used, in this process or any before it, and no dot can be minted twice; the
 *   minter's own memory of counters (minting.ts) need not survive.
 *
 * Opening never throws anything but a StorageError that names the path and what to do.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, RootDatabase } from 'lmdb';
import type { Hint } from '../core/hinted-handoff.js';
import type { NodeStores } from '../core/node.js';
import type { Siblings } from '../protocol/data.js';
import { DiskRoom } from './disk-room.js';
import { DurableMap } from './durable-map.js';
import { hintRecords, siblingsRecords } from './state-records.js';
import { storageError, StorageError } from './storage-error.js';
import { FlushedWriter, TurnWriter, type RecordWriter } from './turn-writer.js';
import { WriteLog, type Durability } from './write-log.js';

/**
 * The layout of the records, written to the environment when a node opens it: 2 since
 * records may be JSON text (record-codec.ts), 3 since they may be flat (state-records.ts),
 * 4 since flat records may be packed (packed-record.ts). This engine still reads formats 1
 * (every record structured clone's) to 3, and an engine that reads only older ones refuses
 * a newer environment instead of misreading it.
 */
const FORMAT = 4;
const READABLE_FORMATS: readonly unknown[] = [1, 2, 3, 4];

export interface LmdbStoresOptions {
  /** The node's own directory. */
  readonly path: string;
  readonly nodeId: string;
  readonly durability: Durability;
  /** More writes are safe (the commit gate sends what waited for them). */
  readonly progressed: () => void;
  /** A write failed: the node must stop acknowledging. */
  readonly failed: (error: StorageError) => void;
  /**
   * Reads the environment file through somewhere a crash cannot hurt (a process of its own),
   * rejecting when it cannot: LMDB trusts its file, and a corrupt one can crash whoever reads
   * it. Left out when the caller has read it through already (a node's thread: the main
   * thread probes before it hands the node over, runtime/lmdb-probe.ts).
   */
  readonly probe?: (file: string) => Promise<void>;
}

export class LmdbStores implements NodeStores {
  private constructor(
    private readonly env: RootDatabase,
    readonly path: string,
    readonly data: DurableMap<Siblings>,
    readonly hints: DurableMap<Hint>,
    readonly log: WriteLog,
    private readonly writer: RecordWriter,
    /** How many times this node has started on this environment, this start included. */
    readonly boot: number,
  ) {}

  static async open(options: LmdbStoresOptions): Promise<LmdbStores> {
    const { path, nodeId } = options;
    const file = join(path, 'data.mdb');
    let env: RootDatabase;
    const room = new DiskRoom(path);
    try {
      mkdirSync(path, { recursive: true });
      // Room for the environment's first pages and the boot count's transaction, before LMDB writes any.
      room.claimTransaction(3, 0);
      await options.probe?.(file);
      // Loaded here, not with the worker: a node in memory never loads the native addon.
      const { open } = await import('lmdb');
      // 'commit' asks LMDB to write each transaction to the file and not to sync it: a killed
      // process loses nothing committed (the kernel has the pages). Syncing every transaction
      // cost about 100 us of CPU each here, most of a durable request's extra cost
      // (docs/PERFORMANCE.md, "Durable storage (LMDB)"); 'flush' pays it.
      env = open({ path: file, noSync: options.durability === 'commit' });
    } catch (error) {
      throw storageError(path, 'cannot open the node\'s LMDB environment', error);
    }
    try {
      const meta = env.openDB<unknown, string>({ name: 'meta' });
      // Read and counted up in one transaction: two opens of one environment never count the
      // same boot (a throw aborts it, writing nothing).
      const boot = env.transactionSync(() => {
        const owner = meta.get('node');
        if (owner !== undefined && owner !== nodeId) {
          throw new StorageError(`${path} holds the data of node ${String(owner)}, not of ${nodeId}: give each node its own directory (<dir>/<node id>), as the cluster does`);
        }
        const format = meta.get('format');
        if (format !== undefined && !READABLE_FORMATS.includes(format)) {
          throw new StorageError(`${path} holds data in format ${String(format)}; this engine reads formats ${READABLE_FORMATS.join(', ')}: use the engine that wrote it, or another directory`);
        }
        const counted = (typeof meta.get('boot') === 'number' ? (meta.get('boot') as number) : 0) + 1;
        meta.putSync('node', nodeId);
        meta.putSync('format', FORMAT);
        meta.putSync('boot', counted);
        return counted;
      });
      // The boot is on disk before the node mints anything under it, whatever the durability.
      await syncToDisk(env);
      // The page size LMDB chose (the system's), for the room a transaction claims.
      room.pageBytes = (env.getStats() as { pageSize: number }).pageSize;
      const log = new WriteLog(() => env.flushed, options.durability, options.progressed, (error) => options.failed(storageError(path, 'a write could not be committed', error)));
      const writer = options.durability === 'commit' ? new TurnWriter(env, log, room) : new FlushedWriter(log, room);
      const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
      const data = DurableMap.load<Siblings>(env.openDB({ name: 'data', ...binary }) as Database<Buffer, Buffer>, writer, siblingsRecords, 'data');
      const hints = DurableMap.load<Hint>(env.openDB({ name: 'hints', ...binary }) as Database<Buffer, Buffer>, writer, hintRecords, 'hints');
      return new LmdbStores(env, path, data, hints, log, writer, boot);
    } catch (error) {
      await env.close().catch(() => undefined);
      throw error instanceof StorageError ? error : storageError(path, 'cannot read the node\'s LMDB environment', error);
    }
  }

  /** Commits the writes queued so far now, instead of at the end of the turn ('commit'). */
  commitNow(): void {
    this.writer.drain();
  }

  /** Waits for what was written to be safe, then closes the environment. */
  async close(): Promise<void> {
    this.writer.drain();
    await Promise.resolve(this.env.flushed).catch(() => undefined);
    await this.env.close();
  }
}

/** Flushes everything committed to disk, whether or not the environment syncs its commits. */
function syncToDisk(env: RootDatabase): Promise<void> {
  return new Promise((resolve, reject) => {
    // lmdb-js has it (mdb_env_sync) without declaring it.
    const syncable = env as unknown as { sync(done: (error?: unknown) => void): void };
    syncable.sync((error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}
