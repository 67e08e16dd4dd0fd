/**
 * The running cluster's shape: which nodes are in the ring, which run (one worker each), the
 * MessagePort mesh between them and to the client, and the faults in force. Every change
 * (start, stop, join, leave, partition) goes through here, one at a time: each takes several
 * awaits, and two interleaved would each act on a ring the other is changing.
 */
import { randomBytes } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import type { EngineTuning } from '../core/config.js';
import type { Membership } from '../protocol/data.js';
import { parseChaosRule, parseChaosSelector, withoutRules, withRule, type ChaosRule } from '../transport/chaos.js';
import { checkDelayBudget, checkedChaosInput, CLIENT_ENDPOINT, rulesOnTheWire } from './chaos-input.js';
import { partitionCuts } from '../transport/partition.js';
import type { ClientDriver } from './client-driver.js';
import type { WorkerStats } from './control-api.js';
import { nodeStorage, type ClusterStorage } from './data-dir.js';
import { EngineError } from './engine-error.js';
import { nodesToTell } from './membership.js';
import type { NodeHandle } from './node-handle.js';
import type { Switchboard } from './switchboard.js';
import { startNodeThread, stopNodeThread, type ThreadPool } from './thread-pool.js';

/**
 * A ring spread over several node controllers: this process runs the `local` nodes, and
 * reaches the others (and the clients of other processes) through the switchboard.
 */
export interface SpreadRing {
  /** Every node of the ring, wherever it runs. */
  readonly nodes: readonly string[];
  readonly local: ReadonlySet<string>;
  readonly switchboard: Switchboard;
  /** Endpoints of other processes that chaos rules may name (the job's other clients). */
  readonly otherEndpoints: ReadonlySet<string>;
}

/** How long `leave` waits for a node to hand off its keys and hints. */
export const DRAIN_TIMEOUT_MS = 15_000;
const DRAIN_POLL_MS = 20;

export class Topology {
  private readonly running = new Map<string, NodeHandle>();
  private readonly incarnations = new Map<string, number>();
  /** Nodes out of the ring that still run until their data is handed off. */
  private readonly leaving = new Set<string>();
  private members: string[] = [];
  /** Grows with every ring change; nodes use it to tell a stale ring from a newer one. */
  private ringEpoch = 1;
  private groups: readonly (readonly string[])[] = [];
  /** Chaos rules in force, as the caller named the endpoints; kept for nodes started later. */
  private chaosRules: readonly ChaosRule[] = [];
  private nextNodeNumber = 1;
  /** The tail of the queue of topology changes. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Nodes of other controllers whose controller this one has lost its connection to. */
  private readonly cutOffRemote = new Set<string>();

  /** @param threads the pool nodes take threads from and `shutdown` gives back to (thread-pool.ts), if any; `storage`: data-dir.ts. */
  constructor(
    private readonly tuning: EngineTuning,
    private readonly driver: ClientDriver,
    private readonly spread?: SpreadRing,
    private readonly threads?: ThreadPool,
    private readonly storage?: ClusterStorage,
  ) {}

  /**
   * The connection to the controller hosting `nodes` was lost (or is back): the client stops
   * (or starts again) sending requests there, as it does with a node stopped here.
   */
  remoteReachability(nodes: readonly string[], reachable: boolean): void {
    for (const node of nodes) {
      if (!this.isRemote(node)) continue;
      if (reachable) this.cutOffRemote.delete(node);
      else this.cutOffRemote.add(node);
    }
    this.driver.reachable(this.runningMembers());
  }

  /** True for a node of the ring that runs on another node controller. */
  isRemote(nodeId: string): boolean {
    return this.spread !== undefined && this.members.includes(nodeId) && !this.spread.local.has(nodeId);
  }

  get nodeIds(): readonly string[] {
    return this.members;
  }

  isRunning(nodeId: string): boolean {
    return this.running.has(nodeId);
  }

