/**
 * The transport a node's runtime sends through: named peers, structured-clone messages.
 * Implementations: the MessagePort mesh between worker threads (port-mesh.ts), the
 * simulator's in-memory network (src/sim), and a fault layer that wraps either.
 */
import type { Message } from '../protocol/messages.js';

export interface Transport {
  /** Sends to a peer; a message to an unknown or unreachable peer is dropped, as on a network. */
  send(to: string, msg: Message): void;
  /** Installs the single handler for arriving messages. */
  onMessage(handler: (from: string, msg: unknown) => void): void;
}
