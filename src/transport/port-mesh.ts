/**
 * The MessagePort mesh: one port per peer (every other node, and the client), each the end
 * of a MessageChannel whose other end lives in that peer's thread. Messages go thread to
 * thread directly, never through the main thread, batched per event-loop turn.
 *
 * Peers without a port of their own (nodes on another node controller, clients of other
 * threads) are reached through the uplink, when there is one: a port to the main thread's
 * switchboard, which routes envelopes by their `to` (src/runtime/switchboard.ts). Everything
 * for the uplink in one turn goes as one postMessage.
 *
 * Messages cross in their wire shape (src/protocol/wire.ts: flat arrays for the messages of
 * every request), encoded as they are sent and decoded as they arrive, so everything above
 * the mesh (the fault layer, the effect host, the core) sees only message objects. On a port
 * of its own, a peer's ids (actors, node ids, the client's) go as short codes given per port
 * (src/protocol/wire-ids.ts); through the uplink they go as strings.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Message } from '../protocol/messages.js';
import { decodeMessage, encodeMessage } from '../protocol/wire.js';
import { IdEncoder, IdTable, isDefinitions } from '../protocol/wire-ids.js';
import { Batcher, unbatch, type Batch } from './batcher.js';
import { envelopeList, type Envelope } from './envelope.js';
import type { Transport } from './transport.js';

export class PortMesh implements Transport {
  /** Each peer's port, with the codes this side gave ids on it (made with the port, gone with it). */
  private readonly ports = new Map<string, { readonly port: MessagePort; readonly ids: IdEncoder }>();
  private readonly batcher = new Batcher((peer, batch) => this.post(peer, batch));
  private uplink: { readonly self: string; readonly port: MessagePort } | undefined;
  private uplinkOutbox: Envelope[] = [];
  private handler: (from: string, msg: unknown) => void = () => undefined;
  received = 0;
  /** Arrivals that were not a batch at all, and definitions of codes that were malformed. */
  malformed = 0;
  /** Definitions of codes sent: they cross with the messages, and are not messages. */
  private definitionsSent = 0;

  get sent(): number {
    return this.batcher.messages - this.definitionsSent;
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
    this.ports.set(peer, { port, ids: new IdEncoder() });
    const ids = new IdTable();
    port.on('message', (data: unknown) => {
      const batch = unbatch(data);
      if (!batch) {
        this.malformed++;
        return;
      }
      for (const msg of batch) {
        if (isDefinitions(msg)) {
          if (!ids.define(msg)) this.malformed++;
          continue;
        }
        this.received++;
        this.handler(peer, decodeMessage(msg, ids.ids));
      }
    });
  }

  disconnect(peer: string): void {
    const link = this.ports.get(peer);
    if (!link) return;
    this.batcher.discard(peer);
    this.ports.delete(peer);
    link.port.close();
  }

  send(to: string, msg: Message): void {
    const ids = this.ports.get(to)?.ids;
    if (ids !== undefined) {
      const wire = encodeMessage(msg, ids);
      // Ahead of the message that uses them, on the same port: the peer knows every code it meets.
      const definitions = ids.takeDefinitions();
      if (definitions !== null) {
        this.definitionsSent++;
        this.batcher.send(to, definitions);
      }
      this.batcher.send(to, wire);
    } else if (this.uplink) this.batcher.send(to, encodeMessage(msg));
  }

  /**
   * Routes messages for peers without a port through `port`, as envelopes from `self`, and
   * takes envelopes arriving on it as messages from their `from`.
   */
  setUplink(self: string, port: MessagePort): void {
    this.uplink?.port.close();
    this.uplink = { self, port };
    port.on('message', (data: unknown) => {
      const envelopes = envelopeList(data);
      if (!envelopes) {
        this.malformed++;
        return;
      }
      for (const envelope of envelopes) {
        for (const msg of envelope.msgs) {
          this.received++;
          this.handler(envelope.from, decodeMessage(msg));
        }
      }
    });
  }

  private post(peer: string, batch: Batch): void {
    const link = this.ports.get(peer);
    if (link) {
      link.port.postMessage(batch);
      return;
    }
    if (!this.uplink) return;
    // The batcher posts peer by peer within one flush; the envelopes of that flush leave together.
    if (this.uplinkOutbox.length === 0) queueMicrotask(this.flushUplink);
    this.uplinkOutbox.push({ from: this.uplink.self, to: peer, msgs: batch });
  }

  private readonly flushUplink = (): void => {
    const envelopes = this.uplinkOutbox;
    this.uplinkOutbox = [];
    if (envelopes.length === 0 || !this.uplink) return;
    try {
      this.uplink.port.postMessage(envelopes);
    } catch {
      // One envelope that cannot be cloned must not take the others with it.
      for (const envelope of envelopes) {
        try {
          this.uplink.port.postMessage([envelope]);
        } catch {
          this.batcher.dropped++;
        }
      }
    }
  };

  /**
   * Posts what is queued now instead of at the end of the turn: a durable node's messages
   * released by a commit (commit-gate.ts), which runs in the same phase of the loop as the
   * batcher's flush, would otherwise wait a whole turn and travel in more, smaller batches.
   */
  flushNow(): void {
    this.batcher.flush();
  }

  /**
   * Makes sure the outbox flushes at the end of this turn: a durable node's gate holds a
   * message, and the flush's `beforeFlush` commits the writes it waits for.
   */
  scheduleFlush(): void {
    this.batcher.schedule();
  }

  /** What runs before every flush of the outbox (batcher.ts `beforeFlush`). */
  set beforeFlush(run: () => void) {
    this.batcher.beforeFlush = run;
  }

  peers(): string[] {
    return [...this.ports.keys()];
  }

  closeAll(): void {
    this.batcher.flush();
    this.flushUplink();
    for (const peer of [...this.ports.keys()]) this.disconnect(peer);
    this.uplink?.port.close();
    this.uplink = undefined;
  }
}
