/**
 * The compact lean path (scripts/lean-path.mjs) is a measurement: what the engine's request
 * path would cost with flat clocks and messages. It measures honestly only if it does the
 * engine's work, so its merge is held to the engine's: the same random histories of writes
 * and replica merges, run in both representations, must keep the same versions and claim the
 * same events at every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactContext, covers } from '../src/core/causal-context.js';
import { liveDots, mergeSiblings, NO_SIBLINGS, writeOf } from '../src/core/siblings.js';
import type { Siblings } from '../src/protocol/data.js';
import * as Compact from '../scripts/lean-compact-data.mjs';

const ACTORS = 3;
const REPLICAS = 3;
const name = (actor: number): string => `actor-${actor}`;

type Step =
  | { readonly kind: 'write'; readonly replica: number; readonly actor: number; readonly contextFrom: number | null }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), replica: fc.nat(REPLICAS - 1), actor: fc.nat(ACTORS - 1), contextFrom: fc.option(fc.nat(REPLICAS - 1)) }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(REPLICAS - 1), to: fc.nat(REPLICAS - 1) }),
);

function engineDots(s: Siblings): string[] {
  return s.versions.map((v) => `${v.dot.actor}:${v.dot.counter}:${String(v.value)}`).sort();
}

function compactDots(s: Compact.FlatSiblings): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.versions.length; i += Compact.VERSION_WIDTH) out.push(`${name(s.versions[i + 2] as number)}:${String(s.versions[i + 3])}:${String(s.versions[i])}`);
  return out.sort();
}

describe('the compact lean path', () => {
  it('compact lean path - merges as the engine merges, write by write', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const engine: Siblings[] = Array.from({ length: REPLICAS }, () => NO_SIBLINGS);
        const compact: Compact.FlatSiblings[] = Array.from({ length: REPLICAS }, () => Compact.EMPTY);
        // Each actor mints as the engine's minter does: above what it minted and what the context shows.
        const minted = new Array<number>(ACTORS).fill(0);
        let written = 0;
        for (const s of steps) {
          if (s.kind === 'sync') {
            engine[s.to] = mergeSiblings(engine[s.to] as Siblings, engine[s.from] as Siblings);
            compact[s.to] = Compact.merge(compact[s.to] as Compact.FlatSiblings, compact[s.from] as Compact.FlatSiblings);
          } else {
            const engineContext = s.contextFrom === null ? NO_SIBLINGS.context : (engine[s.contextFrom] as Siblings).context;
            const compactClock = s.contextFrom === null ? Compact.EMPTY.clock : (compact[s.contextFrom] as Compact.FlatSiblings).clock;
            const counter = Math.max(minted[s.actor] as number, Compact.counterOf(compactClock, s.actor)) + 1;
            minted[s.actor] = counter;
            const value = `v${++written}`;
            engine[s.replica] = mergeSiblings(engine[s.replica] as Siblings, writeOf({ value, deleted: false, dot: { actor: name(s.actor), counter, timeMs: written } }, engineContext));
            compact[s.replica] = Compact.merge(compact[s.replica] as Compact.FlatSiblings, Compact.writeOf(value, s.actor, counter, written, compactClock));
          }
          for (let r = 0; r < REPLICAS; r++) {
            const e = engine[r] as Siblings;
            const c = compact[r] as Compact.FlatSiblings;
            expect(compactDots(c)).toEqual(engineDots(e));
            // And bounded to one gap per actor, as a context handed out is (the engine allows 8).
            const bounded = compactContext(e.context, liveDots(e), { maxActors: ACTORS, maxGaps: 1 }).context;
            const compactBounded = Compact.boundGaps(c.clock, c.versions, 1);
            for (let actor = 0; actor < ACTORS; actor++) {
              for (let counter = 1; counter <= (minted[actor] as number) + 1; counter++) {
                const dot = { actor: name(actor), counter, timeMs: 0 };
                expect(Compact.covers(c.clock, actor, counter)).toBe(covers(e.context, dot));
                expect(Compact.covers(compactBounded, actor, counter)).toBe(covers(bounded, dot));
              }
            }
          }
        }
      }),
      { seed: 4711, numRuns: 1000 },
    );
  });

  it('compact lean path - reads back what it writes, and refuses malformed clocks', () => {
    const write = Compact.writeOf('x', 1, 3, 7, []);
    const wire = Compact.writeSiblings([Compact.Code.ReplicaWrite, 1, 'k', null], write.versions, write.clock);
    const versions = Compact.readVersions(wire, 4);
    expect(versions).toEqual(write.versions);
    expect(Compact.readClock(wire, 5 + (versions as unknown[]).length)).toEqual(write.clock);
    // What the engine's guard refuses in a clock, refused here too.
    expect(Compact.readClock([6, 0, 7, 1, 1, 3, 5], 0)).toEqual([0, 7, 1, 1, 3, 5]);
    expect(Compact.readClock([6, 0, 7, 1, 1, 3, 7], 0)).toBeNull(); // a gap reaching the counter
    expect(Compact.readClock([8, 0, 9, 1, 2, 1, 4, 3, 5], 0)).toBeNull(); // overlapping gaps
    expect(Compact.readClock([8, 0, 9, 1, 2, 1, 2, 3, 5], 0)).toBeNull(); // adjacent gaps
    expect(Compact.readClock([9, 0, 7, 1, 0], 0)).toBeNull(); // a length past the end
    expect(Compact.readClock([8, 0, 7, 1, 0, 0, 8, 1, 0], 0)).toBeNull(); // one actor twice
    expect(Compact.readClock([4, 0, 0, 1, 0], 0)).toBeNull(); // counter 0
    expect(Compact.readClock([4, 0, 7, Number.NaN, 0], 0)).toBeNull(); // a time that is not a number
    expect(Compact.readVersions([1, 'v', false, 0, 1, Number.POSITIVE_INFINITY], 0)).toBeNull();
  });
});
