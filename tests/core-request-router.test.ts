/**
 * The router's memory of the dots it minted (src/core/request-router.ts): a put that reaches
 * a node twice (a duplicated message, or a client's request routed again) gets the dot it got
 * the first time, so one write is one version; requests of different clients never share a
 * dot; the memory is bounded per client and in clients, the quietest client going first.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING } from '../src/core/config.js';
import type { Coordinator } from '../src/core/coordinator.js';
import { EffectSink } from '../src/core/effects.js';
import { FailureDetector } from '../src/core/failure-detector.js';
import { RequestRouter } from '../src/core/request-router.js';
import { Ring } from '../src/core/ring.js';
import type { CausalContext, Dot } from '../src/protocol/data.js';
import type { ClientPut } from '../src/protocol/messages.js';
import { md5Hex } from '../src/util/md5.js';

function routerWithMinter(): { router: RequestRouter; coordinated: Dot[] } {
  const coordinated: Dot[] = [];
  let counter = 0;
  const coordinator = { put: (spec: { dot: Dot }) => coordinated.push(spec.dot), get: () => undefined } as unknown as Coordinator;
  // One node: it is every key's primary, so every request is coordinated here.
  const ring = Ring.of(['node-1'], 4, md5Hex);
  const router = new RequestRouter({
    nodeId: 'node-1',
    tuning: { ...DEFAULT_TUNING, n: 1, w: 1, r: 1 },
    sink: new EffectSink(),
    detector: new FailureDetector(() => 0, 1000),
    coordinator,
    ring: () => ring,
    nowMs: () => 0,
    mint: (_key: string, _context: CausalContext): Dot => ({ actor: 'node-1#1', counter: ++counter, timeMs: 0 }),
  });
  return { router, coordinated };
}

function put(replyTo: string, reqId: number): ClientPut {
  return { kind: 'client.put', reqId, key: `k${reqId % 7}`, value: 'v', deleted: false, context: { clock: [] }, w: 1, timeoutMs: 1000, hops: 0, replyTo };
}

describe('request router - minted dots', () => {
  it('a put that arrives twice is coordinated twice with one dot; another client, same id, another dot', () => {
    const { router, coordinated } = routerWithMinter();
    router.receive('client-a', put('client-a', 1));
    router.receive('client-a', put('client-a', 1));
    router.receive('client-b', put('client-b', 1));
    expect(coordinated).toHaveLength(3);
    expect(coordinated[1]).toEqual(coordinated[0]);
    expect(coordinated[2]).not.toEqual(coordinated[0]);
  });

  it('remembers at least 2048 recent puts per client', () => {
    const { router, coordinated } = routerWithMinter();
    for (let reqId = 1; reqId <= 5000; reqId++) router.receive('client-a', put('client-a', reqId));
    router.receive('client-a', put('client-a', 5000 - 2047));
    expect(coordinated.at(-1)).toEqual(coordinated[5000 - 2048]);
  });

  it('past 64 clients the quietest one is forgotten, a busy one is kept', () => {
    const { router, coordinated } = routerWithMinter();
    router.receive('busy', put('busy', 1));
    router.receive('quiet', put('quiet', 1));
    const busyDot = coordinated[0];
    const quietDot = coordinated[1];
    for (let client = 0; client < 70; client++) {
      router.receive('busy', put('busy', 2 + client));
      router.receive(`other-${client}`, put(`other-${client}`, 1));
    }
    router.receive('busy', put('busy', 1));
    expect(coordinated.at(-1)).toEqual(busyDot);
    router.receive('quiet', put('quiet', 1));
    expect(coordinated.at(-1)).not.toEqual(quietDot);
  });
});
