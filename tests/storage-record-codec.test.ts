/**
 * A durable record's bytes (src/storage/record-codec.ts, state-records.ts, packed-record.ts):
 * flat records packed where every client value is a string or null, JSON text where JSON
 * gives the data back exactly, structured clone otherwise, and all read back as they were;
 * environments written before JSON records existed (format 1) still open.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { recordKey } from '../src/storage/durable-map.js';
import { LmdbStores } from '../src/storage/lmdb-stores.js';
import { PACKED_START, RecordArena, unpack } from '../src/storage/packed-record.js';
import { decodeRecord, encodeRecord } from '../src/storage/record-codec.js';
import { hintRecords, siblingsRecords } from '../src/storage/state-records.js';
import { probeEnvironment } from '../src/runtime/lmdb-probe.js';

const JSON_START = '['.charCodeAt(0);
const STRUCTURED_CLONE_START = 0xff;

/** A key's state as the core keeps it: versions with dots, and a context. */
const siblings = {
  versions: [{ value: 'x'.repeat(100), deleted: false, dot: { actor: 'node-1~3', counter: 17, timeMs: 1_764_000_000_123 } }],
  context: { clock: ['node-1~3', 17, 1_764_000_000_123, 'node-2~1', 4, 1_764_000_000_000], readFrom: 'node-1' },
};

const roundTrip = (value: unknown): { first: number | undefined; back: unknown } => {
  const bytes = encodeRecord('k', value);
  return { first: bytes[0], back: (decodeRecord(bytes) as [string, unknown])[1] };
};