  /** Starts the first nodes, wired to each other and to the client; a failure is reported once every start has settled. */
  async boot(count: number): Promise<void> {
    this.members = Array.from({ length: count }, () => this.newNodeId());
    this.driver.membership(this.members);
    const starts = await Promise.allSettled(this.members.map((id) => this.spawn(id, this.membership())));
    for (const start of starts) if (start.status === 'rejected') throw start.reason;
    const wiring: Promise<void>[] = [];
    for (const [i, a] of this.members.entries()) {
      for (const b of this.members.slice(i + 1)) wiring.push(this.link(a, b));
      wiring.push(this.linkClient(a));
    }
    await Promise.all(wiring);
    this.driver.reachable(this.runningMembers());
  }

  /**
   * Joins a ring spread over node controllers: every node is a member from the start, none
   * runs yet; `startNode` starts the local ones as their actors are placed here.
   */
  async bootSpread(): Promise<void> {
    const spread = this.spread;
    if (!spread) throw new EngineError('INTERNAL', 'bootSpread needs a spread ring');
    this.members = [...spread.nodes];
    this.driver.setUplink(spread.switchboard.attach(this.driver.core.clientId));
    this.driver.membership(this.members);
    this.driver.reachable(this.runningMembers());
  }

  /** Stops a node's worker; its in-memory data is gone. It stays in the ring. */
  stopNode(nodeId: string): Promise<void> {
    return this.exclusive(async () => {
      this.checkLocal(nodeId);
      if (!this.running.has(nodeId)) throw new EngineError('INVALID_ARGUMENT', `node ${nodeId} is already stopped`);
      await this.halt(nodeId);
    });
  }

  /** Starts a stopped node again: empty, with a new actor incarnation. */
  startNode(nodeId: string): Promise<void> {
    return this.exclusive(async () => {
      this.checkLocal(nodeId);
      if (this.running.has(nodeId)) throw new EngineError('INVALID_ARGUMENT', `node ${nodeId} is already running`);
      await this.spawn(nodeId, this.membership());
      await this.wireNew(nodeId);
      await this.applyPartition();
    });
  }

  /** A new node joins: it starts, then every node learns the new ring and hands keys over. */
  addNode(): Promise<string> {
    return this.exclusive(async () => {
      this.checkNotSpread();
      const nodeId = this.newNodeId();
      // It starts on the ring it joins, the one the others are about to learn.
      await this.spawn(nodeId, { nodes: [...this.members, nodeId], epoch: this.ringEpoch + 1 });
      await this.wireNew(nodeId);
      await this.setMembers([...this.members, nodeId]);
      await this.applyPartition();
      return nodeId;
    });
  }

