/**
 * A Jepsen-style set test over the simulator: clients add elements to one key by
 * get / merge siblings / put-with-context while the network is cut in halves and healed.
 * Every add that was acknowledged must be in the final read: siblings merged by the client
 * lose nothing (unlike last-write-wins).
 */
import { describe, expect, it } from 'vitest';
import type { ClientGetOutcome, ClientPutOutcome } from '../src/core/client.js';
import type { CausalContext } from '../src/core/causal-context.js';
import { SimCluster } from '../src/sim/sim-cluster.js';
import { Prng } from '../src/sim/prng.js';

type Phase =
  | { kind: 'idle' }
  | { kind: 'reading'; poll: () => ClientGetOutcome | undefined }
  | { kind: 'writing'; element: number; poll: () => ClientPutOutcome | undefined };

function union(outcome: Extract<ClientGetOutcome, { ok: true }>): number[] {
  const all = new Set<number>();
  for (const version of outcome.siblings) if (!version.deleted) for (const e of version.value as number[]) all.add(e);
  return [...all].sort((a, b) => a - b);
}

function runSetWorkload(seed: number, mode: 'node' | 'client'): { acknowledged: number[]; final: number[]; attempts: number } {
  const sim = new SimCluster({ seed, nodes: 5, mode, tuning: { requestTimeoutMs: 600 } });
  const prng = new Prng(seed);
  const clients: Phase[] = Array.from({ length: 4 }, () => ({ kind: 'idle' }));
  const acknowledged: number[] = [];
  let nextElement = 1;
  let attempts = 0;
  const key = 'set';
  for (let tick = 0; tick < 600; tick++) {
    // Nemesis: every 150 ms of virtual time cut a random minority off, then heal.
    if (tick % 30 === 10) {
      const cut = sim.nodeIds.filter(() => prng.nextFloat() < 0.4);
      sim.partition([cut]);
    }
    if (tick % 30 === 25) sim.heal();
    clients.forEach((phase, i) => {
      if (phase.kind === 'idle') {
        clients[i] = { kind: 'reading', poll: sim.getAsync(key) };
      } else if (phase.kind === 'reading') {
        const read = phase.poll();
        if (!read) return;
        if (!read.ok) {
          clients[i] = { kind: 'idle' };
          return;
        }
        const element = nextElement++;
        attempts++;
        const context: CausalContext = read.context;
        clients[i] = { kind: 'writing', element, poll: sim.putAsync(key, [...union(read), element], context) };
      } else {
        const written = phase.poll();
        if (!written) return;
        if (written.ok) acknowledged.push(phase.element);
        clients[i] = { kind: 'idle' };
      }
    });
    sim.runFor(5);
  }
  sim.heal();
  sim.runFor(3000);
  const final = sim.get(key, { r: 3 });
  if (!final.ok) throw new Error(final.message);
  return { acknowledged, final: union(final), attempts };
}

describe.each(['node', 'client'] as const)('no lost writes (%s coordination)', (mode) => {
  it.each([11, 12, 13])('set test - every acknowledged add survives partitions (seed %i)', (seed) => {
    const { acknowledged, final, attempts } = runSetWorkload(seed, mode);
    expect(attempts).toBeGreaterThan(50);
    expect(acknowledged.length).toBeGreaterThan(20);
    const missing = acknowledged.filter((e) => !final.includes(e));
    expect(missing).toEqual([]);
  });
});
