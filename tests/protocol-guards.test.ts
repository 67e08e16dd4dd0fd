import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyContext, isCausalContext, isMessage, isSiblings } from '../src/protocol/guards.js';
import type { Message, MessageKind } from '../src/protocol/messages.js';
import { allExamples, context, examples, HASH, siblings } from './helpers/message-examples.js';

/** Pinned so the properties replay the same runs every time; fast-check prints it on failure anyway. */
const SEED = 20_071_018;



/** A value of the wrong type for a field that holds `x`. */
function mistyped(x: unknown): unknown {
  if (typeof x === 'string') return 42;
  if (typeof x === 'number') return String(x);
  if (typeof x === 'boolean') return 'true';
  if (x === null) return 0;
  return 'not an object';
}

/** The message with one field replaced. */
function withField(msg: Message, field: string, value: unknown): Record<string, unknown> {
  return { ...msg, [field]: value };
}

/** The message with one field removed. */
function without(msg: Message, field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...msg };
  delete copy[field];
  return copy;
}

/** A replica.write carrying `bad` where its siblings go. */
function writeWithSiblings(bad: unknown): Record<string, unknown> {
  return withField(examples['replica.write'], 'siblings', bad);
}

/** A client.put carrying `bad` where its context goes. */
function putWithContext(bad: unknown): Record<string, unknown> {
  return withField(examples['client.put'], 'context', bad);
}

describe('protocol guards - well-formed messages', () => {
  it('protocol guards - accepts one well-formed example of every kind', () => {
    for (const msg of allExamples) expect(isMessage(msg), msg.kind).toBe(true);
  });

  it('protocol guards - accepts every example after a structured clone, as a port delivers it', () => {
    for (const msg of allExamples) expect(isMessage(structuredClone(msg)), msg.kind).toBe(true);
  });

  it('protocol guards - accepts a fallback write naming its owner and empty sibling lists', () => {
    expect(isMessage({ ...examples['replica.write'], hintFor: 'n3' })).toBe(true);
    expect(isMessage({ ...examples['replica.readReply'], siblings: { versions: [], context: { clock: [] } } })).toBe(true);
    expect(isMessage({ ...examples['client.put'], value: undefined, deleted: true })).toBe(true);
  });

  it('protocol guards - a forwarded put carries the dot its first node minted; a malformed one is refused', () => {
    expect(isMessage({ ...examples['client.put'], dot: { actor: 'n1#1', counter: 4, timeMs: 1 } })).toBe(true);
    expect(isMessage({ ...examples['client.put'], dot: { actor: 'n1#1', counter: 0, timeMs: 1 } })).toBe(false);
    expect(isMessage({ ...examples['client.put'], dot: 'n1#1:4' })).toBe(false);
  });
});

describe('protocol guards - anti-entropy messages', () => {
  it('protocol guards - refuses tree hashes that are not 32 lowercase hex digits, and malformed nodes, leaves and entries', () => {
    const cases: Record<string, unknown> = {
      'a short hash': { ...examples['ae.compare'], nodes: [[0, 'abc']] },
      'an uppercase hash': { ...examples['ae.compare'], nodes: [[0, HASH.toUpperCase()]] },
      'a negative node index': { ...examples['ae.compare'], nodes: [[-1, HASH]] },
      'a node that is not a pair': { ...examples['ae.compare'], nodes: [[0, HASH, 1]] },
      'a fractional parent': { ...examples['ae.compare'], parents: [0.5] },
      'a leaf without all': { ...examples['ae.leaves'], leaves: [{ leaf: 1, keys: [] }] },
      'a leaf key that is not a string': { ...examples['ae.leaves'], leaves: [{ leaf: 1, all: true, keys: [[1, HASH]] }] },
      'an entry with malformed siblings': { ...examples['ae.sync'], entries: [{ key: 'k', siblings: { versions: [] } }] },
      'a wanted key that is not a string': { ...examples['ae.sync'], want: [1] },
    };
    for (const [name, bad] of Object.entries(cases)) expect(isMessage(bad), name).toBe(false);
  });
});

