/**
 * Faults on top of any transport, and the only place they live: the worker runtime, the
 * client and the simulator all send through one. Cuts: a set of peers this endpoint cannot
 * send to and a set it cannot hear from. A partition cuts both ways at both ends, so
 * messages already in flight across it are lost too, as on a real network; a one-way cut
 * blocks one direction only. Delays: messages to a slow peer leave later (with a `defer`
 * from the host's scheduler), so they arrive after others sent later, and may arrive after
 * the request they belong to gave up on them.
 *
 * Chaos (chaos.ts): random loss, duplication and delay of arriving messages, drawn from the
 * `random` the host passes in (Math.random in a thread, the seeded PRNG in the simulator).
 * Each message draws its own delay, so delayed messages overtake each other; a cut made while
 * a message waits loses it, as one made while it was in flight.
 *
 * Per-link tallies: what arrived from each peer and what the faults did on that link, for the
 * dashboard's view of the network. Each arrival costs one Map lookup; a peer's tally is made
 * when its first message comes (or is dropped on its way out).
 */
import type { Message } from '../protocol/messages.js';
import { drawFate, ruleApplies, type ChaosRule } from './chaos.js';
import type { Transport } from './transport.js';

/** The peers an endpoint is cut off from, per direction. */
export interface LinkCut {
  readonly outbound: readonly string[];
  readonly inbound: readonly string[];
}

export const NO_CUT: LinkCut = Object.freeze({ outbound: Object.freeze([]), inbound: Object.freeze([]) });

/** Runs `run` after `delayMs` (the host's timers: real or virtual). */
export type Defer = (delayMs: number, run: () => void) => void;

/** What the faults of one endpoint did to messages, for stats. */
export interface FaultCounters {
  /** Lost to a cut (a partition, a one-way cut), including those cut while delayed. */
  readonly messagesDropped: number;
  /** Lost to a chaos rule's `loss`. */
  readonly messagesLost: number;
  /** Extra copies delivered by a chaos rule's `duplicate`. */
  readonly messagesDuplicated: number;
  /** Arrivals held back by a chaos rule's `delayMs`. */
  readonly messagesDelayed: number;
}

/** One peer's link, as one endpoint's fault layer saw it (cumulative counts). */
export interface LinkTally {
  /** Messages that arrived from the peer, before any fault acted on them. */
  readonly received: number;
  /** Messages to the peer dropped here by a cut (the sending side of a partition). */
  readonly droppedOut: number;
  /** Messages from the peer dropped here by a cut (including those cut while delayed). */
  readonly droppedIn: number;
  /** Messages from the peer lost to a chaos rule's `loss`. */
  readonly lost: number;
  /** Extra copies of the peer's messages a chaos rule's `duplicate` delivered. */
  readonly duplicated: number;
  /** Messages from the peer a chaos rule's `delayMs` held back. */
  readonly delayed: number;
}

/** A peer's tally while it is counted (LinkTally is the read-only copy handed out). */
type MutableTally = { -readonly [K in keyof LinkTally]: LinkTally[K] };

/**
 * Peers tallied one by one; senders beyond them share the tally of OTHER_PEERS. Endpoints
 * of a ring are far fewer; the bound keeps a stream of made-up sender ids from growing the map.
 */
export const MAX_TALLIED_PEERS = 4096;
/** The tally of the senders past MAX_TALLIED_PEERS. */
export const OTHER_PEERS = '*';

export interface ChaosSource {
  /** This endpoint's id: rules select the messages arriving at it. */
  readonly self: string;
  /** Uniform over [0, 1): the only randomness faults use. */
  readonly random: () => number;
}

export class FaultLayer implements Transport {
  private outbound = new Set<string>();
  private inbound = new Set<string>();
  private delays: ReadonlyMap<string, number> = new Map();
  private rules: readonly ChaosRule[] = [];
  private readonly tallies = new Map<string, MutableTally>();
  dropped = 0;
  lost = 0;
  duplicated = 0;
  delayed = 0;
  /** Sees each message a cut drops, and whether it was going out to `peer` or coming in from it. */
  onDrop: ((peer: string, direction: 'out' | 'in', msg: unknown) => void) | null = null;

  constructor(
    private readonly inner: Transport,
    private readonly defer?: Defer,
    private readonly chaosSource?: ChaosSource,
  ) {}

  /** Extra delay of messages to each listed peer; an empty map removes them. Needs a `defer`. */
  setDelays(delays: ReadonlyMap<string, number>): void {
    if (delays.size > 0 && this.defer === undefined) throw new Error('this fault layer was built without timers for delays');
    this.delays = delays;
  }

