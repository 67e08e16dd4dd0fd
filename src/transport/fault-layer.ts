/**
 * Faults on top of any transport. For now: partitions, as a set of peers this endpoint can
 * neither send to nor hear from (both directions, so messages already in flight across the
 * cut are lost too, as on a real network).
 */
import type { Message } from '../protocol/messages.js';
import type { Transport } from './transport.js';

export class FaultLayer implements Transport {
  private blocked = new Set<string>();
  dropped = 0;

  constructor(private readonly inner: Transport) {}

  /** Cuts this endpoint off from `peers` (replacing any earlier cut); [] heals. */
  setBlocked(peers: readonly string[]): void {
    this.blocked = new Set(peers);
  }

  get blockedPeers(): string[] {
    return [...this.blocked].sort();
  }

  send(to: string, msg: Message): void {
    if (this.blocked.has(to)) {
      this.dropped++;
      return;
    }
    this.inner.send(to, msg);
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.inner.onMessage((from, msg) => {
      if (this.blocked.has(from)) {
        this.dropped++;
        return;
      }
      handler(from, msg);
    });
  }
}