describe('protocol guards - rejected input', () => {
  it('protocol guards - rejects non-objects', () => {
    for (const x of [null, undefined, 0, 42, 'ping', true, [], [examples.ping], () => examples.ping, Symbol('ping')]) {
      expect(isMessage(x)).toBe(false);
    }
  });

  it('protocol guards - rejects unknown, missing and non-string kinds, including inherited property names', () => {
    for (const kind of ['nope', 'PING', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '', 42, null]) {
      expect(isMessage({ kind, seq: 1 }), String(kind)).toBe(false);
    }
    expect(isMessage({ seq: 1 })).toBe(false);
  });

  it('protocol guards - rejects every message with any one field missing', () => {
    for (const msg of allExamples) {
      for (const field of Object.keys(msg)) {
        expect(isMessage(without(msg, field)), `${msg.kind} without ${field}`).toBe(false);
      }
    }
  });

  it('protocol guards - rejects every message with any one field of the wrong type', () => {
    for (const msg of allExamples) {
      for (const [field, value] of Object.entries(msg)) {
        // A put's value is the client's opaque payload: every type is well-formed there.
        if (field === 'kind' || (msg.kind === 'client.put' && field === 'value')) continue;
        expect(isMessage(withField(msg, field, mistyped(value))), `${msg.kind} with a mistyped ${field}`).toBe(false);
      }
    }
  });

  it('protocol guards - rejects counts that are negative, fractional or not finite', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(isMessage({ kind: 'ping', seq: bad }), String(bad)).toBe(false);
      expect(isMessage(withField(examples['client.get'], 'reqId', bad)), String(bad)).toBe(false);
    }
    expect(isMessage(withField(examples['client.get'], 'timeoutMs', Number.NaN))).toBe(false);
    expect(isMessage(withField(examples['client.get'], 'timeoutMs', Number.POSITIVE_INFINITY))).toBe(false);
    expect(isMessage(withField(examples['replica.write'], 'hintFor', undefined))).toBe(false);
  });

  it('protocol guards - rejects malformed siblings', () => {
    const good = siblings.versions[0];
    if (good === undefined) throw new Error('fixture has no version');
    const withVersions = (versions: unknown): unknown => ({ versions, context });
    const cases: Record<string, unknown> = {
      'an array': [good],
      'versions not an array': withVersions({ 0: good }),
      'no context': { versions: [good] },
      'a malformed context': { versions: [good], context: { clock: { a: { counter: -1, timeMs: 0 } } } },
      'a null version': withVersions([null]),
      'a version without value': withVersions([{ deleted: false, dot: good.dot }]),
      'deleted not a boolean': withVersions([{ ...good, deleted: 'no' }]),
      'no dot': withVersions([{ ...good, dot: undefined }]),
      'a dot with counter 0': withVersions([{ ...good, dot: { actor: 'a', counter: 0, timeMs: 1 } }]),
      'a dot with a fractional counter': withVersions([{ ...good, dot: { actor: 'a', counter: 1.5, timeMs: 1 } }]),
      'a dot with a numeric actor': withVersions([{ ...good, dot: { actor: 7, counter: 1, timeMs: 1 } }]),
      'a dot without time': withVersions([{ ...good, dot: { actor: 'a', counter: 1 } }]),
      'one good and one bad version': withVersions([good, { ...good, dot: null }]),
    };
    for (const [name, bad] of Object.entries(cases)) {
      expect(isSiblings(bad), name).toBe(false);
      expect(isMessage(writeWithSiblings(bad)), name).toBe(false);
    }
    expect(isSiblings(siblings)).toBe(true);
  });

  it('protocol guards - rejects malformed causal contexts', () => {
    const flat = (...clock: unknown[]): unknown => ({ clock });
    const manyActors = Array.from({ length: 20 }, (_, i) => [`n${i}`, 1, 0, 0]).flat();
    const cases: Record<string, unknown> = {
      'null': null,
      'no clock': {},
      'a clock as the API shows it (a record)': { clock: { a: { counter: 1, timeMs: 0 } } },
      'an entry cut short': flat('a', 1, 0),
      'an actor that is a number': flat(7, 1, 0, 0),
      'an actor named __proto__': flat('__proto__', 1, 0, 0),
      'an actor twice': flat('a', 1, 0, 0, 'b', 1, 0, 0, 'a', 2, 0, 0),
      'an actor twice in a clock of many actors': { clock: [...manyActors, 'n3', 2, 0, 0] },
      'a negative counter': flat('a', -1, 0, 0),
      'counter 0': flat('a', 0, 0, 0),
      'no time': flat('a', 1, undefined, 0),
      'infinite time': flat('a', 1, Number.POSITIVE_INFINITY, 0),
      'a fractional gap count': flat('a', 5, 0, 0.5, 2, 3),
      'gaps running past the end': flat('a', 5, 0, 2, 2, 3),
      'a gap reaching the counter': flat('a', 5, 0, 1, 2, 5),
      'a gap starting at 0': flat('a', 5, 0, 1, 0, 2),
      'a reversed gap': flat('a', 5, 0, 1, 3, 2),
      'gaps out of order': flat('a', 9, 0, 2, 5, 6, 1, 2),
      'overlapping gaps': flat('a', 9, 0, 2, 1, 4, 3, 6),
      'adjacent gaps (they are one gap)': flat('a', 9, 0, 2, 1, 2, 3, 4),
      'a fractional gap': flat('a', 9, 0, 1, 1.5, 2),
      'a readFrom that is not a string': { clock: [], readFrom: 3 },
    };
    for (const [name, bad] of Object.entries(cases)) {
      expect(isCausalContext(bad), name).toBe(false);
      expect(isMessage(putWithContext(bad)), name).toBe(false);
    }
    expect(isCausalContext(context)).toBe(true);
    expect(isCausalContext({ clock: manyActors })).toBe(true);
    expect(isCausalContext(flat('a', 9, 0, 2, 1, 2, 4, 4, 'b', 1, 5, 0))).toBe(true);
  });

  it('protocol guards - copyContext refuses a malformed context as the API shows it', () => {
    const entry = (e: unknown): unknown => ({ clock: { a: e } });
    const cases: Record<string, unknown> = {
      'null': null,
      'no clock': {},
      'a clock as the engine keeps it (flat)': { clock: ['a', 1, 0, 0] },
      'a clock entry that is a number': entry(3),
      'a clock entry with a negative counter': entry({ counter: -1, timeMs: 0 }),
      'a clock entry with counter 0': entry({ counter: 0, timeMs: 0 }),
      'a clock entry without time': entry({ counter: 1 }),
      'a clock entry with infinite time': entry({ counter: 1, timeMs: Number.POSITIVE_INFINITY }),
      'gaps that are not ranges': entry({ counter: 5, timeMs: 0, gaps: [2, 3] }),
      'an empty gap list': entry({ counter: 5, timeMs: 0, gaps: [] }),
      'a gap reaching the counter': entry({ counter: 5, timeMs: 0, gaps: [[2, 5]] }),
      'a gap starting at 0': entry({ counter: 5, timeMs: 0, gaps: [[0, 2]] }),
      'a reversed gap': entry({ counter: 5, timeMs: 0, gaps: [[3, 2]] }),
      'gaps out of order': entry({ counter: 9, timeMs: 0, gaps: [[5, 6], [1, 2]] }),
      'overlapping gaps': entry({ counter: 9, timeMs: 0, gaps: [[1, 4], [3, 6]] }),
      'adjacent gaps (they are one gap)': entry({ counter: 9, timeMs: 0, gaps: [[1, 2], [3, 4]] }),
      'a fractional gap': entry({ counter: 9, timeMs: 0, gaps: [[1.5, 2]] }),
      'an actor named __proto__': JSON.parse('{"clock":{"__proto__":{"counter":1,"timeMs":0}}}'),
      'a readFrom that is not a string': { clock: {}, readFrom: 3 },
    };
    for (const [name, bad] of Object.entries(cases)) expect(copyContext(bad), name).toBeUndefined();
  });

  it('protocol guards - copyContext refuses a context holding anything else, and copies one that holds nothing else', () => {
    const fn = (): void => undefined;
    const entry = { counter: 2, timeMs: 1, gaps: [[1, 1]] };
    for (const [name, dirty] of Object.entries({
      'a function in a clock entry': { clock: { a: { ...entry, extra: fn } } },
      'a symbol key in a clock entry': { clock: { a: { ...entry, [Symbol('s')]: 1 } } },
      'a symbol key in the clock': { clock: { a: entry, [Symbol('s')]: entry } },
      'a field of an older format': { clock: { a: entry }, dots: [] },
      'a function beside the clock': { clock: { a: entry }, other: fn },
      'a gap with an extra field': { clock: { a: { ...entry, gaps: [Object.assign([1, 1], { extra: fn })] } } },
    })) {
      expect(copyContext(dirty), name).toBeUndefined();
    }
    const clean = { clock: { a: entry }, readFrom: 'n1' };
    const copy = copyContext(clean);
    expect(copy).toEqual({ clock: ['a', 2, 1, 1, 1, 1], readFrom: 'n1' });
    expect(structuredClone(copy)).toEqual(copy);
  });

  // Regression: node lists of replies were only checked to be arrays.
  it('protocol guards - rejects an error reply with an unknown code', () => {
    expect(isMessage(withField(examples['reply.error'], 'code', 'SOMETHING_ELSE'))).toBe(false);
  });

  it('protocol guards - rejects node lists of replies that hold anything but strings', () => {
    expect(isMessage(withField(examples['reply.get'], 'repliedBy', [1, 2]))).toBe(false);
    expect(isMessage(withField(examples['reply.put'], 'ackedBy', [null]))).toBe(false);
  });
});

describe('protocol guards - arbitrary input', () => {
  it('protocol guards - never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }), (x) => {
        expect(typeof isMessage(x)).toBe('boolean');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('protocol guards - never throws on a known kind with arbitrary fields', () => {
    const kinds = Object.keys(examples) as MessageKind[];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.dictionary(fc.string(), fc.anything({ withNullPrototype: true })), (kind, fields) => {
        expect(typeof isMessage({ ...fields, kind })).toBe('boolean');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('protocol guards - a message stays well-formed when one field is replaced by a value of its own type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allExamples), fc.nat(), fc.string(), (msg, n, s) => {
        for (const [field, value] of Object.entries(msg)) {
          // `kind` and an error's `code` are closed sets, not free strings.
          if (field === 'kind' || (msg.kind === 'reply.error' && field === 'code')) continue;
          if (typeof value === 'number') expect(isMessage(withField(msg, field, n)), `${msg.kind}.${field}`).toBe(true);
          if (typeof value === 'string') expect(isMessage(withField(msg, field, s)), `${msg.kind}.${field}`).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
