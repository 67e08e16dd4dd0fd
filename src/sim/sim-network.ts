/**
 * The simulator's network and clock: every endpoint (node or client) gets a Transport whose
 * messages are delivered after a delay drawn from the seeded PRNG, as a structured clone (no
 * state is shared between endpoints, as over a MessagePort), and a Scheduler on the virtual
 * clock. Delays differ per message, so messages overtake each other. A message for an
 * endpoint that stopped (or restarted, as a new incarnation) before it arrived is lost.
 */
import type { Message } from '../protocol/messages.js';
import type { Scheduler } from '../runtime/effect-host.js';
import type { Transport } from '../transport/transport.js';
import type { Prng } from '../util/prng.js';
import type { EventQueue } from './event-queue.js';

export interface DelayRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Sees every message the network delivers (a transcript traces them). */
export type NetworkTap = (atMs: number, from: string, to: string, msg: Message) => void;

/** What became of a message: delivered, or lost because its endpoint was down when it was sent or arrived. */
export type NetworkWatch = (atMs: number, from: string, to: string, msg: Message, fate: 'delivered' | 'lost') => void;

export class SimNetwork {
  private readonly endpoints = new Map<string, SimEndpoint>();
  /** Messages handed to their endpoint. */
  delivered = 0;
  tap: NetworkTap | null = null;
  /** Sees every message's fate (a run's trace); independent of `tap`. */
  watch: NetworkWatch | null = null;

  constructor(
    private readonly queue: EventQueue,
    private readonly prng: Prng,
    private readonly clock: () => number,
    private readonly delay: DelayRange,
  ) {}

  /** A fresh endpoint for `id`, replacing (and cutting off) any earlier one. */
  attach(id: string): SimEndpoint {
    const endpoint = new SimEndpoint(id, this);
    this.endpoints.set(id, endpoint);
    return endpoint;
  }

  detach(id: string): void {
    this.endpoints.delete(id);
  }

  transmit(from: string, to: string, msg: Message): void {
    const target = this.endpoints.get(to);
    if (!target) {
      this.watch?.(this.clock(), from, to, msg, 'lost');
      return;
    }
    const delayMs = this.delay.minMs + this.prng.nextFloat() * (this.delay.maxMs - this.delay.minMs);
    const copy = structuredClone(msg);
    this.queue.push(this.clock() + delayMs, () => {
      if (this.endpoints.get(to) !== target) {
        this.watch?.(this.clock(), from, to, copy, 'lost');
        return;
      }
      this.delivered++;
      this.tap?.(this.clock(), from, to, copy);
      this.watch?.(this.clock(), from, to, copy, 'delivered');
      target.deliver(from, copy);
    });
  }

  /** A scheduler on the virtual clock, for one endpoint's host. */
  scheduler(): Scheduler<number> {
    return {
      nowMs: this.clock,
      schedule: (delayMs, run) => this.queue.push(this.clock() + delayMs, run),
      cancel: (handle) => this.queue.cancel(handle),
    };
  }
}

export class SimEndpoint implements Transport {
  private handler: (from: string, msg: unknown) => void = () => undefined;

  constructor(
    readonly id: string,
    private readonly network: SimNetwork,
  ) {}

  send(to: string, msg: Message): void {
    this.network.transmit(this.id, to, msg);
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.handler = handler;
  }

  deliver(from: string, msg: unknown): void {
    this.handler(from, msg);
  }
}