describe('durable records - JSON where exact, structured clone otherwise', () => {
  it.each([
    ['a key\'s versions and context', siblings],
    ['a tombstone', { versions: [{ value: null, deleted: true, dot: { actor: 'a', counter: 1, timeMs: 2 } }], context: { clock: [] } }],
    ['strings of every kind', ['', 'é', '😀', '\ud800 lone surrogate', '"quotes" and \\ and \n']],
    ['numbers JSON writes exactly', [0, 1.5, -3, 2 ** 53, 1e21, Number.MIN_VALUE, -Number.MAX_VALUE]],
    ['nested plain data', { a: { b: [true, false, null, { c: 'd' }] }, __proto__: null }],
  ])('%s: JSON text, read back equal', (_, value) => {
    const { first, back } = roundTrip(value);
    expect(first).toBe(JSON_START);
    expect(back).toEqual(value);
  });

  it.each([
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1, 2])],
    ['a Date', new Date(5)],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['undefined', undefined],
    ['a property holding undefined', { a: undefined }],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-0', -0],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['an array with a property beside its indices', Object.assign([1, 2], { extra: 'kept' })],
    ['a bigint', 12n],
    ['a value nested deeper than the check walks', JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`) as unknown],
  ])('%s: structured clone, read back as it was', (_, value) => {
    const { first, back } = roundTrip(value);
    expect(first).toBe(STRUCTURED_CLONE_START);
    expect(back).toStrictEqual(value);
    if (typeof value === 'number') expect(Object.is(back, value)).toBe(true);
  });

  it('a JSON-exact value inside a version of a key\'s state stays JSON; one structured value sends the record to structured clone', () => {
    expect(encodeRecord('k', siblings)[0]).toBe(JSON_START);
    const withDate = { ...siblings, versions: [{ ...siblings.versions[0], value: new Date(1) }] };
    expect(encodeRecord('k', withDate)[0]).toBe(STRUCTURED_CLONE_START);
    expect(decodeRecord(encodeRecord('k', withDate))).toStrictEqual(['k', withDate]);
  });

  it('records written as structured clone before JSON records existed read as before', () => {
    expect(decodeRecord(serialize(['k', siblings]))).toEqual(['k', siblings]);
  });

  it('record keys are the bytes they always were: a tag, then the key or, past 1,024 bytes, its SHA-256', () => {
    for (const key of ['key0', 'é😀', 'x'.repeat(1024)]) expect(recordKey(key)).toEqual(Buffer.concat([Buffer.of(0), Buffer.from(key, 'utf8')]));
    const long = 'y'.repeat(1025);
    expect(recordKey(long)).toEqual(Buffer.concat([Buffer.of(1), createHash('sha256').update(Buffer.from(long, 'utf8')).digest()]));
  });
});

// The worker's probe: a process of its own reads the environment through before it is opened here.
const PROBE_SCRIPT = new URL('../dist/workers/lmdb-probe.js', import.meta.url);

describe('durable records - shared objects and keys UTF-8 cannot tell apart', () => {
  it('a value of shared objects goes to structured clone at once, however deep the sharing', () => {
    // 2^40 paths as a tree, a few hundred bytes as structured clone: walking it as a tree would never end.
    let shared: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) shared = { a: shared, b: shared };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const value of [shared, cyclic]) expect(encodeRecord('k', value)[0]).toBe(0xff);
    // Read back with the sharing kept (compared by walking one path: a deep comparison would
    // walk the tree of paths that this test is about).
    let read = (decodeRecord(encodeRecord('k', shared)) as [string, Record<string, unknown>])[1];
    for (let i = 0; i < 40; i++) {
      expect(read['a']).toBe(read['b']);
      read = read['a'] as Record<string, unknown>;
    }
    expect(read).toEqual({ leaf: 1 });
    const cycle = (decodeRecord(encodeRecord('k', cyclic)) as [string, Record<string, unknown>])[1];
    expect(cycle['self']).toBe(cycle);
  });

  it('keys with lone surrogates get records of their own, apart from each other and from U+FFFD', () => {
    const keys = ['x\uD800', 'x\uD801', 'x\uFFFD', 'x\uDC00'];
    const records = new Set(keys.map((key) => recordKey(key).toString('hex')));
    expect(records.size).toBe(keys.length);
  });
});

describe('durable records - through an LMDB environment', { timeout: 30_000 }, () => {
  const openStores = (path: string): Promise<LmdbStores> =>
    LmdbStores.open({ path, nodeId: 'node-1', durability: 'commit', progressed: () => undefined, failed: (error) => expect.fail(error.message), probe: (file) => probeEnvironment(file, PROBE_SCRIPT) });

  it('a node reopened reads both kinds of records', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynamo-records-'));
    const first = await openStores(path);
    const structured = { versions: [{ value: new Map([['m', 1]]), deleted: false, dot: { actor: 'a', counter: 1, timeMs: 1 } }], context: { clock: ['a', 1, 1] } };
    first.data.set('plain', siblings as never);
    first.data.set('structured', structured as never);
    await first.close();
    const again = await openStores(path);
    try {
      expect(again.boot).toBe(2);
      expect(again.data.get('plain')).toEqual(siblings);
      expect(again.data.get('structured')).toStrictEqual(structured);
    } finally {
      await again.close();
    }
  });

  it('an environment of format 1, every record structured clone\'s, still opens', async () => {
    const path = mkdtempSync(join(tmpdir(), 'dynamo-records-'));
    const env = open({ path: join(path, 'data.mdb') });
    await env.openDB<unknown, string>({ name: 'meta' }).put('format', 1);
    await env.openDB({ name: 'data', encoding: 'binary', keyEncoding: 'binary' }).put(recordKey('old'), serialize(['old', siblings]));
    await env.close();
    const stores = await openStores(path);
    try {
      expect(stores.data.get('old')).toEqual(siblings);
    } finally {
      await stores.close();
    }
  });
});

describe('durable records - a key\'s siblings and a hint, written flat', () => {
  const twoVersions = {
    versions: [
      { value: 'x'.repeat(100), deleted: false, dot: { actor: 'node-1~3.0a1b2c3d', counter: 17, timeMs: 1_764_000_000_123 } },
      { value: null, deleted: true, dot: { actor: 'node-2~1.ffeeddcc', counter: 4, timeMs: 1_764_000_000_000 } },
    ],
    // Entries [actor, counter, timeMs, gapCount, from, to, ...]: one with a gap.
    context: { clock: ['node-1~3.0a1b2c3d', 17, 1_764_000_000_123, 1, 3, 5, 'node-2~1.ffeeddcc', 4, 1_764_000_000_000, 0] },
  };
  const hint = { key: 'k', owner: 'node-4', siblings: twoVersions, seq: 2 ** 33 + 5 };

  it('siblings of strings and tombstones are one flat array, packed, with no property names, and read back equal', () => {
    const bytes = siblingsRecords.encode('k', twoVersions);
    expect(bytes[0]).toBe(PACKED_START);
    expect(unpack(bytes)![1]).toEqual(expect.any(Number));
    const text = bytes.toString('latin1');
    expect(text).not.toContain('versions');
    expect(text).not.toContain('actor');
    expect(siblingsRecords.decode(bytes)).toStrictEqual(['k', twoVersions]);
    const routed = { ...twoVersions, context: { ...twoVersions.context, readFrom: 'node-3' } };
    expect(siblingsRecords.decode(siblingsRecords.encode('k', routed))).toStrictEqual(['k', routed]);
  });

  it('a hint is flat too, with its owner, key and seq', () => {
    const bytes = hintRecords.encode('node-4\u0000k', hint);
    expect(bytes[0]).toBe(PACKED_START);
    expect(unpack(bytes)![1]).toEqual(expect.any(Number));
    expect(hintRecords.decode(bytes)).toStrictEqual(['node-4\u0000k', hint]);
  });

  it('plain data values stay flat JSON; a value JSON cannot hold, or one shared by two versions, goes to structured clone', () => {
    const object = { a: [1, 'b', { c: true }] };
    const plain = { ...twoVersions, versions: [{ ...twoVersions.versions[0]!, value: object }] };
    expect(siblingsRecords.encode('k', plain)[0]).toBe(JSON_START);
    expect(siblingsRecords.decode(siblingsRecords.encode('k', plain))).toStrictEqual(['k', plain]);
    const withMap = { ...twoVersions, versions: [{ ...twoVersions.versions[0]!, value: new Map([['m', 1]]) }] };
    const shared = { ...twoVersions, versions: twoVersions.versions.map((version) => ({ ...version, value: object })) };
    for (const siblingsOf of [withMap, shared]) {
      const bytes = siblingsRecords.encode('k', siblingsOf);
      expect(bytes[0]).toBe(STRUCTURED_CLONE_START);
      expect(siblingsRecords.decode(bytes)).toStrictEqual(['k', siblingsOf]);
    }
    const back = (siblingsRecords.decode(siblingsRecords.encode('k', shared)) as [string, typeof shared])[1];
    expect(back.versions[0]!.value).toBe(back.versions[1]!.value);
  });

  it('records of format 2, [key, value] as JSON text, read as before', () => {
    expect(siblingsRecords.decode(encodeRecord('k', twoVersions))).toStrictEqual(['k', twoVersions]);
    expect(hintRecords.decode(encodeRecord('node-4\u0000k', hint))).toStrictEqual(['node-4\u0000k', hint]);
  });

  it('a flat record of the other store, with fields of the wrong kind, or a hint whose key disagrees is not read as data', () => {
    expect(hintRecords.decode(siblingsRecords.encode('k', twoVersions))).toBeNull();
    expect(siblingsRecords.decode(hintRecords.encode('node-4\u0000k', hint))).toBeNull();
    expect(hintRecords.decode(hintRecords.encode('node-5\u0000k', hint))).toBeNull();
    const flat = unpack(siblingsRecords.encode('k', twoVersions))!;
    for (const [at, wrong] of [[2, 7], [5, 'no'], [6, 12], [7, '17'], [8, null], [flat.length - 1, {}]] as const) {
      const broken = [...flat];
      broken[at] = wrong;
      expect(siblingsRecords.decode(Buffer.from(JSON.stringify(broken)))).toBeNull();
      // Packed too, where the wrong field is one a packed record can hold.
      const packed = new RecordArena().pack(broken);
      if (packed !== null) expect(siblingsRecords.decode(packed)).toBeNull();
    }
    const badSeq = unpack(hintRecords.encode('node-4\u0000k', hint))!;
    badSeq[4] = 1.5;
    expect(hintRecords.decode(Buffer.from(JSON.stringify(badSeq)))).toBeNull();
    expect(hintRecords.decode(new RecordArena().pack(badSeq)!)).toBeNull();
  });

  it('a flat record cut short or of an unknown tag is not read as data', () => {
    const packed = siblingsRecords.encode('k', twoVersions);
    const flat = unpack(packed)!;
    expect(siblingsRecords.decode(Buffer.from(JSON.stringify(flat.slice(0, 6))))).toBeNull();
    expect(siblingsRecords.decode(Buffer.from(JSON.stringify(['k', 99, ...flat.slice(2)])))).toBeNull();
    expect(siblingsRecords.decode(new RecordArena().pack(['k', 99, ...flat.slice(2)])!)).toBeNull();
    // Packed bytes cut anywhere, or with a type byte no packed record has, are not a record.
    for (let length = 1; length < packed.length; length++) expect(siblingsRecords.decode(packed.subarray(0, length))).toBeNull();
    const badType = Buffer.from(packed);
    badType[5] = 9;
    expect(siblingsRecords.decode(badType)).toBeNull();
    const trailing = Buffer.concat([packed, Buffer.of(0)]);
    expect(siblingsRecords.decode(trailing)).toBeNull();
  });

  it('packing keeps every number exactly and sends a string UTF-8 cannot hold to JSON text', () => {
    const odd = { ...twoVersions, context: { clock: ['node-1~3', -0, Number.NaN, 2 ** 53 + 2, 0.1] } };
    const bytes = siblingsRecords.encode('k', odd);
    expect(bytes[0]).toBe(PACKED_START);
    expect(siblingsRecords.decode(bytes)).toStrictEqual(['k', odd]);
    const lone = { ...twoVersions, versions: [{ ...twoVersions.versions[0]!, value: 'a\ud800b' }] };
    const text = siblingsRecords.encode('k', lone);
    expect(text[0]).toBe(JSON_START);
    expect(siblingsRecords.decode(text)).toStrictEqual(['k', lone]);
    expect(new RecordArena().pack(['\udc00'])).toBeNull();
    expect(new RecordArena().pack(['ascii first, then a lone surrogate \ud800'])).toBeNull();
    expect(new RecordArena().pack([{}])).toBeNull();
  });

  it('packed strings are their UTF-8 bytes, ASCII or not, wherever the first non-ASCII character is', () => {
    const strings = ['', 'plain ASCII \u007f', 'é', 'abcé', 'x😀y', 'ascii then 中文', `${'x'.repeat(100)}€`];
    const arena = new RecordArena();
    const packed = arena.pack(strings)!;
    expect(unpack(packed)).toStrictEqual(strings);
    const expected = Buffer.concat([
      Buffer.of(PACKED_START, strings.length, 0, 0, 0),
      ...strings.map((text) => {
        const bytes = Buffer.from(text, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(bytes.length);
        return Buffer.concat([Buffer.of(4), length, bytes]);
      }),
    ]);
    expect(packed.equals(expected)).toBe(true);
  });

  it('an arena packs records side by side, starts a new slab when one is full, and reuses its slab after reset', () => {
    const arena = new RecordArena();
    const first = siblingsRecords.encode('a', twoVersions, arena);
    const second = siblingsRecords.encode('b', twoVersions, arena);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(first.byteOffset + first.length);
    expect(siblingsRecords.decode(first)).toStrictEqual(['a', twoVersions]);
    // Larger than a slab: memory of its own, not kept by the arena, and the records before it
    // are left as they were.
    const big = { ...twoVersions, versions: [{ ...twoVersions.versions[0]!, value: 'é'.repeat(70_000) }] };
    const large = siblingsRecords.encode('c', big, arena);
    expect(large.buffer).not.toBe(first.buffer);
    expect(siblingsRecords.decode(large)).toStrictEqual(['c', big]);
    expect(siblingsRecords.decode(second)).toStrictEqual(['b', twoVersions]);
    const third = siblingsRecords.encode('d', twoVersions, arena);
    expect(third.buffer).toBe(first.buffer);
    // A full slab: the next record starts a new one, and the full one's records stay as they were.
    let last = third;
    while (last.buffer === first.buffer) last = siblingsRecords.encode('e', twoVersions, arena);
    expect(last.byteOffset).toBe(0);
    expect(siblingsRecords.decode(first)).toStrictEqual(['a', twoVersions]);
    arena.reset();
    const again = siblingsRecords.encode('f', twoVersions, arena);
    expect(again.buffer).toBe(last.buffer);
    expect(again.byteOffset).toBe(0);
  });

  it('packed bytes that are not UTF-8, not flat, or with a count or time no dot has are not read as data', () => {
    const flat = unpack(siblingsRecords.encode('k', twoVersions))!;
    const arena = new RecordArena();
    // 'k' is the first string: its byte, at offset 10, made a byte UTF-8 never starts with.
    const notUtf8 = Buffer.from(siblingsRecords.encode('k', twoVersions));
    expect(notUtf8[10]).toBe('k'.charCodeAt(0));
    notUtf8[10] = 0xff;
    expect(siblingsRecords.decode(notUtf8)).toBeNull();
    expect(siblingsRecords.decode(arena.pack(['k', 'v'])!)).toBeNull();
    expect(hintRecords.decode(arena.pack(['k', 'v'])!)).toBeNull();
    for (const [at, wrong] of [[7, 1.5], [7, Number.NaN], [8, Number.POSITIVE_INFINITY]] as const) {
      const broken = [...flat];
      broken[at] = wrong;
      expect(siblingsRecords.decode(arena.pack(broken)!)).toBeNull();
    }
  });
});
