import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockFromView } from './helpers/clocks.js';
import { isMessage } from '../src/protocol/guards.js';
import type { Message } from '../src/protocol/messages.js';
import { IdEncoder, IdTable, isDefinitions, MAX_CODED_IDS } from '../src/protocol/wire-ids.js';
import { decodeMessage, encodeMessage } from '../src/protocol/wire.js';
import { allExamples, examples } from './helpers/message-examples.js';

/** One direction of a link, as a port carries it: definitions go first, everything is cloned. */
class Link {
  readonly encoder = new IdEncoder();
  readonly table = new IdTable();
  /** What crossed, in order, as the receiver got it. */
  readonly wire: unknown[] = [];

  cross(msg: Message): unknown {
    const wire = encodeMessage(msg, this.encoder);
    const definitions = this.encoder.takeDefinitions();
    if (definitions !== null) {
      const arrived = structuredClone(definitions);
      this.wire.push(arrived);
      expect(isDefinitions(arrived)).toBe(true);
      expect(this.table.define(arrived)).toBe(true);
    }
    const arrived = structuredClone(wire);
    this.wire.push(arrived);
    return decodeMessage(arrived, this.table.ids);
  }
}

/** Every string inside a wire shape. */
const stringsIn = (wire: unknown): string[] => (Array.isArray(wire) ? wire.filter((x): x is string => typeof x === 'string') : []);

describe('codes for ids on a link', () => {
  it('every kind crosses a link equal to what was sent, and passes the guard', () => {
    const link = new Link();
    for (const round of [1, 2]) {
      for (const msg of allExamples) {
        const back = link.cross(msg);
        expect(back, `${msg.kind}, round ${round}`).toEqual(msg);
        expect(isMessage(back), msg.kind).toBe(true);
      }
    }
  });

  it('ids cross as strings once, then as their codes; keys and values stay strings', () => {
    const link = new Link();
    link.cross(examples['client.put']);
    link.cross(examples['replica.write']);
    const before = link.wire.length;
    link.cross(examples['client.put']);
    link.cross(examples['replica.write']);
    const later = link.wire.slice(before);
    // No new definitions, and the only strings left are the keys and the put's value.
    expect(later.filter(isDefinitions)).toEqual([]);
    expect(later.flatMap(stringsIn).sort()).toEqual(['k', 'k', 'v']);
  });

  it('a definition states its code: one arriving again changes nothing, a conflicting one is refused', () => {
    const table = new IdTable();
    expect(table.define([0, 0, 'n1', 1, 'n2'])).toBe(true);
    expect(table.define([0, 1, 'n2', 2, 'n3'])).toBe(true);
    expect(table.ids).toEqual(['n1', 'n2', 'n3']);
    for (const bad of [[0, 1, 'other'], [0, 5, 'n6'], [0, -1, 'x'], [0, 3], [0, 3, 7], [0, '3', 'n4'], [0, 1.5, 'x']]) {
      expect(table.define(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(table.ids).toEqual(['n1', 'n2', 'n3']);
  });

  it('a code the receiver does not know is never read as an id: the guard refuses the message', () => {
    for (const msg of allExamples) {
      const encoder = new IdEncoder();
      const wire = encodeMessage(msg, encoder);
      if (encoder.takeDefinitions() === null) continue;
      // The definitions lost: every code is unknown.
      expect(isMessage(decodeMessage(structuredClone(wire), [])), msg.kind).toBe(false);
    }
    // A clock whose only id is unknown: not an actor named by the code's digits.
    const onlyClock: Message = { kind: 'reply.put', reqId: 1, context: { clock: ['n1#1', 2, 5, 0] }, ackedBy: [] };
    const wire = encodeMessage(onlyClock, new IdEncoder());
    expect(decodeMessage(wire, ['n1#1'])).toEqual(onlyClock);
    expect(isMessage(decodeMessage(wire, []))).toBe(false);
  });

  it('past the limit, new ids cross as strings and the link goes on', () => {
    const encoder = new IdEncoder();
    for (let i = 0; i < MAX_CODED_IDS; i++) expect(encoder.code(`actor-${i}`)).toBe(i);
    expect(encoder.code('one-too-many')).toBe('one-too-many');
    expect(encoder.code('actor-7')).toBe(7);
    const table = new IdTable();
    expect(table.define(encoder.takeDefinitions() as unknown[])).toBe(true);
    expect(table.ids.length).toBe(MAX_CODED_IDS);
    expect(table.define([0, MAX_CODED_IDS, 'one-too-many'])).toBe(false);
  });

  it('random histories of messages cross a link as they were sent', () => {
    const actor = fc.constantFrom('n1#1', 'n2#1', 'n3#2', 'client-9f3a', 'c');
    const clock = fc.dictionary(actor, fc.record({ counter: fc.integer({ min: 1, max: 50 }), timeMs: fc.double({ min: 0, max: 1e13, noNaN: true }) }), { maxKeys: 4 }).map(clockFromView);
    const gapped = fc.dictionary(
      actor,
      fc.record({ counter: fc.integer({ min: 5, max: 50 }), timeMs: fc.double({ min: 0, max: 1e13, noNaN: true }), gaps: fc.constantFrom([[1, 1]], [[1, 2], [4, 4]]) }),
      { maxKeys: 3 },
    ).map(clockFromView);
    const version = fc.record({ value: fc.oneof(fc.string(), fc.constant(null)), deleted: fc.boolean(), dot: fc.record({ actor, counter: fc.integer({ min: 1, max: 50 }), timeMs: fc.double({ min: 0, max: 1e13, noNaN: true }) }) });
    const msg = fc.oneof(
      fc.record({ kind: fc.constant('reply.put' as const), reqId: fc.nat(), context: fc.record({ clock }), ackedBy: fc.array(fc.constantFrom('n1', 'n2', 'n3'), { maxLength: 3 }) }),
      fc.record({
        kind: fc.constant('replica.write' as const),
        reqId: fc.nat(),
        key: fc.string(),
        siblings: fc.record({ versions: fc.array(version, { maxLength: 3 }), context: fc.record({ clock: gapped }) }),
        hintFor: fc.constantFrom(null, 'n2', 'n3'),
      }),
      fc.record({ kind: fc.constant('client.get' as const), reqId: fc.nat(), key: fc.string(), r: fc.integer({ min: 1, max: 3 }), timeoutMs: fc.integer({ min: 1, max: 5000 }), hops: fc.nat(3), replyTo: fc.constantFrom('client-a', 'client-b') }),
    );
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 20 }), (history) => {
        const link = new Link();
        for (const sent of history) expect(link.cross(sent as Message)).toEqual(sent);
      }),
      { seed: 20_261_128, numRuns: 300 },
    );
  });
});
