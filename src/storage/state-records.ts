/**
 * The records of a durable node's two stores, a key's siblings and a hint, written flat.
 *
 * Every change of a key on a durable node writes its record, so a record's encoding is paid
 * on every replica of every write. The engine's own part of a record has a shape the engine
 * itself builds (src/core): versions with dots, a flat clock (src/protocol/data.ts), a
 * hint's owner and seq. Written as one flat JSON array of strings and numbers, that part
 * needs no check and no property names; only the values the clients wrote are looked at,
 * and a string (what nearly every client writes) or a tombstone's null at a glance. A
 * record of nested objects cost about 2.5 times as much to write (the object walk that
 * proves JSON exact, then JSON.stringify of the tree) and a third more bytes
 * (docs/PERFORMANCE.md, "Durable storage (LMDB)").
 *
 * A flat record is `[key, tag, ...]`: the number in second place tells it from the records
 * of format 2, `[key, value]` with an object there, which still read as before. A value JSON
 * does not hold exactly sends the whole record to record-codec.ts's general encoding.
 *
 *   siblings: [key, SIBLINGS, readFrom | null, n, (value, deleted, actor, counter, timeMs) x n, ...clock]
 *   hint:     [storeKey, HINT, owner, hintKey, seq, readFrom | null, n, ...versions, ...clock]
 */
import type { Hint } from '../core/hinted-handoff.js';
import type { Siblings, Version } from '../protocol/data.js';
import { decodeRecord, encodeRecord, jsonExact } from './record-codec.js';

/** How a store's records are written and read; `decode` gives `[key, value]`, checked by the caller. */
export interface RecordCodec<T> {
  encode(key: string, value: T): Buffer;
  decode(bytes: Buffer): unknown;
}

const SIBLINGS = 1;
const HINT = 2;
const VERSION_WIDTH = 5;

export const siblingsRecords: RecordCodec<Siblings> = {
  encode(key, siblings) {
    const out: unknown[] = [key, SIBLINGS];
    return pushSiblings(out, siblings) ? json(out) : encodeRecord(key, siblings);
  },
  decode: (bytes) => decodeFlat(bytes),
};

export const hintRecords: RecordCodec<Hint> = {
  encode(key, hint) {
    const out: unknown[] = [key, HINT, hint.owner, hint.key, hint.seq];
    return pushSiblings(out, hint.siblings) ? json(out) : encodeRecord(key, hint);
  },
  decode: (bytes) => decodeFlat(bytes),
};

function json(out: unknown[]): Buffer {
  return Buffer.from(JSON.stringify(out), 'utf8');
}

/** Appends the siblings flat; false when a client's value is not one JSON holds exactly. */
function pushSiblings(out: unknown[], { versions, context }: Siblings): boolean {
  out.push(context.readFrom ?? null, versions.length);
  // One set for the whole record: a value shared by two versions is structured clone's too.
  let seen: Set<object> | undefined;
  for (const { value, deleted, dot } of versions) {
    if (typeof value !== 'string' && value !== null && !jsonExact(value, 1, (seen ??= new Set()))) return false;
    out.push(value, deleted, dot.actor, dot.counter, dot.timeMs);
  }
  const { clock } = context;
  for (let i = 0; i < clock.length; i++) out.push(clock[i]);
  return true;
}

/** `[key, value]` of any record this engine wrote, flat or not; null when it is not one. */
function decodeFlat(bytes: Buffer): unknown {
  const record = decodeRecord(bytes);
  if (!Array.isArray(record) || typeof record[1] !== 'number') return record;
  const flat = record as unknown[];
  if (flat[1] === SIBLINGS) {
    const siblings = readSiblings(flat, 2);
    return siblings === null ? null : [flat[0], siblings];
  }
  if (flat[1] === HINT) {
    const siblings = readSiblings(flat, 5);
    return siblings === null ? null : [flat[0], { key: flat[3], owner: flat[2], siblings, seq: flat[4] } satisfies Record<keyof Hint, unknown>];
  }
  return null;
}

function readSiblings(flat: readonly unknown[], at: number): Siblings | null {
  const readFrom = flat[at];
  const count = flat[at + 1];
  const clockAt = at + 2 + (count as number) * VERSION_WIDTH;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || clockAt > flat.length) return null;
  const versions: Version[] = [];
  for (let v = at + 2; v < clockAt; v += VERSION_WIDTH) {
    versions.push({ value: flat[v], deleted: flat[v + 1] as boolean, dot: { actor: flat[v + 2] as string, counter: flat[v + 3] as number, timeMs: flat[v + 4] as number } });
  }
  const clock = flat.slice(clockAt) as (string | number)[];
  return { versions, context: readFrom === null ? { clock } : { clock, readFrom: readFrom as string } };
}
