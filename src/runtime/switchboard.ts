/**
 * The main thread's switchboard of a node controller: every local endpoint (a node worker, a
 * client worker, the controller's own KV client) has an uplink port to it, and it routes
 * envelopes by their `to`: to another local endpoint's uplink, or out to the controller that
 * hosts it (the TCP links of src/control/links/). What arrives from the network comes in
 * through `deliver`. An envelope for an endpoint nobody hosts is dropped, as a network drops
 * a packet for an unknown address.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { envelopeList, type Envelope } from '../transport/envelope.js';

export class Switchboard {
  private readonly uplinks = new Map<string, MessagePort>();
  /** Envelopes for each local endpoint in this turn: one postMessage per endpoint per turn. */
  private readonly outbox = new Map<string, Envelope[]>();
  private flushScheduled = false;
  private remote: (envelope: Envelope) => void = () => undefined;

  /** Sends envelopes for endpoints that are not local (or drops them, without a route). */
  onRemote(route: (envelope: Envelope) => void): void {
    this.remote = route;
  }

  /** Creates `endpoint`'s uplink; the returned port goes to the endpoint's thread (PortMesh.setUplink). */
  attach(endpoint: string): MessagePort {
    this.detach(endpoint);
    const { port1, port2 } = new MessageChannel();
    this.uplinks.set(endpoint, port1);
    port1.on('message', (data: unknown) => {
      const envelopes = envelopeList(data);
      if (!envelopes) return;
      // An endpoint speaks only for itself.
      for (const envelope of envelopes) if (envelope.from === endpoint) this.route(envelope, false);
    });
    return port2;
  }

  detach(endpoint: string): void {
    const port = this.uplinks.get(endpoint);
    if (!port) return;
    this.uplinks.delete(endpoint);
    this.outbox.delete(endpoint);
    port.close();
  }

  /** Envelopes from the network: to local endpoints only (a controller never forwards for another). */
  deliver(envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) this.route(envelope, true);
  }

  close(): void {
    for (const endpoint of [...this.uplinks.keys()]) this.detach(endpoint);
  }

  private route(envelope: Envelope, fromNetwork: boolean): void {
    if (this.uplinks.has(envelope.to)) this.queue(envelope);
    // A controller never forwards for another: what came from the network and is not for here is dropped.
    else if (!fromNetwork) this.remote(envelope);
  }

  private queue(envelope: Envelope): void {
    let queue = this.outbox.get(envelope.to);
    if (!queue) this.outbox.set(envelope.to, (queue = []));
    queue.push(envelope);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const pending = [...this.outbox];
    this.outbox.clear();
    for (const [endpoint, envelopes] of pending) {
      const port = this.uplinks.get(endpoint);
      try {
        port?.postMessage(envelopes);
      } catch {
        // Not cloneable: lost, as on a network; the requests they belong to end by their deadlines.
      }
    }
  };
}
