/**
 * One job's share of a ring on this node controller: the Dynamo nodes placed here (worker
 * threads, through the hosted Cluster), the client actors placed here (worker threads of
 * their own), the switchboard that routes between them and out, and the TCP links to the
 * other controllers of the job. Routing: a node's envelope goes to the controller the
 * placement names; a reply to a client goes back over the link it came from.
 */
import { randomUUID } from 'node:crypto';
import { Cluster } from '../api/cluster.js';
import { invalidArgument } from '../api/errors.js';
import { Switchboard } from '../runtime/switchboard.js';
import type { Envelope } from '../transport/envelope.js';
import { sameRing, type ClusterDeployment, type RingSpec } from './deployment.js';

/** What a hosted ring needs of the TCP links between controllers (src/control/links/). */
export interface ControllerLinks {
  dial(peer: string, host: string, port: number): void;
  forget(peer: string): void;
  send(peer: string, envelope: Envelope): void;
}

/**
 * The id of a controller's own KV client names its controller, so that a node that answers
 * it (after a forward, say) knows where to send the reply; the suffix keeps a restarted
 * controller's client from reusing the dots of the one before.
 */
function kvClientId(controller: string): string {
  return `kv@${controller}.${randomUUID().slice(0, 8)}`;
}

function kvClientHost(endpoint: string): string | undefined {
  const match = /^kv@(.+)\.[0-9a-f]{8}$/.exec(endpoint);
  return match?.[1];
}

/** Clients of other controllers whose route was learned from their requests (the seed's job controller names none). */
const MAX_LEARNED_ROUTES = 4096;

export class HostedRing {
  private readonly learned = new Map<string, string>();

  private constructor(
    readonly deployment: ClusterDeployment,
    readonly cluster: Cluster,
    readonly switchboard: Switchboard,
    private readonly links: ControllerLinks,
  ) {}

  /** The deployment of a job placed entirely on this controller (the seed's own job files). */
  static singleHost(ring: RingSpec, controller: string): ClusterDeployment {
    const placement = Object.fromEntries(ring.nodes.map((id) => [id, controller]));
    return {
      id: `single-${randomUUID()}`,
      secret: randomUUID() + randomUUID(),
      controller,
      controllers: [{ name: controller, host: '127.0.0.1', peerPort: 1 }],
      placement,
      clients: {},
      ring: { ...ring, nodes: [...ring.nodes] },
    };
  }

  static async start(deployment: ClusterDeployment, links: ControllerLinks, options: { readonly requestTimeoutMs?: number } = {}): Promise<HostedRing> {
    const spec = deployment.ring;
    for (const id of spec.nodes) {
      if (deployment.placement[id] === undefined) throw invalidArgument(`cluster.placement does not say where node ${id} runs`);
    }
    const local = new Set(spec.nodes.filter((id) => deployment.placement[id] === deployment.controller));
    const switchboard = new Switchboard();
    const cluster = await Cluster.host(
      { n: spec.n, w: spec.w, r: spec.r, vnodes: spec.vnodes, ...options },
      {
        clusterId: deployment.id,
        clientId: kvClientId(deployment.controller),
        nodes: spec.nodes,
        local,
        switchboard,
        otherEndpoints: new Set(Object.keys(deployment.clients)),
      },
    );
    const ring = new HostedRing(deployment, cluster, switchboard, links);
    switchboard.onRemote((envelope) => ring.routeOut(envelope));
    // One connection per pair of controllers: the one whose name sorts first dials.
    for (const peer of deployment.controllers) {
      if (peer.name > deployment.controller) links.dial(peer.name, peer.host, peer.peerPort);
    }
    return ring;
  }

  /** True when `spec` describes the ring this one runs (a later actor of the same job). */
  runs(spec: RingSpec): boolean {
    return sameRing(spec, this.deployment.ring);
  }

  isLocalNode(nodeId: string): boolean {
    return this.deployment.placement[nodeId] === this.deployment.controller;
  }

  /** Envelopes from another controller. */
  deliver(peer: string, envelopes: readonly Envelope[]): void {
    for (const envelope of envelopes) {
      // Replies to a client of that controller go back the way its request came.
      if (this.deployment.placement[envelope.from] === undefined && !this.learned.has(envelope.from)) {
        if (this.learned.size >= MAX_LEARNED_ROUTES) this.learned.clear();
        this.learned.set(envelope.from, peer);
      }
    }
    this.switchboard.deliver(envelopes);
  }

  /** The link to `peer` came up or went down: the KV client sends requests to its nodes or not. */
  peerChanged(peer: string, connected: boolean): void {
    const nodes = Object.entries(this.deployment.placement).filter(([, controller]) => controller === peer).map(([node]) => node);
    this.cluster.remoteReachability(nodes, connected);
  }

  async stop(): Promise<void> {
    for (const peer of this.deployment.controllers) if (peer.name !== this.deployment.controller) this.links.forget(peer.name);
    await this.cluster.stop();
    this.switchboard.close();
  }

  private routeOut(envelope: Envelope): void {
    const controller = this.deployment.placement[envelope.to] ?? this.deployment.clients[envelope.to] ?? kvClientHost(envelope.to) ?? this.learned.get(envelope.to);
    if (controller !== undefined && controller !== this.deployment.controller) this.links.send(controller, envelope);
  }
}
