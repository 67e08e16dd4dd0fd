/**
 * The records of a durable node's two stores, a key's siblings and a hint, written flat.
 *
 * Every change of a key on a durable node writes its record, so a record's encoding is paid
 * on every replica of every write. The engine's own part of a record has a shape the engine
 * itself builds (src/core): versions with dots, a flat clock (src/protocol/data.ts), a
 * hint's owner and seq. Written as one flat array of strings and numbers, that part
 * needs no check and no property names; only the values the clients wrote are looked at,
 * and a string (what nearly every client writes) or a tombstone's null at a glance. A
 * record of nested objects cost about 2.5 times as much to write (the object walk that
 * proves JSON exact, then JSON.stringify of the tree) and a third more bytes
 * (docs/PERFORMANCE.md, "Durable storage (LMDB)").
 *
 * A flat record is `[key, tag, ...]`: the number in second place tells it from the records
 * of format 2, `[key, value]` with an object there, which still read as before. Where every
 * client value is a string or a tombstone's null, the flat array is packed as bytes into the
 * writer's arena (packed-record.ts, format 4); else it is written as JSON text (format 3),
 * and a value JSON does not hold exactly sends the whole record to record-codec.ts's general
 * encoding.
 *
 *   siblings: [key, SIBLINGS, readFrom | null, n, (value, deleted, actor, counter, timeMs) x n, ...clock]
 *   hint:     [storeKey, HINT, owner, hintKey, seq, readFrom | null, n, ...versions, ...clock]
 */
import { hintStoreKey, type Hint } from '../core/hinted-handoff.js';
import type { Siblings, Version } from '../protocol/data.js';
import { PACKED_START, RecordArena } from './packed-record.js';
import { decodeRecord, encodeRecord, jsonExact } from './record-codec.js';

/**
 * How a store's records are written and read; `decode` gives `[key, value]`, checked by the
 * caller. `encode` may give a view into `arena`, valid until the arena is reset.
 */
export interface RecordCodec<T> {
  encode(key: string, value: T, arena?: RecordArena): Buffer;
  decode(bytes: Buffer): unknown;
}

/** For records encoded outside a writer: never reset, so its records stay valid. */
const standalone = new RecordArena();

const SIBLINGS = 1;
const HINT = 2;
const VERSION_WIDTH = 5;

export const siblingsRecords: RecordCodec<Siblings> = {
  encode(key, siblings, arena = standalone) {
    return flatRecord([key, SIBLINGS], siblings, arena) ?? encodeRecord(key, siblings);
  },
  decode(bytes) {
    const record = decodeRecord(bytes);
    if (!isFlat(record)) return notFlat(bytes, record);
    if (record[1] !== SIBLINGS) return null;
    const siblings = readSiblings(record, 2);
    return siblings === null ? null : [record[0], siblings];
  },
};

export const hintRecords: RecordCodec<Hint> = {
  encode(key, hint, arena = standalone) {
    return flatRecord([key, HINT, hint.owner, hint.key, hint.seq], hint.siblings, arena) ?? encodeRecord(key, hint);
  },
  decode(bytes) {
    const record = decodeRecord(bytes);
    if (!isFlat(record)) return notFlat(bytes, record);
    const [storeKey, tag, owner, key, seq] = record;
    // The hint store keys a hint by its owner and key (hinted-handoff.ts): a record whose
    // fields do not say the same was not written by this engine.
    if (tag !== HINT || typeof owner !== 'string' || typeof key !== 'string' || storeKey !== hintStoreKey(owner, key) || !Number.isSafeInteger(seq)) return null;
    const siblings = readSiblings(record, 5);
    return siblings === null ? null : [storeKey, { key, owner, siblings, seq } satisfies Record<keyof Hint, unknown>];
  },
};

/**
 * `head` with the siblings appended flat, packed (every client value a string or null) or
 * as JSON text; null when a client's value is not one JSON holds exactly.
 */
function flatRecord(head: unknown[], siblings: Siblings, arena: RecordArena): Buffer | null {
  const packable = pushSiblings(head, siblings);
  if (packable === null) return null;
  return (packable ? arena.pack(head) : null) ?? Buffer.from(JSON.stringify(head), 'utf8');
}

/**
 * Appends the siblings flat: true when every client value is a string or null (the record
 * can be packed), false when some other value JSON holds exactly, null when one it does not.
 */
function pushSiblings(out: unknown[], { versions, context }: Siblings): boolean | null {
  out.push(context.readFrom ?? null, versions.length);
  let packable = true;
  // One set for the whole record: a value shared by two versions is structured clone's too.
  let seen: Set<object> | undefined;
  for (const { value, deleted, dot } of versions) {
    if (typeof value !== 'string' && value !== null) {
      if (!jsonExact(value, 1, (seen ??= new Set()))) return null;
      packable = false;
    }
    out.push(value, deleted, dot.actor, dot.counter, dot.timeMs);
  }
  const { clock } = context;
  for (let i = 0; i < clock.length; i++) out.push(clock[i]);
  return packable;
}

/** A record that is not flat: format 2's `[key, value]`, which packed bytes never hold. */
function notFlat(bytes: Buffer, record: unknown): unknown {
  return bytes[0] === PACKED_START ? null : record;
}

/** A flat record (formats 3 and 4): a number, its tag, in second place; records of format 2 have an object there. */
function isFlat(record: unknown): record is unknown[] {
  return Array.isArray(record) && typeof record[1] === 'number';
}

/** The siblings at `at` of a flat record; null when any field is not of its kind. */
function readSiblings(flat: readonly unknown[], at: number): Siblings | null {
  const readFrom = flat[at];
  const count = flat[at + 1];
  const clockAt = at + 2 + (count as number) * VERSION_WIDTH;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || clockAt > flat.length) return null;
  if (typeof flat[0] !== 'string' || (readFrom !== null && typeof readFrom !== 'string')) return null;
  const versions: Version[] = [];
  for (let v = at + 2; v < clockAt; v += VERSION_WIDTH) {
    const [deleted, actor, counter, timeMs] = [flat[v + 1], flat[v + 2], flat[v + 3], flat[v + 4]];
    // As the engine mints them: a whole counter, a finite time.
    if (typeof deleted !== 'boolean' || typeof actor !== 'string' || !Number.isSafeInteger(counter) || !Number.isFinite(timeMs)) return null;
    versions.push({ value: flat[v], deleted, dot: { actor, counter: counter as number, timeMs: timeMs as number } });
  }
  const clock = flat.slice(clockAt) as (string | number)[];
  for (const entry of clock) if (typeof entry !== 'string' && typeof entry !== 'number') return null;
  return { versions, context: readFrom === null ? { clock } : { clock, readFrom } };
}
