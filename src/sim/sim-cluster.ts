/**
 * A deterministic cluster for the core: every node's state machine and one client, each on
 * the same effect host and fault layer as in the worker runtime, over a simulated network
 * and a virtual clock. One seed decides every message delay, so the same seed replays the
 * same run exactly. Faults: partitions (the runtime's arithmetic), one-way cuts, slow links,
 * chaos (random loss, duplication and delay, drawn from a stream of the same seed), stopped
 * and restarted nodes; membership changes tell the same nodes the runtime tells.
 */
import { ClientCore, type ClientInput } from '../core/client.js';
import { EMPTY_CONTEXT } from '../core/causal-context.js';
import { DEFAULT_TUNING, type EngineTuning } from '../core/config.js';
import type { Hint } from '../core/hinted-handoff.js';
import { DynamoNode, type NodeInput } from '../core/node.js';
import { Ring } from '../core/ring.js';
import type { CausalContext, Membership, Siblings } from '../protocol/data.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import { EffectHost } from '../runtime/effect-host.js';
import { nodesToTell } from '../runtime/membership.js';
import { MemoryStore } from '../storage/memory-store.js';
import { parseChaosRule, parseChaosSelector, withoutRules, withRule, type ChaosRule, type ChaosSelector } from '../transport/chaos.js';
import { FaultLayer, type FaultCounters, type LinkCut } from '../transport/fault-layer.js';
import { partitionCuts } from '../transport/partition.js';
import { md5Hex } from '../util/md5.js';
import { Prng } from '../util/prng.js';
import { EventQueue } from './event-queue.js';
import { SimNetwork, type NetworkTap } from './sim-network.js';
import type { Holding, PutOptions, SimObserver, SimOptions } from './sim-types.js';

export type { Holding, PutOptions, SimObserver, SimOptions } from './sim-types.js';

const SIM_CLIENT = 'client';

interface SimNode {
  readonly node: DynamoNode;
  readonly host: EffectHost<NodeInput>;
  readonly faults: FaultLayer;
}

/** Rethrows: in the simulator a broken invariant must fail the test that found it. */
function rethrow(error: unknown): never {
  throw error;
}

export class SimCluster {
  readonly tuning: EngineTuning;
  readonly client: ClientCore;
  private readonly clientHost: EffectHost<ClientInput>;
  private readonly clientFaults: FaultLayer;
  private readonly nodes = new Map<string, SimNode>();
  private readonly incarnations = new Map<string, number>();
  private readonly queue = new EventQueue();
  private readonly network: SimNetwork;
  /** Chaos draws its own stream: a run without chaos is the same run as before chaos existed. */
  private readonly chaosPrng: Prng;
  private chaosRules: readonly ChaosRule[] = [];
  private readonly outcomes = new Map<number, GetOutcome | PutOutcome>();
  /** Nodes out of the ring that still run until their data is handed off. */
  private readonly leaving = new Set<string>();
  private groups: readonly (readonly string[])[] = [];
  /** One-way cuts: messages from the first node to the second are lost. */
  private oneWay: (readonly [from: string, to: string])[] = [];
  /** Slow links: messages from the first endpoint to the second leave this much later. */
  private slowLinks: (readonly [from: string, to: string, delayMs: number])[] = [];
  private members: string[];
  private ringEpoch = 1;
  /** Nodes that learn of ring changes this much later than the others (a slow control plane). */
  private membershipLag = new Map<string, number>();
  private nextRequestId = 1;
  private observer: SimObserver | null = null;
  /** The ring of `members`, for preferenceList (members is replaced, never changed in place). */
  private ring: { readonly members: readonly string[]; readonly ring: Ring } | null = null;
  nowMs = 0;

  constructor(options: SimOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.network = new SimNetwork(this.queue, new Prng(options.seed), () => this.nowMs, { minMs: options.minDelayMs ?? 1, maxMs: options.maxDelayMs ?? 5 });
    this.chaosPrng = new Prng(options.seed).split();
    this.members = Array.from({ length: options.nodes }, (_, i) => `node-${i + 1}`);
    this.client = new ClientCore(SIM_CLIENT, options.mode ?? 'node', this.tuning, this.members, md5Hex);
    this.clientFaults = this.faultLayerFor(SIM_CLIENT);
    this.clientHost = new EffectHost<ClientInput>(this.client, this.clientFaults, this.network.scheduler(), {
      settled: (requestId, outcome) => {
        this.outcomes.set(requestId, outcome);
        this.observer?.outcome(this.nowMs, requestId, outcome);
      },
      failed: rethrow,
    });
    for (const id of this.members) this.boot(id);
    this.updateReachable();
  }

