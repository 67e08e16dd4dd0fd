/**
 * The dashboard's rates: differences of the cumulative counters of two consecutive stats
 * events over the time between them, and null (not a negative rate) where a counter restarted.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterStats, LinkTally, ProcessSample, WorkerStats } from '../dashboard/src/contracts.js';
import { computeRates, perSecond, type StatsSample } from '../dashboard/src/rates.js';

const NO_FAULTS = { messagesDropped: 0, messagesLost: 0, messagesDuplicated: 0, messagesDelayed: 0 };

function tally(fields: Partial<LinkTally>): LinkTally {
  return { received: 0, droppedOut: 0, droppedIn: 0, lost: 0, duplicated: 0, delayed: 0, ...fields };
}

/** A worker's stats: zero everywhere but what the test sets. */
function worker(nodeId: string, fields: Partial<WorkerStats>): WorkerStats {
  const zero = {
    nodeId, actorId: nodeId, keys: 0, hintsPending: 0, hintsDelivered: 0, handoffsPending: 0, handedOff: 0, tombstonesReaped: 0,
    reapedRemembered: 0, mintedKeys: 0, forwarded: 0, rerouted: 0, suspects: [], inFlight: 0,
    gets: 0, puts: 0, quorumFailures: 0, readRepairs: 0, clockPrunes: 0, siblingReads: 0,
    antiEntropyExchangesStarted: 0, antiEntropyExchangesCompleted: 0, antiEntropyKeysSent: 0, antiEntropyKeysReceived: 0,
    antiEntropyMaxSinceMatchMs: 0, antiEntropyRanges: [],
    messagesIn: 0, messagesOut: 0, batchesOut: 0, invalidMessages: 0, internalErrors: 0, partitionedFrom: [],
    links: {}, eventLoop: { activeMs: 0, idleMs: 0 }, heapUsedBytes: 0, storage: null, ...NO_FAULTS,
  };
  return { ...zero, ...fields };
}

function cluster(nodes: WorkerStats[]): ClusterStats {
  return {
    nodes, stopped: [], chaos: [], clientFaults: NO_FAULTS,
    client: { gets: 0, puts: 0, quorumFailures: 0, readRepairs: 0, clockPrunes: 0, siblingReads: 0, timeouts: 0, mismatchedReplies: 0, suspects: [], mintedKeys: 0 },
    totals: {
      ...NO_FAULTS, keys: 0, hintsPending: 0, readRepairs: 0, siblingReads: 0, clockPrunes: 0, messages: 0, quorumFailures: 0, tombstonesReaped: 0,
      antiEntropyExchanges: 0, antiEntropyKeysSent: 0, antiEntropyKeysReceived: 0,
    },
  };
}

const PROCESS: ProcessSample = { cpuUserMicros: 0, cpuSystemMicros: 0, rssBytes: 100, heapUsedBytes: 50 };

function sample(atMs: number, nodes: WorkerStats[] | null, process: ProcessSample = PROCESS): StatsSample {
  return { atMs, stats: nodes === null ? null : cluster(nodes), process };
}

describe('dashboard rates - per second from cumulative counters', () => {
  it('perSecond divides the change by the period, and is null without a period or when the counter went down', () => {
    expect(perSecond(10, 30, 2000)).toBe(10);
    expect(perSecond(undefined, 30, 1000)).toBeNull();
    expect(perSecond(10, 30, null)).toBeNull();
    expect(perSecond(30, 5, 1000)).toBeNull();
  });

  it('the first event has no rates but its absolute values', () => {
    const rates = computeRates(null, sample(1000, [worker('n1', { gets: 5 })]));
    expect(rates.periodMs).toBeNull();
    expect(rates.process).toEqual({ cpuPercent: null, rssBytes: 100, heapUsedBytes: 50 });
    expect(rates.nodes.get('n1')).toEqual({ requestsPerS: null, eventLoopUtilisation: null });
  });

  it('requests per second count gets and puts together', () => {
    const before = sample(1000, [worker('n1', { gets: 10, puts: 10 })]);
    const after = sample(3000, [worker('n1', { gets: 30, puts: 50 })]);
    expect(computeRates(before, after).nodes.get('n1')?.requestsPerS).toBe(30);
  });

  it('event-loop utilisation is the active share of the period, null when no time passed in the worker', () => {
    const before = sample(1000, [worker('n1', { eventLoop: { activeMs: 100, idleMs: 900 } })]);
    const after = sample(2000, [worker('n1', { eventLoop: { activeMs: 350, idleMs: 1650 } })]);
    expect(computeRates(before, after).nodes.get('n1')?.eventLoopUtilisation).toBeCloseTo(0.25);
    expect(computeRates(before, before).nodes.get('n1')?.eventLoopUtilisation).toBeNull();
  });

  it('controller CPU is user plus system time over wall-clock time, in percent of one core', () => {
    const before = sample(1000, null, { ...PROCESS, cpuUserMicros: 1_000_000, cpuSystemMicros: 0 });
    const after = sample(2000, null, { ...PROCESS, cpuUserMicros: 1_300_000, cpuSystemMicros: 200_000 });
    expect(computeRates(before, after).process.cpuPercent).toBeCloseTo(50);
  });

  it('a node that restarted (counters went down) has unknown rates for that period, not negative ones', () => {
    const before = sample(1000, [worker('n1', { gets: 100, eventLoop: { activeMs: 500, idleMs: 500 } })]);
    const after = sample(2000, [worker('n1', { gets: 3, eventLoop: { activeMs: 10, idleMs: 20 } })]);
    expect(computeRates(before, after).nodes.get('n1')).toEqual({ requestsPerS: null, eventLoopUtilisation: null });
  });

  it('a node absent from the previous event has no rates yet', () => {
    const before = sample(1000, [worker('n1', {})]);
    const after = sample(2000, [worker('n1', {}), worker('n2', { gets: 7 })]);
    expect(computeRates(before, after).nodes.get('n2')?.requestsPerS).toBeNull();
  });
});

