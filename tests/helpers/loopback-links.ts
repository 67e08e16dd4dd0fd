/**
 * Node controllers' links in one process, without TCP: each controller's PeerNetwork hands
 * envelopes straight to the other's handler on the next turn (structured-cloned, as a frame
 * would carry them). Lets tests run a ring spread over controllers in one vitest worker.
 */
import type { PeerNetwork } from '../../src/control/node-controller.js';
import type { Envelope } from '../../src/transport/envelope.js';

export class LoopbackNetwork {
  private readonly members = new Map<string, LoopbackLinks>();
  /** Controllers cut off from everyone (a crashed process, a pulled cable). */
  private readonly down = new Set<string>();

  /** Cuts `name` off; the others see their link to it go down, as TCP reports a reset. */
  cutOff(name: string): void {
    this.down.add(name);
    for (const [other, links] of this.members) if (other !== name) links.peerChange(name, false);
  }

  links(): LoopbackLinks {
    return new LoopbackLinks(this);
  }

  /** A controller joins: it and every other see their link come up, as TCP would report. */
  register(name: string, links: LoopbackLinks): void {
    for (const [other, otherLinks] of this.members) {
      otherLinks.peerChange(name, true);
      links.peerChange(other, true);
    }
    this.members.set(name, links);
  }

  /** Every other registered controller, unless one of the two is cut off. */
  reachableFrom(name: string): string[] {
    if (this.down.has(name)) return [];
    return [...this.members.keys()].filter((other) => other !== name && !this.down.has(other));
  }

  carry(from: string, to: string, envelope: Envelope): void {
    if (this.down.has(from) || this.down.has(to)) return;
    const target = this.members.get(to);
    if (!target) return;
    const copy = structuredClone(envelope);
    setImmediate(() => target.arrive(from, [copy]));
  }
}

export class LoopbackLinks implements PeerNetwork {
  private self: string | undefined;
  private handler: (peer: string, envelopes: readonly Envelope[]) => void = () => undefined;
  private peerHandler: (peer: string, connected: boolean) => void = () => undefined;
  readonly dialed = new Set<string>();
  sent = 0;

  constructor(private readonly network: LoopbackNetwork) {}

  configure(self: string): void {
    this.self = self;
    this.network.register(self, this);
  }

  dial(peer: string): void {
    this.dialed.add(peer);
  }

  forget(peer: string): void {
    this.dialed.delete(peer);
  }

  send(peer: string, envelope: Envelope): void {
    if (this.self === undefined) return;
    this.sent++;
    this.network.carry(this.self, peer, envelope);
  }

  onEnvelopes(handler: (peer: string, envelopes: readonly Envelope[]) => void): void {
    this.handler = handler;
  }

  onPeerChange(handler: (peer: string, connected: boolean) => void): void {
    this.peerHandler = handler;
  }

  peerChange(peer: string, connected: boolean): void {
    this.peerHandler(peer, connected);
  }

  connected(): string[] {
    return this.self === undefined ? [] : this.network.reachableFrom(this.self);
  }

  arrive(from: string, envelopes: readonly Envelope[]): void {
    this.handler(from, envelopes);
  }
}
