/**
 * The main thread's switchboard of a node controller: every local endpoint (a node worker, a
 * client worker, the controller's own KV client) has an uplink port to it, and it routes
 * envelopes by their `to`: to another local endpoint's uplink, or out to the controller that
 * hosts it (the TCP links of src/control/links/). What arrives from the network comes in
 * through `deliver`. An envelope for an endpoint nobody hosts is dropped and counted, as a
 * network drops a packet for an unknown address.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { envelopeList, type Envelope } from '../transport/envelope.js';

export interface SwitchboardCounters {
  /** Envelopes routed between two endpoints of this process. */
  readonly routedLocally: number;
  /** Envelopes handed to the network. */
  readonly routedOut: number;
  /** Envelopes from the network delivered to a local endpoint. */
  readonly deliveredIn: number;
  /** Envelopes for an endpoint nobody hosts, or with a forged `from`. */
  readonly dropped: number;
}

export class Switchboard {
  private readonly uplinks = new Map<string, MessagePort>();
  /** Envelopes for each local endpoint in this turn: one postMessage per endpoint per turn. */
  private readonly outbox = new Map<string, Envelope[]>();
  private flushScheduled = false;
  private remote: (envelope: Envelope) => boolean = () => false;
  private counters = { routedLocally: 0, routedOut: 0, deliveredIn: 0, dropped: 0 };

  get stats(): SwitchboardCounters {
    return { ...this.counters };
  }

  /** Sends envelopes for endpoints that are not local; returns false when it had no route. */
  onRemote(route: (envelope: Envelope) => boolean): void {
    this.remote = route;
  }

  /** Creates `endpoint`'s uplink; the returned port goes to the endpoint's thread (PortMesh.setUplink). */
  attach(endpoint: string): MessagePort {
    this.detach(endpoint);
    const { port1, port2 } = new MessageChannel();
    this.uplinks.set(endpoint, port1);
    port1.on('message', (data: unknown) => {
      const envelopes = envelopeList(data);
      if (!envelopes) {
        this.counters.dropped++;
        return;
      }
      for (const envelope of envelopes) {
        // An endpoint speaks only for itself.
        if (envelope.from !== endpoint) this.counters.dropped++;
        else this.route(envelope, false);
      }
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

  isLocal(endpoint: string): boolean {
    return this.uplinks.has(endpoint);
  }

  /** Envelopes from the network: to local endpoints only (a controller never forwards for another). */
  deliver(envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) this.route(envelope, true);
  }

  close(): void {
    for (const endpoint of [...this.uplinks.keys()]) this.detach(endpoint);
  }

  private route(envelope: Envelope, fromNetwork: boolean): void {
    if (this.uplinks.has(envelope.to)) {
      if (fromNetwork) this.counters.deliveredIn++;
      else this.counters.routedLocally++;
      this.queue(envelope);
    } else if (!fromNetwork && this.remote(envelope)) {
      this.counters.routedOut++;
    } else {
      this.counters.dropped++;
    }
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
        this.counters.dropped += envelopes.length;
      }
    }
  };
}