describe('dashboard rates - links', () => {
  it('a node\'s tally for a peer is the link from that peer to the node, with the sender\'s cuts added', () => {
    const before = sample(1000, [
      worker('n1', { links: { n2: tally({ received: 100, lost: 1 }) } }),
      worker('n2', { links: { n1: tally({ droppedOut: 4 }) } }),
    ]);
    const after = sample(2000, [
      worker('n1', { links: { n2: tally({ received: 150, lost: 6, duplicated: 2, delayed: 3, droppedIn: 1 }) } }),
      worker('n2', { links: { n1: tally({ droppedOut: 10 }) } }),
    ]);
    const link = computeRates(before, after).links.find((l) => l.from === 'n2' && l.to === 'n1');
    expect(link?.totals).toEqual({ received: 150, lost: 6, duplicated: 2, delayed: 3, dropped: 11 });
    expect(link?.perS).toEqual({ received: 50, lost: 5, duplicated: 2, delayed: 3, dropped: 7 });
  });

  it('a link whose every message was cut at the sender is a row, though its receiver never heard from it', () => {
    // A partition made before n2 ever sent to n1, and n1 cut from the client (not a node here).
    const before = sample(1000, [worker('n1', { links: { client: tally({ droppedOut: 1 }) } }), worker('n2', { links: { n1: tally({ droppedOut: 2 }) } })]);
    const after = sample(2000, [worker('n1', { links: { client: tally({ droppedOut: 3 }) } }), worker('n2', { links: { n1: tally({ droppedOut: 5 }) } })]);
    const links = computeRates(before, after).links;
    expect(links.find((l) => l.from === 'n2' && l.to === 'n1')).toMatchObject({ totals: { received: 0, dropped: 5 }, perS: { dropped: 3, received: 0 } });
    expect(links.find((l) => l.from === 'n1' && l.to === 'client')).toMatchObject({ totals: { dropped: 3 }, perS: { dropped: 2 } });
    // A link both ends know is one row, not two.
    const known = sample(3000, [worker('n1', { links: { n2: tally({ received: 1 }) } }), worker('n2', { links: { n1: tally({ droppedOut: 5 }) } })]);
    expect(computeRates(after, known).links.filter((l) => l.from === 'n2' && l.to === 'n1')).toHaveLength(1);
  });

  it('links are ordered by sender, then receiver, in reading order', () => {
    const nodes = [worker('n10', { links: { n2: tally({}) } }), worker('n2', { links: { n10: tally({}), client: tally({}) } })];
    const links = computeRates(null, sample(1000, nodes)).links.map((l) => `${l.from}>${l.to}`);
    expect(links).toEqual(['client>n2', 'n2>n10', 'n10>n2']);
  });

  it('a link new since the previous event has its totals and no rates', () => {
    const before = sample(1000, [worker('n1', {})]);
    const after = sample(2000, [worker('n1', { links: { n3: tally({ received: 9 }) } })]);
    const [link] = computeRates(before, after).links;
    expect(link?.totals.received).toBe(9);
    expect(link?.perS.received).toBeNull();
  });

  it('no stats (no job here) means no nodes and no links', () => {
    const rates = computeRates(sample(1000, null), sample(2000, null));
    expect(rates.nodes.size).toBe(0);
    expect(rates.links).toEqual([]);
  });
});
