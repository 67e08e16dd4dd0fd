/**
 * The node controller (`dynamo node`): hosts the Dynamo nodes and client actors a job places
 * on it, and serves the ControllerService the HTTP layer exposes. Actor changes run one at a
 * time (each takes several awaits, and two interleaved could each start a ring).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChaosRule, ChaosSelector, ClusterStats, InspectEntry } from '../api/cluster.js';
import { invalidArgument, toDynamoError } from '../api/errors.js';
import { checkKey } from '../api/values.js';
import type { RequestLatencies } from '../runtime/client-driver.js';
import type { Envelope } from '../transport/envelope.js';
import { ActorBook } from './actor-book.js';
import { JobBoard, type JobRunner } from './job/job-board.js';
import { removeChaosEffects } from './chaos-undo.js';
import { isLoopbackHost } from './http/serve.js';
import { ClientOutputs } from './client-outputs.js';
import { parseClientSpawn, parseNodeSpawn, type ClusterDeployment, type RingSpec } from './deployment.js';
import { HostedRing, type ControllerLinks } from './hosted-ring.js';
import { keyPlacement } from './key-placement.js';
import { decodeContext, encodeContext } from './kv-context.js';
import { PerformanceSampler, type PerformanceSamplerOptions } from './performance-sampler.js';
import { ringView } from './ring-view.js';
import { startClientActor, CLIENT_OPERATORS } from './client-spawn.js';
import type {
  ActorInfo, ActorSpawn, ChaosEffect, ClientOutput, ControllerEvent, ControllerService, ControllerStatus, JobRun, KeyPlacement, KvReadOptions,
  KvReadResult, KvWriteOptions, KvWriteResult, PerformanceSample, RingView,
} from './service.js';

/** The TCP links as the controller uses them (src/control/links/peer-links.ts). */
export interface PeerNetwork extends ControllerLinks {
  /** Names this controller, sets the secret peers must prove and the peers it may link with (the first job placed here decides). */
  configure(self: string, secret: string, peers: readonly string[]): void;
  onEnvelopes(handler: (peer: string, envelopes: readonly Envelope[]) => void): void;
  onPeerChange(handler: (peer: string, connected: boolean) => void): void;
  connected(): string[];
}

export interface NodeControllerOptions {
  readonly links: PeerNetwork;
  readonly peerPort: number;
  /** Set by --cluster-secret-file: a job must bring this secret to be placed here. */
  readonly clusterSecret?: string;
  readonly log: (line: string) => void;
  /** The API token of this controller: a job started from the dashboard presents it to every controller it names. */
  readonly apiToken?: string;
  /** How a dashboard job runs (default: the job controller, runJob; tests put a stand-in). */
  readonly runJob?: JobRunner;
  /** The performance view's period and clock (tests shorten the period; default 1 s and Date.now). */
  readonly performance?: PerformanceSamplerOptions;
}

