/**
 * The MessagePort mesh: one port per peer (every other node, and the client), each the end
 * of a MessageChannel whose other end lives in that peer's thread. Messages go thread to
 * thread directly, never through the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Message } from '../protocol/messages.js';
import type { Transport } from './transport.js';

export class PortMesh implements Transport {
  private readonly ports = new Map<string, MessagePort>();
  private handler: (from: string, msg: unknown) => void = () => undefined;
  sent = 0;
  received = 0;

  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.handler = handler;
  }

  /** Adopts the port to `peer`, replacing (and closing) an older one. */
  connect(peer: string, port: MessagePort): void {
    this.disconnect(peer);
    this.ports.set(peer, port);
    port.on('message', (msg: unknown) => {
      this.received++;
      this.handler(peer, msg);
    });
  }

  disconnect(peer: string): void {
    const port = this.ports.get(peer);
    if (!port) return;
    this.ports.delete(peer);
    port.close();
  }

  send(to: string, msg: Message): void {
    const port = this.ports.get(to);
    if (!port) return;
    this.sent++;
    port.postMessage(msg);
  }

  peers(): string[] {
    return [...this.ports.keys()];
  }

  closeAll(): void {
    for (const peer of [...this.ports.keys()]) this.disconnect(peer);
  }
}
