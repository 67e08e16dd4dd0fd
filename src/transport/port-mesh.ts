/**
 * The MessagePort mesh: one port per peer (every other node, and the client), each the end
 * of a MessageChannel whose other end lives in that peer's thread. Messages go thread to
 * thread directly, never through the main thread, batched per event-loop turn.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Message } from '../protocol/messages.js';
import { Batcher, unbatch } from './batcher.js';
import type { Transport } from './transport.js';

export class PortMesh implements Transport {
  private readonly ports = new Map<string, MessagePort>();
  private readonly batcher = new Batcher((peer, batch) => this.ports.get(peer)?.postMessage(batch));
  private handler: (from: string, msg: unknown) => void = () => undefined;
  received = 0;
  /** Arrivals that were not a batch at all. */
  malformed = 0;

  get sent(): number {
    return this.batcher.messages;
  }

  get batchesSent(): number {
    return this.batcher.batches;
  }

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.handler = handler;
  }

  /** Adopts the port to `peer`, replacing (and closing) an older one. */
  connect(peer: string, port: MessagePort): void {
    this.disconnect(peer);
    this.ports.set(peer, port);
    port.on('message', (data: unknown) => {
      const batch = unbatch(data);
      if (!batch) {
        this.malformed++;
        return;
      }
      for (const msg of batch) {
        this.received++;
        this.handler(peer, msg);
      }
    });
  }

  disconnect(peer: string): void {
    const port = this.ports.get(peer);
    if (!port) return;
    this.batcher.discard(peer);
    this.ports.delete(peer);
    port.close();
  }

  send(to: string, msg: Message): void {
    if (this.ports.has(to)) this.batcher.send(to, msg);
  }

  peers(): string[] {
    return [...this.ports.keys()];
  }

  closeAll(): void {
    this.batcher.flush();
    for (const peer of [...this.ports.keys()]) this.disconnect(peer);
  }
}
