/**
 * Faults on top of any transport, and the only place they live: the worker runtime, the
 * client and the simulator all send through one. Cuts: a set of peers this endpoint cannot
 * send to and a set it cannot hear from. A partition cuts both ways at both ends, so
 * messages already in flight across it are lost too, as on a real network; a one-way cut
 * blocks one direction only. Delays: messages to a slow peer leave later (with a `defer`
 * from the host's scheduler), so they arrive after others sent later, and may arrive after
 * the request they belong to gave up on them.
 */
import type { Message } from '../protocol/messages.js';
import type { Transport } from './transport.js';

/** The peers an endpoint is cut off from, per direction. */
export interface LinkCut {
  readonly outbound: readonly string[];
  readonly inbound: readonly string[];
}

export const NO_CUT: LinkCut = Object.freeze({ outbound: Object.freeze([]), inbound: Object.freeze([]) });

/** Runs `run` after `delayMs` (the host's timers: real or virtual). */
export type Defer = (delayMs: number, run: () => void) => void;

export class FaultLayer implements Transport {
  private outbound = new Set<string>();
  private inbound = new Set<string>();
  private delays: ReadonlyMap<string, number> = new Map();
  dropped = 0;
  /** Sees each message a cut drops, and whether it was going out to `peer` or coming in from it. */
  onDrop: ((peer: string, direction: 'out' | 'in', msg: unknown) => void) | null = null;

  constructor(
    private readonly inner: Transport,
    private readonly defer?: Defer,
  ) {}

  /** Extra delay of messages to each listed peer; an empty map removes them. Needs a `defer`. */
  setDelays(delays: ReadonlyMap<string, number>): void {
    if (delays.size > 0 && this.defer === undefined) throw new Error('this fault layer was built without timers for delays');
    this.delays = delays;
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
      if (this.inbound.has(from)) {
        this.drop(from, 'in', msg);
        return;
      }
      handler(from, msg);
    });
  }

  private drop(peer: string, direction: 'out' | 'in', msg: unknown): void {
    this.dropped++;
    this.onDrop?.(peer, direction, msg);
  }
}