  /**
   * A node leaves: the ring drops it, it hands its keys and hints to their owners, and it
   * stops once it holds nothing. Resolves false when it could not drain in time (it keeps
   * running, out of the ring, and keeps retrying).
   */
  removeNode(nodeId: string, minimumNodes: number): Promise<boolean> {
    return this.exclusive(async () => {
      this.checkNotSpread();
      if (this.members.includes(nodeId)) {
        if (this.members.length - 1 < minimumNodes) {
          throw new EngineError('INVALID_ARGUMENT', `removing ${nodeId} would leave fewer nodes than n (${minimumNodes})`);
        }
        await this.setMembers(this.members.filter((m) => m !== nodeId), nodeId);
        if (this.running.has(nodeId)) this.leaving.add(nodeId);
      } else if (!this.leaving.has(nodeId)) {
        throw new EngineError('INVALID_ARGUMENT', `unknown node id ${JSON.stringify(nodeId)}; nodes are ${this.members.join(', ')}`);
      }
      const handle = this.running.get(nodeId);
      if (!handle) return true;
      const deadline = performance.now() + DRAIN_TIMEOUT_MS;
      for (;;) {
        const stats = await handle.stats();
        if (stats.keys === 0 && stats.hintsPending === 0) break;
        if (performance.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
        this.checkOpen();
      }
      this.leaving.delete(nodeId);
      await this.halt(nodeId);
      // The others stop counting it among the nodes that still hold data (tombstone reaping asks them).
      await this.setMembers(this.members);
      return true;
    });
  }

  /** Nodes in different groups cannot reach each other; unlisted nodes form one more group. */
  partition(groups: readonly (readonly string[])[]): Promise<void> {
    return this.exclusive(async () => {
      this.groups = groups;
      await this.applyPartition();
    });
  }

  heal(): Promise<void> {
    return this.partition([]);
  }

  get chaos(): readonly ChaosRule[] {
    return this.chaosRules;
  }

  /** Sets a chaos rule (checked now, applied in turn with the other changes). */
  addChaos(input: unknown): Promise<void> {
    const rule = checkedChaosInput(() => parseChaosRule(input, this.resolveEndpoint));
    return this.exclusive(async () => {
      const rules = withRule(this.chaosRules, rule);
      checkDelayBudget(rules, this.tuning.tombstoneGraceMs);
      await this.applyChaos(rules);
    });
  }

  /** Clears the chaos rules `input` selects, or all of them. */
  clearChaos(input: unknown): Promise<void> {
    const selector = checkedChaosInput(() => parseChaosSelector(input, this.resolveEndpoint));
    return this.exclusive(() => this.applyChaos(withoutRules(this.chaosRules, selector)));
  }

  handles(): NodeHandle[] {
    return [...this.running.values()];
  }

  /** Stats of the running nodes; a node that stops meanwhile is left out. */
  async stats(): Promise<WorkerStats[]> {
    const settled = await Promise.allSettled(this.handles().map((h) => h.stats()));
    return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  /**
   * Stops every node (its thread back to the pool, if any). A change still under way notices
   * at its next step, stops what it started and rejects with STOPPED; this waits for it.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    const handles = this.handles();
    this.running.clear();
    await Promise.all([...handles.map((handle) => stopNodeThread(handle, this.threads)), this.queue]);
  }

  /** Runs topology changes one after the other, never once the cluster is closed. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.queue
      .then(() => {
        this.checkOpen();
        return change();
      })
      .catch((error: unknown) => {
        // A change cut short by stop() fails on a worker that is gone: it is STOPPED.
        if (this.closed && !(error instanceof EngineError && error.code === 'INVALID_ARGUMENT')) this.checkOpen();
        throw error;
      });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A node of the ring (running or not, or still draining), or the client by either name. */
  private readonly resolveEndpoint = (id: string): string | undefined => {
    if (id === CLIENT_ENDPOINT || id === this.driver.core.clientId) return CLIENT_ENDPOINT;
    if (this.spread?.otherEndpoints.has(id)) return id;
    return this.members.includes(id) || this.running.has(id) ? id : undefined;
  };

  private async applyChaos(rules: readonly ChaosRule[]): Promise<void> {
    this.chaosRules = rules;
    const wire = rulesOnTheWire(this.chaosRules, this.driver.core.clientId);
    this.driver.setChaos(wire);
    await Promise.all([...this.running.values()].map((handle) => handle.setChaos(wire)));
  }

  private checkLocal(nodeId: string): void {
    if (this.isRemote(nodeId)) throw new EngineError('INVALID_ARGUMENT', `node ${nodeId} runs on another node controller`);
  }

  private checkNotSpread(): void {
    // Ring changes across controllers need every controller told in turn: not built yet.
    if (this.spread) throw new EngineError('INVALID_ARGUMENT', 'nodes cannot join or leave a ring spread over node controllers');
  }

  private checkOpen(): void {
    if (this.closed) throw new EngineError('STOPPED', 'the cluster was stopped');
  }

  /** Terminates a running node's worker and tells the others it is gone. */
  private async halt(nodeId: string): Promise<void> {
    const handle = this.running.get(nodeId);
    if (!handle) return;
    this.running.delete(nodeId);
    this.spread?.switchboard.detach(nodeId);
    this.driver.detach(nodeId);
    this.driver.reachable(this.runningMembers());
    await handle.terminate();
    await Promise.all([...this.running.values()].map((other) => other.disconnect(nodeId)));
  }

  /** Nodes the client can send requests to: running and on its side of any partition. */
  private runningMembers(): string[] {
    // A node on another controller counts as running: if it is not, requests to it time out
    // and the failure detector steers around it, as with any node that stops answering.
    return this.members.filter((m) => (this.running.has(m) || (this.isRemote(m) && !this.cutOffRemote.has(m))) && this.driver.canReach(m));
  }

  private membership(leaving: ReadonlySet<string> = this.leaving): Membership {
    return { nodes: this.members, epoch: this.ringEpoch, draining: [...leaving].filter((id) => this.running.has(id)) };
  }

  private newNodeId(): string {
    let id = `node-${this.nextNodeNumber++}`;
    while (this.members.includes(id) || this.running.has(id)) id = `node-${this.nextNodeNumber++}`;
    return id;
  }

  private async spawn(nodeId: string, membership: Membership): Promise<void> {
    const incarnation = (this.incarnations.get(nodeId) ?? 0) + 1;
    this.incarnations.set(nodeId, incarnation);
    // A controller process that restarts counts incarnations from 1 again: a random tag keeps its node from minting an earlier incarnation's dots.
    const actorId = this.spread ? `${nodeId}#${incarnation}.${randomBytes(4).toString('hex')}` : `${nodeId}#${incarnation}`;
    const handle = await startNodeThread({ nodeId, actorId, tuning: this.tuning, membership, storage: nodeStorage(this.storage, nodeId) }, this.threads);
    await this.stopIfClosed(nodeId, handle);
    if (this.spread) {
      const switchboard = this.spread.switchboard;
      await handle.setUplink(switchboard.attach(nodeId)).catch(async (error: unknown) => {
        switchboard.detach(nodeId);
        await handle.terminate();
        throw error;
      });
    }
    // Chaos rules are the cluster's: a node started again or added gets them before any traffic.
    if (this.chaosRules.length > 0) {
      await handle.setChaos(rulesOnTheWire(this.chaosRules, this.driver.core.clientId)).catch(async (error: unknown) => {
        this.spread?.switchboard.detach(nodeId);
        await handle.terminate();
        throw error;
      });
    }
    await this.stopIfClosed(nodeId, handle);
    this.running.set(nodeId, handle);
    // A node whose thread died is what stopNode makes: out of the client's reach, still in
    // the ring, its data gone; startNode brings it back.
    handle.onUnexpectedExit(() => {
      if (this.running.get(nodeId) !== handle) return;
      this.running.delete(nodeId);
      this.spread?.switchboard.detach(nodeId);
      this.driver.detach(nodeId);
      this.driver.reachable(this.runningMembers());
    });
  }

  /** A node started while stop() ran, unseen by it, stops here; the change rejects with STOPPED. */
  private async stopIfClosed(nodeId: string, handle: NodeHandle): Promise<void> {
    if (!this.closed) return;
    this.spread?.switchboard.detach(nodeId);
    await stopNodeThread(handle, this.threads);
    this.checkOpen();
  }

  private async wireNew(nodeId: string): Promise<void> {
    const others = [...this.running.keys()].filter((id) => id !== nodeId);
    await Promise.all([...others.map((other) => this.link(nodeId, other)), this.linkClient(nodeId)]);
    this.driver.reachable(this.runningMembers());
  }

  private async setMembers(next: string[], leavingNow?: string): Promise<void> {
    this.members = next;
    this.ringEpoch++;
    this.driver.membership(next);
    this.driver.reachable(this.runningMembers());
    const leaving = leavingNow === undefined ? this.leaving : new Set([...this.leaving, leavingNow]);
    const told = nodesToTell(next, this.running.keys(), leaving);
    const membership = this.membership(leaving);
    await Promise.all(told.map((id) => this.running.get(id)?.setMembership(membership)));
  }

  private async link(a: string, b: string): Promise<void> {
    const ha = this.running.get(a);
    const hb = this.running.get(b);
    if (!ha || !hb) return;
    const { port1, port2 } = new MessageChannel();
    await Promise.all([ha.connect(b, port1), hb.connect(a, port2)]);
  }

  private async linkClient(nodeId: string): Promise<void> {
    const handle = this.running.get(nodeId);
    if (!handle) return;
    const { port1, port2 } = new MessageChannel();
    this.driver.attach(nodeId, port1);
    await handle.connect(this.driver.core.clientId, port2);
  }

  private async applyPartition(): Promise<void> {
    const everyone = [...new Set([...this.members, ...this.running.keys()])];
    const cutOf = partitionCuts(this.groups, everyone, this.driver.core.clientId);
    this.driver.setCut(cutOf(this.driver.core.clientId));
    this.driver.reachable(this.runningMembers());
    await Promise.all([...this.running.entries()].map(([id, handle]) => handle.setCut(cutOf(id))));
  }
}
