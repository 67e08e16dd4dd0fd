/**
 * Rates from the stats events' cumulative counters: the difference between two consecutive
 * events over the time between them. Pure, so the arithmetic is tested without a browser.
 * A counter that went down belongs to a worker that restarted: its rate is unknown (null)
 * for that period rather than negative.
 */
import type { ClusterStats, LinkTally, ProcessSample, WorkerStats } from './contracts.js';
import { compareNames } from './natural-order.js';

/** What rates need of one `stats` event. */
export interface StatsSample {
  readonly atMs: number;
  readonly stats: ClusterStats | null;
  readonly process: ProcessSample;
}

export interface NodeRates {
  /** Requests the node coordinated (gets and puts) per second. */
  readonly requestsPerS: number | null;
  /** Share of the period the node's worker event loop was busy, from 0 to 1. */
  readonly eventLoopUtilisation: number | null;
}

/** Cumulative counts of one directed link, and their rates. */
export interface LinkCounts {
  /** Messages that reached the receiver, before chaos acted on them. */
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly delayed: number;
  /** Cut by a partition: at the receiver, plus at the sender when the sender is a node reported here. */
  readonly dropped: number;
}

export interface LinkRates {
  readonly from: string;
  readonly to: string;
  readonly totals: LinkCounts;
  /** Per second over the last period; null where unknown. */
  readonly perS: { readonly [K in keyof LinkCounts]: number | null };
}

export interface ProcessRates {
  /** CPU time (user and system) per wall-clock time, in percent of one core. */
  readonly cpuPercent: number | null;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface Rates {
  /** Time since the previous sample; null for the first. */
  readonly periodMs: number | null;
  readonly process: ProcessRates;
  readonly nodes: ReadonlyMap<string, NodeRates>;
  /** Every link a running node reported, ordered by sender then receiver. */
  readonly links: readonly LinkRates[];
}

/** The rates between `previous` (null for the first event) and `current`. */
export function computeRates(previous: StatsSample | null, current: StatsSample): Rates {
  const periodMs = previous !== null && current.atMs > previous.atMs ? current.atMs - previous.atMs : null;
  const before = workersOf(previous?.stats ?? null);
  const after = workersOf(current.stats);
  return {
    periodMs,
    process: processRates(previous?.process, current.process, periodMs),
    nodes: new Map([...after.values()].map((node) => [node.nodeId, nodeRates(before.get(node.nodeId), node, periodMs)])),
    links: linkRates(before, after, periodMs),
  };
}

/** A stats event's nodes by id. */
type Workers = ReadonlyMap<string, WorkerStats>;

function workersOf(stats: ClusterStats | null): Workers {
  return new Map((stats?.nodes ?? []).map((node) => [node.nodeId, node]));
}

/** Change per second of a cumulative counter, or null when unknown. */
export function perSecond(before: number | undefined, after: number, periodMs: number | null): number | null {
  if (before === undefined || periodMs === null || after < before) return null;
  return ((after - before) * 1000) / periodMs;
}

function processRates(before: ProcessSample | undefined, after: ProcessSample, periodMs: number | null): ProcessRates {
  const cpuMicros = (sample: ProcessSample): number => sample.cpuUserMicros + sample.cpuSystemMicros;
  // Micros per second of CPU over a second of wall clock is a share of 1e6; percent is / 1e4.
  const micros = perSecond(before === undefined ? undefined : cpuMicros(before), cpuMicros(after), periodMs);
  return { cpuPercent: micros === null ? null : micros / 10_000, rssBytes: after.rssBytes, heapUsedBytes: after.heapUsedBytes };
}

function nodeRates(before: WorkerStats | undefined, after: WorkerStats, periodMs: number | null): NodeRates {
  return {
    requestsPerS: perSecond(before === undefined ? undefined : before.gets + before.puts, after.gets + after.puts, periodMs),
    eventLoopUtilisation: before === undefined ? null : utilisation(before.eventLoop, after.eventLoop),
  };
}

function utilisation(before: WorkerStats['eventLoop'], after: WorkerStats['eventLoop']): number | null {
  const active = after.activeMs - before.activeMs;
  const idle = after.idleMs - before.idleMs;
  if (active < 0 || idle < 0 || active + idle <= 0) return null;
  return active / (active + idle);
}

/**
 * Each node's links, turned around: a node's tally for a peer counts the messages from that
 * peer to it. A link only its sender knows of (every message cut at the sender, by a
 * partition made before the receiver heard from it) is a row too.
 */
function linkRates(before: Workers, after: Workers, periodMs: number | null): LinkRates[] {
  const rows: LinkRates[] = [];
  const row = (sender: string, receiver: string, tally: LinkTally, earlierTally: LinkTally | undefined): void => {
    const totals = linkCounts(after, sender, receiver, tally);
    const earlier = earlierTally === undefined ? undefined : linkCounts(before, sender, receiver, earlierTally);
    const rate = (field: keyof LinkCounts): number | null => perSecond(earlier?.[field], totals[field], periodMs);
    const perS = { received: rate('received'), lost: rate('lost'), duplicated: rate('duplicated'), delayed: rate('delayed'), dropped: rate('dropped') };
    rows.push({ from: sender, to: receiver, totals, perS });
  };
  for (const receiver of after.values()) {
    for (const [sender, tally] of Object.entries(receiver.links)) row(sender, receiver.nodeId, tally, before.get(receiver.nodeId)?.links[sender]);
  }
  for (const sender of after.values()) {
    for (const [receiver, tally] of Object.entries(sender.links)) {
      if (tally.droppedOut === 0 || after.get(receiver)?.links[sender.nodeId] !== undefined) continue;
      // Nothing arrived: the receiver's side of the link is all zeros.
      const earlier = before.get(sender.nodeId)?.links[receiver] === undefined ? undefined : NOTHING_ARRIVED;
      row(sender.nodeId, receiver, NOTHING_ARRIVED, earlier);
    }
  }
  return rows.sort((a, b) => compareNames(a.from, b.from) || compareNames(a.to, b.to));
}

const NOTHING_ARRIVED: LinkTally = { received: 0, droppedOut: 0, droppedIn: 0, lost: 0, duplicated: 0, delayed: 0 };

function linkCounts(workers: Workers, from: string, to: string, tally: LinkTally): LinkCounts {
  const cutAtSender = workers.get(from)?.links[to]?.droppedOut ?? 0;
  return { received: tally.received, lost: tally.lost, duplicated: tally.duplicated, delayed: tally.delayed, dropped: tally.droppedIn + cutAtSender };
}