  get nodeIds(): readonly string[] {
    return this.members;
  }

  /** Messages delivered so far. */
  get delivered(): number {
    return this.network.delivered;
  }

  /** Sees every message delivered from now on (null stops it). */
  tap(listener: NetworkTap | null): void {
    this.network.tap = listener;
  }

  /** Sees every message's fate and every client request from now on (null stops it). */
  observe(observer: SimObserver | null): void {
    this.observer = observer;
    this.network.watch = observer && ((atMs, from, to, msg, fate) => observer.message(atMs, from, to, msg, fate));
  }

  node(id: string): DynamoNode {
    const running = this.nodes.get(id);
    if (!running) throw new Error(`no node ${id} is running`);
    return running.node;
  }

  isRunning(id: string): boolean {
    return this.nodes.has(id);
  }

  /** The key's preference list in the current ring (its first N are the primaries). */
  preferenceList(key: string, count = this.members.length): readonly string[] {
    // Built once per membership: hashing every token took an eighth of a sweep's time.
    if (this.ring?.members !== this.members) this.ring = { members: this.members, ring: Ring.of(this.members, this.tuning.vnodes, md5Hex) };
    return this.ring.ring.preferenceList(key, count);
  }

  // ---- client operations ----------------------------------------------------------------

  /** Starts a put without waiting for it; the returned function polls its outcome. */
  putAsync(key: string, value: unknown, options: PutOptions | CausalContext = {}): () => PutOutcome | undefined {
    const opts: PutOptions = 'clock' in options ? { context: options } : options;
    const spec = {
      key,
      value,
      deleted: opts.deleted ?? false,
      context: opts.context ?? EMPTY_CONTEXT,
      w: opts.w ?? this.tuning.w,
      timeoutMs: opts.timeoutMs ?? this.tuning.requestTimeoutMs,
    };
    return this.request((requestId) => ({ kind: 'put', requestId, spec, nowMs: this.nowMs })) as () => PutOutcome | undefined;
  }

  /** Starts a get without waiting for it. */
  getAsync(key: string, options: { r?: number; timeoutMs?: number } | number = {}): () => GetOutcome | undefined {
    const opts = typeof options === 'number' ? { r: options } : options;
    const spec = { key, r: opts.r ?? this.tuning.r, timeoutMs: opts.timeoutMs ?? this.tuning.requestTimeoutMs };
    return this.request((requestId) => ({ kind: 'get', requestId, spec, nowMs: this.nowMs })) as () => GetOutcome | undefined;
  }

  /** A put, running the world until it settles. */
  put(key: string, value: unknown, options: PutOptions = {}): PutOutcome {
    return this.settle(this.putAsync(key, value, options), options.timeoutMs, `put ${key}`);
  }

  get(key: string, options: { r?: number; timeoutMs?: number } = {}): GetOutcome {
    return this.settle(this.getAsync(key, options), options.timeoutMs, `get ${key}`);
  }

  // ---- faults and membership --------------------------------------------------------------

  /** Nodes in different groups cannot talk; the client stays with the largest group. */
  partition(groups: readonly (readonly string[])[]): void {
    this.groups = groups;
    this.applyCuts();
  }

  /** Messages from `from` to `to` are lost from now on (the other direction still works). */
  cut(from: string, to: string): void {
    this.oneWay.push([from, to]);
    this.applyCuts();
  }

  /** Messages from `from` to `to` (either may be the client) leave `delayMs` later from now on. */
  slow(from: string, to: string, delayMs: number): void {
    this.slowLinks.push([from, to, delayMs]);
    this.applyCuts();
  }

  /** Heals every partition, cut and slow link. */
  heal(): void {
    this.groups = [];
    this.oneWay = [];
    this.slowLinks = [];
    this.applyCuts();
  }

