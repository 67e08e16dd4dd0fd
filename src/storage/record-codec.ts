/**
 * The bytes of a durable record, `[key, value]`, and back.
 *
 * Most records hold only what JSON holds exactly (strings, finite numbers, booleans, null,
 * plain objects and dense arrays of those): every key's versions, dots and contexts, with the
 * string values nearly every client writes. Those are written as JSON text, or packed as
 * bytes when they are flat with only strings and nulls as client values (state-records.ts,
 * packed-record.ts: cheaper still). Anything else (a
 * Map, a Date, a typed array, undefined, NaN, -0, a sparse array) is written as structured
 * clone serializes it, so any value the API accepts comes back as it was.
 *
 * Why not structured clone for all: on a durable node at concurrency 64 it cost about a
 * fifth of the node's CPU time (docs/PERFORMANCE.md, "Durable storage (LMDB)"). Each call
 * builds a serializer and returns a buffer of its own, and lmdb-js, which reads a value from
 * the buffer's memory at commit, looks each new buffer's address up and tags it. JSON text of
 * a few hundred bytes lands in Node's shared buffer pool instead, whose address is looked up
 * once per pool slab.
 *
 * The first byte tells them apart: structured clone's output always starts with its
 * version tag (0xFF), JSON text of an array with '[', a packed flat record (format 4,
 * packed-record.ts) with 0x01. Records written before JSON ones existed
 * are all structured clone's, so they read as before.
 */
import { deserialize, serialize } from 'node:v8';
import { PACKED_START, unpack } from './packed-record.js';

const JSON_ARRAY_START = 0x5b; // '['
/**
 * Deeper than any record of the engine's own (a value nests inside a version inside the
 * record): the check below recurses, so a user's value nested deeper is not walked to the
 * end but written as structured clone, as before.
 */
const MAX_JSON_DEPTH = 32;

export function encodeRecord(key: string, value: unknown): Buffer {
  if (jsonExact(value, 0, new Set())) return Buffer.from(JSON.stringify([key, value]), 'utf8');
  return serialize([key, value]);
}

/** The record `bytes` hold: a packed flat record (packed-record.ts; null when malformed), JSON text or structured clone's. */
export function decodeRecord(bytes: Buffer): unknown {
  if (bytes[0] === PACKED_START) return unpack(bytes);
  return bytes[0] === JSON_ARRAY_START ? JSON.parse(bytes.toString('utf8')) : deserialize(bytes);
}

/**
 * True when JSON.parse(JSON.stringify(value)) gives back the same data. `depth` is how deep
 * in a record `value` sits; `seen` holds the objects met so far in the record.
 */
export function jsonExact(value: unknown, depth: number, seen: Set<object>): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // JSON writes NaN and the infinities as null, and -0 as 0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_JSON_DEPTH) return false;
      // An object met twice (shared, or a cycle) is structured clone's: JSON would copy it each
      // time, and walking a value of shared objects as a tree can take exponential time.
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        // JSON writes a hole as null and drops properties beside the indices; either makes
        // the array's own keys differ in number from its length.
        if (Object.keys(value).length !== value.length) return false;
        for (const element of value) if (!jsonExact(element, depth + 1, seen)) return false;
        return true;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      // JSON drops symbol keys, as structured clone does; an undefined property it drops too,
      // where structured clone keeps it, so jsonExact(undefined) is false.
      for (const name in value) {
        if (!jsonExact((value as Record<string, unknown>)[name], depth + 1, seen)) return false;
      }
      return true;
    }
    default:
      // undefined, bigint, functions, symbols.
      return false;
  }
}