  /** Replaces the chaos rules in force (every rule of the cluster; each arrival picks those that apply). */
  setChaos(rules: readonly ChaosRule[]): void {
    if (rules.length > 0 && this.chaosSource === undefined) throw new Error('this fault layer was built without randomness for chaos');
    if (rules.some((rule) => rule.delayMs !== undefined) && this.defer === undefined) throw new Error('this fault layer was built without timers for delays');
    this.rules = rules;
  }

  /** Replaces the cut in force; NO_CUT heals. */
  setCut(cut: LinkCut): void {
    this.outbound = new Set(cut.outbound);
    this.inbound = new Set(cut.inbound);
  }

  /** Peers cut off in either direction, sorted. */
  get cutOffFrom(): string[] {
    return [...new Set([...this.outbound, ...this.inbound])].sort();
  }

  get counters(): FaultCounters {
    return { messagesDropped: this.dropped, messagesLost: this.lost, messagesDuplicated: this.duplicated, messagesDelayed: this.delayed };
  }

  /** Each peer's link as seen here, copied (a peer appears once a message came from it or was cut on its way to it). */
  get linkTallies(): Record<string, LinkTally> {
    const out: Record<string, LinkTally> = {};
    for (const [peer, tally] of this.tallies) out[peer] = { ...tally };
    return out;
  }

  canSendTo(peer: string): boolean {
    return !this.outbound.has(peer);
  }

  send(to: string, msg: Message): void {
    if (this.outbound.has(to)) {
      this.drop(to, 'out', msg);
      return;
    }
    const delayMs = this.delays.get(to);
    if (delayMs === undefined || this.defer === undefined) {
      this.inner.send(to, msg);
      return;
    }
    // A cut made while the message waited loses it, as one made while it was in flight.
    this.defer(delayMs, () => (this.outbound.has(to) ? this.drop(to, 'out', msg) : this.inner.send(to, msg)));
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.inner.onMessage((from, msg) => {
      const link = this.tallyOf(from);
      link.received++;
      if (this.inbound.has(from)) {
        this.drop(from, 'in', msg, link);
        return;
      }
      const source = this.chaosSource;
      if (source === undefined || this.rules.length === 0) {
        handler(from, msg);
        return;
      }
      const rules = this.rules.filter((rule) => ruleApplies(rule, from, source.self));
      if (rules.length === 0) {
        handler(from, msg);
        return;
      }
      this.arriveUnderChaos(from, msg, link, rules, source.random, handler);
    });
  }

  private arriveUnderChaos(from: string, msg: unknown, link: MutableTally, rules: readonly ChaosRule[], random: () => number, handler: (from: string, msg: unknown) => void): void {
    const { copies, delayMs } = drawFate(rules, random);
    if (copies === 0) {
      this.lost++;
      link.lost++;
      return;
    }
    const deliver = (): void => {
      // A cut made while the message was held back loses it, copies and all.
      if (this.inbound.has(from)) {
        for (let i = 0; i < copies; i++) this.drop(from, 'in', msg, link);
        return;
      }
      this.duplicated += copies - 1;
      link.duplicated += copies - 1;
      // Each copy is a message of its own, as on a network: nothing is shared between them.
      for (let i = 0; i < copies; i++) handler(from, i === 0 ? msg : structuredClone(msg));
    };
    if (delayMs === undefined || this.defer === undefined) {
      deliver();
      return;
    }
    this.delayed++;
    link.delayed++;
    this.defer(delayMs, deliver);
  }

  /** `link` is the peer's tally when the caller holds it already (arrivals); drops on the way out look it up. */
  private drop(peer: string, direction: 'out' | 'in', msg: unknown, link: MutableTally = this.tallyOf(peer)): void {
    this.dropped++;
    if (direction === 'out') link.droppedOut++;
    else link.droppedIn++;
    this.onDrop?.(peer, direction, msg);
  }

  private tallyOf(peer: string): MutableTally {
    let tally = this.tallies.get(peer);
    if (tally === undefined) {
      const key = this.tallies.size < MAX_TALLIED_PEERS ? peer : OTHER_PEERS;
      tally = this.tallies.get(key) ?? { received: 0, droppedOut: 0, droppedIn: 0, lost: 0, duplicated: 0, delayed: 0 };
      this.tallies.set(key, tally);
    }
    return tally;
  }
}
