/**
 * One of a durable node's stores: the core reads a Map, as with memory, and every change is
 * also written to an LMDB database and tracked by the node's write log. Reads stay in memory
 * because the core reads synchronously inside a step, and a write LMDB has not committed yet
 * is not visible to LMDB's own reads; the database is loaded into the Map when the node starts.
 *
 * A record is the key and the value: flat, packed as bytes where every client value is a
 * string or null (packed-record.ts) or as JSON text where JSON holds them exactly
 * (state-records.ts), and as structured clone serializes them otherwise (record-codec.ts),
 * so any value the API accepts comes back as it was. LMDB's keys are
 * short (lmdb-js allows 1,978 bytes) and the API's are not (4,096 UTF-16 units): a key of
 * more than KEY_BYTES bytes is stored under its SHA-256 instead, which the record's own copy
 * of the key makes readable.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'lmdb';
import { MemoryStore } from './memory-store.js';
import type { RecordCodec } from './state-records.js';
import type { RecordWriter } from './turn-writer.js';

/** Keys up to this many UTF-8 bytes are stored as they are. */
const KEY_BYTES = 1024;
const PLAIN = 0;
const HASHED = 1;
const HASHED_UTF16 = 2;

/** The database key of `key`: a tag byte, then the key's bytes or their hash (so the two kinds never meet). */
export function recordKey(key: string): Buffer {
  const length = Buffer.byteLength(key, 'utf8');
  if (length > KEY_BYTES) return Buffer.concat([Buffer.of(HASHED), createHash('sha256').update(key, 'utf8').digest()]);
  // UTF-8 turns every lone surrogate into U+FFFD, so two such keys would share a record:
  // those keys go by the hash of their UTF-16 code units, under a tag of their own.
  if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) return Buffer.concat([Buffer.of(HASHED_UTF16), createHash('sha256').update(key, 'utf16le').digest()]);
  // One buffer, from Node's pool: written on every change of a key.
  const bytes = Buffer.allocUnsafe(1 + length);
  bytes[0] = PLAIN;
  bytes.write(key, 1, 'utf8');
  return bytes;
}

/** The in-memory store, each change also handed to the node's LMDB writer. */
export class DurableMap<T> extends MemoryStore<T> {
  private constructor(
    private readonly db: Database<Buffer, Buffer>,
    private readonly writer: RecordWriter,
    private readonly codec: RecordCodec<T>,
  ) {
    super();
  }

  /** The store with everything `db` holds; throws when a record cannot be read. */
  static load<T>(db: Database<Buffer, Buffer>, writer: RecordWriter, codec: RecordCodec<T>, what: string): DurableMap<T> {
    const store = new DurableMap<T>(db, writer, codec);
    for (const { key, value } of db.getRange()) {
      const record = codec.decode(value);
      if (!Array.isArray(record) || record.length !== 2 || typeof record[0] !== 'string' || !recordKey(record[0]).equals(key)) {
        throw new Error(`a record of ${what} is not one this engine wrote`);
      }
      // Into memory only: it is on disk already.
      MemoryStore.prototype.set.call(store, record[0], record[1] as T);
    }
    return store;
  }

  override set(key: string, value: T): void {
    // Encoded first: a value that cannot be encoded must not be in memory without being on disk.
    const record = this.codec.encode(key, value, this.writer.arena);
    super.set(key, value);
    this.writer.put(this.db, recordKey(key), record);
  }

  override delete(key: string): boolean {
    if (!super.delete(key)) return false;
    this.writer.remove(this.db, recordKey(key));
    return true;
  }
}
