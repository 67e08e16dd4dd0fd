/**
 * Where the client sends a node-coordinated request (src/core/client.ts): to the key's first
 * primary it can reach and does not suspect, as a partition-aware client library does (paper
 * §4.5), so that a current ring never costs a forward; a write with a context goes to the
 * node that answered its read (§5); with every primary out of reach, to any other node in
 * turn, which forwards.
 */
import { describe, expect, it } from 'vitest';
import { ClientCore } from '../src/core/client.js';
import { DEFAULT_TUNING } from '../src/core/config.js';
import type { Effect } from '../src/core/effects.js';
import { Ring } from '../src/core/ring.js';
import { md5Hex } from '../src/util/md5.js';

const NODES = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
const tuning = { ...DEFAULT_TUNING, n: 3 };

function sentTo(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => (effect.kind === 'send' ? [effect.to] : []));
}

function getFrom(client: ClientCore, key: string, requestId: number): string[] {
  return sentTo(client.step({ kind: 'get', requestId, spec: { key, r: 2, timeoutMs: 1000 }, nowMs: 0 }));
}

describe('client routing in node coordination', () => {
  const ring = Ring.of(NODES, tuning.vnodes, md5Hex);
  const keys = Array.from({ length: 40 }, (_, i) => `key${i}`);

  it("sends every request to the key's first primary: no forward while the ring is current", () => {
    const client = new ClientCore('client-1', 'node', tuning, NODES, md5Hex);
    keys.forEach((key, i) => expect(getFrom(client, key, i + 1), key).toEqual([ring.preferenceList(key, 3)[0]]));
    // Over many keys the first primaries spread over the nodes.
    expect(new Set(keys.map((key) => ring.preferenceList(key, 3)[0])).size).toBeGreaterThan(2);
  });

  it('skips primaries it cannot reach, and goes to any node in turn when no primary is left', () => {
    const client = new ClientCore('client-1', 'node', tuning, NODES, md5Hex);
    const key = 'key7';
    const [first, second, third] = ring.preferenceList(key, 3) as [string, string, string];
    client.step({ kind: 'reachable', nodes: NODES.filter((node) => node !== first), nowMs: 0 });
    expect(getFrom(client, key, 1)).toEqual([second]);
    const others = NODES.filter((node) => ![first, second, third].includes(node));
    client.step({ kind: 'reachable', nodes: others, nowMs: 0 });
    const targets = [getFrom(client, key, 2), getFrom(client, key, 3)].flat();
    expect(new Set(targets)).toEqual(new Set(others));
  });

  it('a write with a context goes to the node its read came from, a blind one to the first primary', () => {
    const client = new ClientCore('client-1', 'node', tuning, NODES, md5Hex);
    const key = 'key3';
    const readFrom = ring.preferenceList(key, 3)[2] as string;
    const put = (requestId: number, context: { clock: readonly never[]; readFrom?: string }): string[] =>
      sentTo(client.step({ kind: 'put', requestId, spec: { key, value: 'v', deleted: false, context, w: 2, timeoutMs: 1000 }, nowMs: 0 }));
    expect(put(1, { clock: [], readFrom })).toEqual([readFrom]);
    expect(put(2, { clock: [] })).toEqual([ring.preferenceList(key, 3)[0]]);
  });
});