  /**
   * Random loss, duplication and delay of the messages arriving at an endpoint, as
   * `Cluster.chaos` (same rules, same FaultLayer), drawn from the seed. The client is `client`.
   * Throws on a bad rule (InvalidChaosRule naming the field).
   */
  chaos(rule: ChaosRule): void {
    this.chaosRules = withRule(this.chaosRules, parseChaosRule(rule, this.resolveEndpoint));
    this.applyChaos();
  }

  /** Clears the rules `selector` matches (every field it gives), or all of them. */
  clearChaos(selector?: ChaosSelector): void {
    this.chaosRules = withoutRules(this.chaosRules, parseChaosSelector(selector, this.resolveEndpoint));
    this.applyChaos();
  }

  /** What the faults did to the messages arriving at `endpoint`, or at every endpoint summed. */
  faultCounters(endpoint?: string): FaultCounters {
    const layers = [...this.nodes].filter(([id]) => endpoint === undefined || id === endpoint).map(([, running]) => running.faults);
    if (endpoint === undefined || endpoint === SIM_CLIENT) layers.push(this.clientFaults);
    const sum = (name: keyof FaultCounters): number => layers.reduce((total, layer) => total + layer.counters[name], 0);
    return { messagesDropped: sum('messagesDropped'), messagesLost: sum('messagesLost'), messagesDuplicated: sum('messagesDuplicated'), messagesDelayed: sum('messagesDelayed') };
  }

  /** Stops a node: it loses its in-memory data and gets no messages or timers. */
  stop(id: string): void {
    const running = this.nodes.get(id);
    if (!running) return;
    running.host.stop();
    this.network.detach(id);
    this.nodes.delete(id);
    this.updateReachable();
  }

  /** Starts a stopped node again, empty, with a new actor incarnation. */
  restart(id: string): void {
    this.boot(id);
    this.applyCuts();
  }

  /**
   * From now on `nodes` learn of each ring change `lagMs` after the others, as a node whose
   * control messages are slow would: peers may act on a ring it has not seen yet.
   */
  lagMembership(nodes: readonly string[], lagMs: number): void {
    for (const id of nodes) this.membershipLag.set(id, lagMs);
  }

  addNode(id: string): void {
    this.boot(id);
    this.setMembers([...this.members, id]);
    this.applyCuts();
  }

  /** The node leaves the ring and hands off its data; `retire` stops it once it is drained. */
  removeNode(id: string): void {
    if (this.nodes.has(id)) this.leaving.add(id);
    this.setMembers(this.members.filter((m) => m !== id));
  }

  /** True once a leaving node holds nothing any more (what the runtime waits for). */
  drained(id: string): boolean {
    const stats = this.node(id).stats();
    return stats.keys === 0 && stats.hintsPending === 0;
  }

  /** Stops a node that left the ring (after it handed off its data). */
  retire(id: string): void {
    this.leaving.delete(id);
    this.stop(id);
    // As the runtime does: the others stop counting it among the nodes that still hold data.
    this.setMembers(this.members);
  }

  // ---- the event loop ------------------------------------------------------------------

  runFor(ms: number): void {
    const until = this.nowMs + ms;
    this.runUntil(() => false, ms);
    this.nowMs = Math.max(this.nowMs, until);
  }

  /** Processes events in time order until `done()` holds or `maxMs` of virtual time passed. */
  runUntil(done: () => boolean, maxMs: number): void {
    const limit = this.nowMs + maxMs;
    while (!done()) {
      const event = this.queue.popUntil(limit);
      if (!event) break;
      this.nowMs = event.atMs;
      event.run();
    }
  }

  /** What every running node holds for `key`, for checkers. */
  holdings(key: string): Holding[] {
    return [...this.nodes.entries()].map(([node, running]) => ({ node, ...running.node.inspect(key) }));
  }

  /** What one node holds for `key` as its own data (hints aside). */
  dataOf(node: string, key: string): Siblings | null {
    return this.node(node).inspect(key).siblings;
  }

  private request(input: (requestId: number) => ClientInput): () => GetOutcome | PutOutcome | undefined {
    const requestId = this.nextRequestId++;
    const request = input(requestId);
    this.observer?.request(this.nowMs, request);
    this.clientHost.input(request);
    return () => this.outcomes.get(requestId);
  }

