import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMessage } from '../src/protocol/guards.js';
import type { Siblings } from '../src/protocol/data.js';
import { decodeMessage, encodeMessage } from '../src/protocol/wire.js';
import { allExamples, examples } from './helpers/message-examples.js';

/** What a port delivers: the wire shape after a structured clone, decoded. */
const acrossAPort = (msg: unknown): unknown => decodeMessage(structuredClone(encodeMessage(msg as never)));

/** The messages of every request, and every other message that carries versions. */
const FLAT_KINDS = [
  'client.get', 'client.put', 'forward.ack', 'reply.get', 'reply.put', 'reply.error', 'replica.read', 'replica.readReply', 'replica.write', 'replica.writeAck', 'replica.repair',
  'hint.deliver', 'handoff', 'reap.query', 'reap.commit', 'ae.sync',
];

describe('wire shape of messages', () => {
  it('every kind comes back equal to what was sent, and passes the guard', () => {
    for (const msg of allExamples) {
      const back = acrossAPort(msg);
      expect(back, msg.kind).toEqual(msg);
      expect(isMessage(back), msg.kind).toBe(true);
    }
  });

  it('the messages of every request and every message with versions cross as flat arrays; the others as the objects they are', () => {
    for (const msg of allExamples) {
      const wire = encodeMessage(msg);
      expect(Array.isArray(wire), msg.kind).toBe(FLAT_KINDS.includes(msg.kind));
    }
  });

  it('versions, dots and contexts come out of every kind with the one shape V8 gives the decoder\'s literals', () => {
    // V8 gives the objects structured clone rebuilds shapes (maps) of their own; a node that
    // met both had every data function compiled again for the second. V8's own test of two
    // objects' maps needs --allow-natives-syntax, so a child process of the build does it.
    const wire = pathToFileURL(join(process.cwd(), 'dist/src/protocol/wire.js')).href;
    const program = `
      const { encodeMessage, decodeMessage } = await import(${JSON.stringify(wire)});
      const examples = ${JSON.stringify(allExamples)};
      const across = (msg) => decodeMessage(structuredClone(encodeMessage(msg)));
      const siblingsOf = (m) => ('entries' in m ? m.entries.map((e) => e.siblings) : 'siblings' in m ? [m.siblings] : 'versions' in m ? [m] : []);
      const reference = across(examples.find((m) => m.kind === 'replica.write')).siblings;
      const same = (a, b) => %HaveSameMap(a, b);
      const shapes = {};
      for (const msg of examples) {
        for (const siblings of siblingsOf(across(msg))) {
          for (const version of siblings.versions) shapes[msg.kind] = (shapes[msg.kind] ?? true) && same(version, reference.versions[0]) && same(version.dot, reference.versions[0].dot);
          if ('clock' in (siblings.context ?? {})) shapes[msg.kind] = (shapes[msg.kind] ?? true) && same(siblings.context, reference.context);
        }
      }
      // The check itself: an object structured clone rebuilt has a shape of its own.
      const cloned = structuredClone(reference);
      shapes.control = same(cloned.versions[0], reference.versions[0]);
      console.log(JSON.stringify(shapes));`;
    const shapes = JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', program], { encoding: 'utf8' })) as Record<string, boolean>;
    expect(shapes.control).toBe(false);
    for (const kind of ['replica.readReply', 'replica.repair', 'hint.deliver', 'handoff', 'reap.query', 'reap.commit', 'ae.sync']) expect(shapes[kind], kind).toBe(true);
  });

  it('a sparse array claiming many versions or ids is refused at its first hole, before a list of its length is made', () => {
    const versions: unknown[] = [12, 'k', 1, 199_990];
    versions.length = 1_000_000;
    const hinted = decodeMessage(structuredClone(versions)) as { siblings?: { versions?: unknown[] } } | null;
    expect(hinted?.siblings?.versions).toEqual([null]);
    expect(isMessage(hinted)).toBe(false);
    const wanted: unknown[] = [16, 1, 'n1', 'n1,n2,n3', 1, 999_990];
    wanted.length = 1_000_000;
    expect(decodeMessage(structuredClone(wanted))).toBeNull();
  });

  it('a repair of several keys keeps each clock to its own key', () => {
    const one = examples['ae.sync'].entries[0]?.siblings as Siblings;
    const other: Siblings = { versions: [{ value: { nested: [1, 2] }, deleted: false, dot: { actor: 'n2#1', counter: 3, timeMs: 9 } }], context: { clock: ['n2#1', 3, 9, 1, 1, 1, 'n1#1', 2, 5, 0] } };
    const empty: Siblings = { versions: [], context: { clock: [] } };
    const msg = { ...examples['ae.sync'], entries: [{ key: 'a', siblings: one }, { key: 'b', siblings: empty }, { key: 'c', siblings: other }], want: [] };
    const back = acrossAPort(msg);
    expect(back).toEqual(msg);
    expect(isMessage(back)).toBe(true);
    // Cut short anywhere, it is refused, never read as a shorter repair.
    const wire = encodeMessage(msg) as unknown[];
    for (let end = 1; end < wire.length; end++) expect(isMessage(decodeMessage(wire.slice(0, end))), `cut at ${end}`).toBe(false);
    expect(isMessage(decodeMessage([...wire, 'extra']))).toBe(false);
  });

  it('nothing inside a flat message is an array or object of its own but the values stored', () => {
    const values = new Set(allExamples.flatMap((msg) => ('siblings' in msg ? msg.siblings.versions : 'versions' in msg ? msg.versions : []).map((v) => v.value)));
    for (const msg of allExamples) {
      const wire = encodeMessage(msg);
      if (!Array.isArray(wire)) continue;
      const nested = wire.filter((element) => typeof element === 'object' && element !== null && !values.has(element));
      expect(nested, msg.kind).toEqual([]);
    }
  });

  it('optional fields stay optional: a minted dot, a readFrom, an undefined value, a hint owner', () => {
    const samples = [
      { ...examples['client.put'], dot: { actor: 'n1#1', counter: 4, timeMs: 1 } },
      { ...examples['client.put'], value: undefined, deleted: true, context: { clock: [], readFrom: 'n2' } },
      { ...examples['reply.put'], context: { ...examples['reply.put'].context, readFrom: 'n3' } },
      { ...examples['replica.write'], hintFor: 'n3' },
    ];
    for (const msg of samples) {
      const back = acrossAPort(msg);
      expect(back).toEqual(msg);
      expect(isMessage(back)).toBe(true);
    }
  });

  it('objects and foreign arrays arrive as they were sent, for the guard to judge', () => {
    const object = { ...examples['replica.writeAck'] };
    expect(decodeMessage(object)).toBe(object);
    expect(decodeMessage([999, 1])).toEqual([999, 1]);
    expect(isMessage(decodeMessage([999, 1]))).toBe(false);
  });

  it('a malformed wire array never throws and never passes the guard', () => {
    const bad = [
      // A clock entry cut short, and one whose gap count runs past the end.
      [2, 1, 'k', 'v', false, null, 2, 500, 0, 'c', null, 0, 0, 'a', 1],
      [2, 1, 'k', 'v', false, null, 2, 500, 0, 'c', null, 0, 0, 'a', 1, 5, 3, 1, 1],
      // A version count that runs past the end, and one that is not a whole number.
      [8, 1, 2, 'v', false, 'a', 1, 5],
      [8, 1, 0.5, 'v', false, 'a', 1, 5],
      // A write with nothing after its hint owner.
      [9, 1, 'k', null],
      // A clock naming `__proto__`, and a list of repliers longer than the array.
      [4, 1, null, 0, 0, '__proto__', 1, 1, 0],
      [5, 1, null, 7, 'n1'],
      // A dot without a counter.
      [2, 1, 'k', 'v', false, null, 2, 500, 0, 'c', 'a', null, 1],
      // Gap counts that are not whole numbers, with the gaps that would follow.
      [5, 1, null, 0, 'a', 5, 1, 0.5, 1, 1],
      [5, 1, null, 0, 'a', 5, 1, -1, 1, 1],
    ];
    for (const wire of bad) {
      let decoded: unknown;
      expect(() => (decoded = decodeMessage(wire))).not.toThrow();
      expect(isMessage(decoded), JSON.stringify(wire)).toBe(false);
    }
  });

  it('a sparse array of enormous length is refused at once, not walked', () => {
    const huge: unknown[] = [8, 1, 2_999_000];
    huge.length = 15_000_000;
    // Refused before any run is read: not a read reply with millions of empty versions.
    expect(decodeMessage(structuredClone(huge))).toBeNull();
  });

  it('a clock over a sparse tail (holes where its numbers belong) decodes to null, not to a copy of the tail', () => {
    // One entry claims half a million gaps; the rest of the array is holes.
    const sparse: unknown[] = [5, 1, null, 0, 'a', 1, 0, 499_990];
    sparse.length = 1_000_000;
    const decoded = decodeMessage(structuredClone(sparse)) as { context?: { clock?: unknown } } | null;
    expect(decoded?.context?.clock).toBeNull();
    expect(isMessage(decoded)).toBe(false);
  });

  it('random arrays headed by a message code never throw and pass the guard only as well-formed messages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.anything(), { maxLength: 14 }), (code, rest) => {
        const decoded = decodeMessage([code, ...rest]);
        if (isMessage(decoded)) expect(acrossAPort(decoded)).toEqual(decoded);
      }),
      { seed: 20_071_018, numRuns: 2000 },
    );
  });
});
