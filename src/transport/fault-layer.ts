/**
 * Faults on top of any transport, and the only place they live: the worker runtime, the
 * client and the simulator all send through one. For now: cuts, a set of peers this endpoint
 * cannot send to and a set it cannot hear from. A partition cuts both ways at both ends, so
 * messages already in flight across it are lost too, as on a real network; a one-way cut
 * blocks one direction only.
 */
import type { Message } from '../protocol/messages.js';
import type { Transport } from './transport.js';

/** The peers an endpoint is cut off from, per direction. */
export interface LinkCut {
  readonly outbound: readonly string[];
  readonly inbound: readonly string[];
}

export const NO_CUT: LinkCut = Object.freeze({ outbound: Object.freeze([]), inbound: Object.freeze([]) });

export class FaultLayer implements Transport {
  private outbound = new Set<string>();
  private inbound = new Set<string>();
  dropped = 0;

  constructor(private readonly inner: Transport) {}

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
      this.dropped++;
      return;
    }
    this.inner.send(to, msg);
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.inner.onMessage((from, msg) => {
      if (this.inbound.has(from)) {
        this.dropped++;
        return;
      }
      handler(from, msg);
    });
  }
}