  private settle<T>(poll: () => T | undefined, timeoutMs: number | undefined, what: string): T {
    this.runUntil(() => poll() !== undefined, 2 * (timeoutMs ?? this.tuning.requestTimeoutMs));
    const outcome = poll();
    if (outcome === undefined) throw new Error(`${what} did not settle`);
    return outcome;
  }

  private boot(id: string): void {
    const incarnation = (this.incarnations.get(id) ?? 0) + 1;
    this.incarnations.set(id, incarnation);
    const stores = { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() };
    const node = new DynamoNode({ nodeId: id, actorId: `${id}#${incarnation}` }, this.tuning, stores, this.membershipFor(id), md5Hex);
    const faults = this.faultLayerFor(id);
    const host = new EffectHost<NodeInput>(node, faults, this.network.scheduler(), {
      settled: () => {
        throw new Error(`node ${id} settled a local request`);
      },
      failed: rethrow,
    });
    faults.setChaos(this.chaosRules);
    this.nodes.set(id, { node, host, faults });
    host.input({ kind: 'start', nowMs: this.nowMs });
  }

  /** A starting node's ring: the current one, or the one it joins (the next epoch). */
  private membershipFor(id: string): Membership {
    const draining = this.drainingNodes();
    if (this.members.includes(id)) return { nodes: this.members, epoch: this.ringEpoch, draining };
    return { nodes: [...this.members, id], epoch: this.ringEpoch + 1, draining };
  }

  private drainingNodes(): string[] {
    return [...this.leaving].filter((id) => this.nodes.has(id));
  }

  private setMembers(next: string[]): void {
    this.members = next;
    const membership: Membership = { nodes: next, epoch: ++this.ringEpoch, draining: this.drainingNodes() };
    this.clientHost.input({ kind: 'membership', nodes: next, nowMs: this.nowMs });
    for (const id of nodesToTell(next, this.nodes.keys(), this.leaving)) {
      const tell = (): void => this.nodes.get(id)?.host.input({ kind: 'membership', membership, nowMs: this.nowMs });
      const lagMs = this.membershipLag.get(id);
      if (lagMs === undefined) tell();
      else this.queue.push(this.nowMs + lagMs, tell);
    }
    this.updateReachable();
  }

  private applyCuts(): void {
    const everyone = [...new Set([...this.members, ...this.nodes.keys()])];
    const cutOf = partitionCuts(this.groups, everyone, SIM_CLIENT);
    const withOneWay = (self: string): LinkCut => {
      const cut = cutOf(self);
      const outbound = [...cut.outbound];
      const inbound = [...cut.inbound];
      for (const [from, to] of this.oneWay) {
        if (from === self) outbound.push(to);
        if (to === self) inbound.push(from);
      }
      return { outbound, inbound };
    };
    const delaysOf = (self: string): Map<string, number> => new Map(this.slowLinks.filter(([from]) => from === self).map(([, to, delayMs]) => [to, delayMs]));
    this.clientFaults.setCut(withOneWay(SIM_CLIENT));
    this.clientFaults.setDelays(delaysOf(SIM_CLIENT));
    for (const [id, running] of this.nodes) {
      running.faults.setCut(withOneWay(id));
      running.faults.setDelays(delaysOf(id));
    }
    this.updateReachable();
  }

  private faultLayerFor(id: string): FaultLayer {
    const scheduler = this.network.scheduler();
    const layer = new FaultLayer(this.network.attach(id), (delayMs, run) => scheduler.schedule(delayMs, run), { self: id, random: () => this.chaosPrng.nextFloat() });
    layer.onDrop = (peer, direction, msg) => this.observer?.message(this.nowMs, direction === 'out' ? id : peer, direction === 'out' ? peer : id, msg, 'cut');
    return layer;
  }

  private readonly resolveEndpoint = (id: string): string | undefined => (id === SIM_CLIENT || this.members.includes(id) || this.nodes.has(id) ? id : undefined);

  private applyChaos(): void {
    this.clientFaults.setChaos(this.chaosRules);
    for (const running of this.nodes.values()) running.faults.setChaos(this.chaosRules);
  }

  private updateReachable(): void {
    const reachable = this.members.filter((m) => this.nodes.has(m) && this.clientFaults.canSendTo(m));
    this.clientHost.input({ kind: 'reachable', nodes: reachable, nowMs: this.nowMs });
  }
}