/** Compares secrets in constant time (as digests: equal length whatever the input). */
function sameSecret(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const NODE_OPERATOR = 'dynamo_node';
/** How long a client's start waits for this controller's links to the controllers hosting nodes. */
const PEER_WAIT_MS = 5_000;
const LIBRARY = 'dynamo_new';

export class NodeController implements ControllerService {
  private hosted: HostedRing | null = null;
  /** Samples the hosted ring's client requests; made with the ring, dropped with it. */
  private sampler: PerformanceSampler | null = null;
  private readonly actors: ActorBook;
  private readonly outputs = new ClientOutputs();
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  private readonly jobBoard: JobBoard;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: NodeControllerOptions) {
    this.actors = new ActorBook((actor) => this.emit({ type: 'actor', actor }));
    this.jobBoard = new JobBoard({
      token: options.apiToken,
      emit: (event) => this.emit(event),
      mayContact: (host) => isLoopbackHost(host) || (this.hosted?.deployment.controllers.some((peer) => peer.host === host) ?? false),
      ...(options.runJob !== undefined && { run: options.runJob }),
    });
    options.links.onEnvelopes((peer, envelopes) => this.hosted?.deliver(peer, envelopes));
    options.links.onPeerChange((peer, connected) => {
      this.options.log(`peer ${peer} ${connected ? 'connected' : 'lost'}`);
      this.hosted?.peerChanged(peer, connected);
    });
  }

  status(): Promise<ControllerStatus> {
    this.noticeDeadNodes();
    const deployment = this.hosted?.deployment;
    return Promise.resolve({
      actors: this.actors.running(),
      loaded_libs: { [LIBRARY]: [NODE_OPERATOR, ...CLIENT_OPERATORS] },
      controller: deployment?.controller ?? null,
      peer_port: this.options.peerPort,
      cluster: deployment?.id ?? null,
      actor_states: this.actors.all(),
      peers_connected: this.options.links.connected(),
    });
  }

  startActor(spawn: ActorSpawn): Promise<ActorInfo> {
    return this.exclusive(async () => {
      const { actor_name: name, operator_name: operator } = spawn;
      this.noticeDeadNodes();
      const known = this.actors.get(name);
      if (known) {
        // Reactor's crash and restart: a stopped node's actor placed again starts it again, empty.
        if (known.operator !== NODE_OPERATOR || known.state !== 'stopped' || known.nodeId === undefined) throw invalidArgument(`actor ${name} already exists here (${known.state})`);
        await this.requireRing().cluster.startNode(known.nodeId);
        this.actors.setState(name, 'running');
      } else if (operator === NODE_OPERATOR) {
        const node = parseNodeSpawn(name, spawn.payload);
        const ring = await this.ringFor(node.ring, node.cluster, name);
        if (!ring.isLocalNode(node.nodeId)) throw invalidArgument(`${name}: node ${node.nodeId} is placed on controller ${ring.deployment.placement[node.nodeId] ?? '?'}, not on this one (${ring.deployment.controller})`);
        if (this.actors.byNode(node.nodeId)) throw invalidArgument(`${name}: node ${node.nodeId} already runs here`);
        this.actors.add({ name, operator, state: 'starting', nodeId: node.nodeId });
        try {
          await ring.cluster.startNode(node.nodeId);
        } catch (error) {
          this.actors.remove(name);
          throw error;
        }
        this.actors.setState(name, 'running');
      } else if (CLIENT_OPERATORS.includes(operator)) {
        const client = parseClientSpawn(name, spawn.payload);
        const ring = await this.ringFor(client.cluster?.ring, client.cluster, name);
        await this.waitForPeers(ring);
        this.outputs.open(name);
        if (this.actors.isClientId(client.clientId)) throw invalidArgument(`${name}: client_id ${client.clientId} is taken by another actor here`);
        const actor = await startClientActor(ring, operator, name, client, (text) => {
          const line = this.outputs.push(name, text);
          if (line) this.emit({ type: 'client-output', client: name, line });
        });
        this.actors.add({ name, operator, state: 'running', client: actor, clientId: client.clientId });
        void actor.finished.then((end) => {
          ring.switchboard.detach(client.clientId);
          this.outputs.end(name, end.ok ? 'done' : 'failed', end.error);
          if (this.actors.get(name)?.client === actor) this.actors.setState(name, end.ok ? 'done' : 'failed');
        });
      } else {
        throw invalidArgument(`unknown operator_name ${JSON.stringify(operator)}; this controller runs ${[NODE_OPERATOR, ...CLIENT_OPERATORS].join(', ')}`);
      }
      return { name, hostname: '', port: this.options.peerPort };
    });
  }

  stopActor(name: string): Promise<void> {
    return this.exclusive(async () => {
      const actor = this.actors.get(name);
      if (!actor) throw invalidArgument(`no actor ${JSON.stringify(name)} here; actors are ${this.actors.names().join(', ') || '(none)'}`);
      if (actor.client) await actor.client.stop();
      else if (actor.nodeId !== undefined && this.requireRing().cluster.isRunning(actor.nodeId)) await this.requireRing().cluster.stopNode(actor.nodeId);
      this.actors.setState(name, 'stopped');
    });
  }

  stopAllActors(): Promise<void> {
    return this.exclusive(async () => {
      try {
        this.sampler?.stop();
        await Promise.all(this.actors.clients().map((client) => client.stop()));
        await this.hosted?.stop();
      } finally {
        this.sampler = null;
        this.hosted = null;
        this.actors.clear();
        this.outputs.clear();
      }
    });
  }

  /** Chaos changes run in turn with actor changes: clearChaos reads the rules, then rewrites them. */
  chaos(rule: ChaosRule): Promise<void> {
    return this.exclusive(async () => {
      const ring = this.requireRing();
      await ring.cluster.chaos(rule);
      await this.shareChaosWithClients(ring);
    });
  }

  /** Client actors run their own fault layers (in their threads): they get the rules too. */
  private async shareChaosWithClients(ring: HostedRing): Promise<void> {
    const clients = this.actors.clients();
    if (clients.length === 0) return;
    const rules = (await ring.cluster.stats()).chaos;
    for (const client of clients) client.setChaos(rules);
  }

  /** Removes `effects` from the rules `selector` names (chaos-undo.ts), in turn with other changes. */
  clearChaos(selector: ChaosSelector, effects: readonly ChaosEffect[]): Promise<void> {
    return this.exclusive(async () => {
      const ring = this.requireRing();
      await removeChaosEffects(ring.cluster, selector, effects);
      await this.shareChaosWithClients(ring);
    });
  }

  /**
   * Partitions the ring's nodes (the hosted Cluster's partition), in turn with actor and chaos
   * changes. Only this controller's nodes and its KV client get cuts: in a ring spread over
   * several controllers, a node hosted elsewhere still hears from every node, so a partition
   * that should cut both ways is made on each controller. Client actors are never cut.
   */
  partition(groups: readonly (readonly string[])[]): Promise<void> {
    return this.exclusive(() => this.requireRing().cluster.partition(groups));
  }

  /** Ends this controller's cuts (see `partition`: other controllers heal on their own). */
  heal(): Promise<void> {
    return this.exclusive(() => this.requireRing().cluster.heal());
  }

  async preference(key: string): Promise<KeyPlacement> {
    return keyPlacement(this.requireRing().deployment, checkKey(key));
  }

  /** The hosted ring's samples, oldest first; none once its actors were all stopped. */
  performance(): Promise<PerformanceSample[]> {
    return Promise.resolve(this.sampler?.samples() ?? []);
  }

  /** Runs a job file's job here (the job controller in process): see job/job-board.ts. */
  submitJob(toml: string): Promise<Omit<JobRun, 'lines'>> {
    try {
      return Promise.resolve(this.jobBoard.submit(toml));
    } catch (error) {
      return Promise.reject(toDynamoError(error));
    }
  }

  jobs(): Promise<JobRun[]> {
    return Promise.resolve(this.jobBoard.list());
  }

  ring(): Promise<RingView> {
    return Promise.resolve(ringView(this.requireRing().deployment));
  }

  inspect(key: string): Promise<InspectEntry[]> {
    return this.requireRing().cluster.inspect(key);
  }

  async kvGet(key: string, options: KvReadOptions): Promise<KvReadResult> {
    const result = await this.requireRing().cluster.get(key, { ...(options.r !== undefined && { r: options.r }), ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) });
    return { values: result.values, context: encodeContext(result.context) };
  }

  kvPut(key: string, value: unknown, options: KvWriteOptions): Promise<KvWriteResult> {
    return this.write(key, value, false, options);
  }

  kvDelete(key: string, options: KvWriteOptions): Promise<KvWriteResult> {
    return this.write(key, null, true, options);
  }

  async stats(): Promise<ClusterStats | null> {
    return this.hosted ? await this.hosted.cluster.stats() : null;
  }

  clientOutput(name: string, fromSeq: number): Promise<ClientOutput> {
    const output = this.outputs.read(name, fromSeq);
    if (!output) return Promise.reject(invalidArgument(`no client actor ${JSON.stringify(name)} here`));
    return Promise.resolve(output);
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every actor; the HTTP server and the links are closed by whoever started them. */
  async close(): Promise<void> {
    await this.stopAllActors().catch(() => undefined);
  }

  private async write(key: string, value: unknown, deleted: boolean, options: KvWriteOptions): Promise<KvWriteResult> {
    const cluster = this.requireRing().cluster;
    const writeOptions = {
      ...(options.context !== undefined && { context: decodeContext(options.context) }),
      ...(options.w !== undefined && { w: options.w }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    };
    const result = deleted ? await cluster.delete(key, writeOptions) : await cluster.put(key, value, writeOptions);
    return { context: encodeContext(result.context) };
  }

  /** The ring this job runs here, started by its first actor. */
  private async ringFor(spec: RingSpec | undefined, deployment: ClusterDeployment | undefined, actorName: string): Promise<HostedRing> {
    if (this.hosted) {
      if (deployment && deployment.id !== this.hosted.deployment.id) {
        throw invalidArgument(`${actorName}: this controller runs cluster ${this.hosted.deployment.id} of another job; POST /stop_all_actors first`);
      }
      if (spec && !this.hosted.runs(spec)) throw invalidArgument(`${actorName}: its ring (nodes, N, W, R, T) differs from the ring this controller runs`);
      return this.hosted;
    }
    if (!spec) throw invalidArgument(`${actorName}: no ring runs here yet: place the job's dynamo_node actors first`);
    const chosen = deployment ?? HostedRing.singleHost(spec, 'local');
    if (this.options.clusterSecret !== undefined && !sameSecret(chosen.secret, this.options.clusterSecret)) {
      throw invalidArgument(`${actorName}: the job's cluster secret is not the one this controller was started with (--cluster-secret-file)`);
    }
    this.options.links.configure(chosen.controller, chosen.secret, chosen.controllers.map((c) => c.name));
    this.hosted = await HostedRing.start(chosen, this.options.links);
    this.startSampler(this.hosted);
    // Until a controller's link is up, its nodes are out of the KV client's reach (its
    // requests would be lost); the link coming up brings them in (onPeerChange).
    const connected = new Set(this.options.links.connected());
    for (const peer of chosen.controllers) if (peer.name !== chosen.controller) this.hosted.peerChanged(peer.name, connected.has(peer.name));
    this.options.log(`placed: cluster ${chosen.id} as controller ${chosen.controller}, ${Object.values(chosen.placement).filter((c) => c === chosen.controller).length} of ${spec.nodes.length} nodes here`);
    return this.hosted;
  }

  /** Samples the KV client's requests and every client actor's (named apart: `kv`, `actor <name>`). */
  private startSampler(ring: HostedRing): void {
    const sources = (): [string, RequestLatencies][] => [
      ['kv', ring.cluster.requestLatencies()],
      ...this.actors.clientActors().map(([name, client]): [string, RequestLatencies] => [`actor ${name}`, client.latency]),
    ];
    this.sampler = new PerformanceSampler(sources, (sample) => this.emit({ type: 'performance', sample }), this.options.performance);
    this.sampler.start();
  }

  /**
   * Waits (boundedly) until this controller is connected to every controller hosting nodes,
   * so that a client's first requests are not lost to a link still connecting. Past the
   * bound the client starts anyway: an unreachable node is the engine's to handle.
   */
  private async waitForPeers(ring: HostedRing): Promise<void> {
    const self = ring.deployment.controller;
    const needed = [...new Set(Object.values(ring.deployment.placement))].filter((c) => c !== self);
    const deadline = performance.now() + PEER_WAIT_MS;
    while (performance.now() < deadline) {
      const connected = new Set(this.options.links.connected());
      if (needed.every((c) => connected.has(c))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.options.log(`starting a client before the links to ${needed.join(', ')} are all up`);
  }

  /** A node whose worker died on its own (out of memory, say) is stopped: it can be placed again. */
  private noticeDeadNodes(): void {
    const ring = this.hosted;
    if (!ring) return;
    for (const actor of this.actors.all()) {
      const record = this.actors.get(actor.name);
      if (record?.nodeId !== undefined && record.state === 'running' && !ring.cluster.isRunning(record.nodeId)) this.actors.setState(actor.name, 'stopped');
    }
  }

  private requireRing(): HostedRing {
    if (!this.hosted) throw invalidArgument('no job runs on this controller (place actors with /start_actor, or run `dynamo job`)');
    return this.hosted;
  }

  private emit(event: ControllerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log(`an event listener failed: ${String(error)}`);
      }
    }
  }

  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue.then(change).catch((error: unknown) => {
      throw toDynamoError(error);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
