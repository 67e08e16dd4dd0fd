/**
 * A deterministic in-memory network for the core: every node's state machine and one client,
 * a virtual clock, and a seeded PRNG that decides every message delay. The same seed replays
 * the same run exactly. Faults: partitions, stopped nodes, dropped links.
 */
import { ClientCore, type ClientGetOutcome, type ClientPutOutcome, type CoordinationMode } from '../core/client.js';
import { DEFAULT_TUNING, type EngineTuning } from '../core/config.js';
import { EMPTY_CONTEXT, type CausalContext } from '../core/causal-context.js';
import type { Effect } from '../core/effects.js';
import { DynamoNode } from '../core/node.js';
import type { Hint } from '../core/hints.js';
import type { Siblings } from '../core/versions.js';
import type { Message } from '../protocol/messages.js';
import { MemoryStore } from '../storage/store.js';
import { Prng } from '../util/prng.js';
import { EventQueue } from './event-queue.js';
import { partitionSides, type PartitionSides } from '../transport/partition.js';

export const SIM_CLIENT = 'client';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly mode?: CoordinationMode;
  readonly tuning?: Partial<EngineTuning>;
  /** Message delay bounds; each message draws its delay from the PRNG. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

export class SimCluster {
  readonly tuning: EngineTuning;
  readonly client: ClientCore;
  private readonly nodes = new Map<string, DynamoNode>();
  private readonly incarnations = new Map<string, number>();
  private readonly queue = new EventQueue();
  private readonly prng: Prng;
  private readonly stopped = new Set<string>();
  private readonly timerEvents = new Map<string, number>();
  private sides: PartitionSides | null = null;
  private members: string[];
  nowMs = 0;
  delivered = 0;

  constructor(private readonly options: SimOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.prng = new Prng(options.seed);
    this.members = Array.from({ length: options.nodes }, (_, i) => `node-${i + 1}`);
    this.client = new ClientCore(SIM_CLIENT, options.mode ?? 'node', this.tuning, this.members);
    for (const id of this.members) this.boot(id);
  }

  get nodeIds(): readonly string[] {
    return this.members;
  }

  node(id: string): DynamoNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  // ---- client operations: run the world until the answer arrives ------------------------

  put(key: string, value: unknown, opts: { context?: CausalContext; w?: number; timeoutMs?: number; deleted?: boolean } = {}): ClientPutOutcome {
    let outcome: ClientPutOutcome | undefined;
    const spec = {
      key,
      value,
      deleted: opts.deleted ?? false,
      context: opts.context ?? EMPTY_CONTEXT,
      w: opts.w ?? this.tuning.w,
      timeoutMs: opts.timeoutMs ?? this.tuning.requestTimeoutMs,
    };
    this.client.put(spec, this.nowMs, (o) => (outcome = o));
    this.perform(SIM_CLIENT, this.client.drain());
    this.runUntil(() => outcome !== undefined, spec.timeoutMs * 2);
    if (!outcome) throw new Error(`put ${key} did not settle`);
    return outcome;
  }

  /** Starts a put without waiting for it (to make concurrent writes). */
  putAsync(key: string, value: unknown, context: CausalContext = EMPTY_CONTEXT): () => ClientPutOutcome | undefined {
    let outcome: ClientPutOutcome | undefined;
    const spec = { key, value, deleted: false, context, w: this.tuning.w, timeoutMs: this.tuning.requestTimeoutMs };
    this.client.put(spec, this.nowMs, (o) => (outcome = o));
    this.perform(SIM_CLIENT, this.client.drain());
    return () => outcome;
  }

  /** Starts a get without waiting for it. */
  getAsync(key: string, r = this.tuning.r): () => ClientGetOutcome | undefined {
    let outcome: ClientGetOutcome | undefined;
    this.client.get({ key, r, timeoutMs: this.tuning.requestTimeoutMs }, this.nowMs, (o) => (outcome = o));
    this.perform(SIM_CLIENT, this.client.drain());
    return () => outcome;
  }

  get(key: string, opts: { r?: number; timeoutMs?: number } = {}): ClientGetOutcome {
    let outcome: ClientGetOutcome | undefined;
    const spec = { key, r: opts.r ?? this.tuning.r, timeoutMs: opts.timeoutMs ?? this.tuning.requestTimeoutMs };
    this.client.get(spec, this.nowMs, (o) => (outcome = o));
    this.perform(SIM_CLIENT, this.client.drain());
    this.runUntil(() => outcome !== undefined, spec.timeoutMs * 2);
    if (!outcome) throw new Error(`get ${key} did not settle`);
    return outcome;
  }

  // ---- faults and membership --------------------------------------------------------------

  /** Nodes in different groups cannot talk; the client stays with the largest group. */
  partition(groups: readonly (readonly string[])[]): void {
    this.sides = partitionSides(groups, this.members);
    this.updateReachable();
  }

  heal(): void {
    this.sides = null;
    this.updateReachable();
  }

  /** Stops a node: it loses its in-memory data and gets no messages or timers. */
  stop(id: string): void {
    this.stopped.add(id);
    this.nodes.delete(id);
    this.updateReachable();
  }

  /** Starts a stopped node again, empty, with a new actor incarnation. */
  restart(id: string): void {
    this.stopped.delete(id);
    this.boot(id);
    this.updateReachable();
  }

  addNode(id: string): void {
    this.members = [...this.members, id];
    this.boot(id);
    this.broadcastMembership();
  }

  removeNode(id: string): void {
    this.members = this.members.filter((m) => m !== id);
    this.broadcastMembership(id);
  }

  /** Drops a node entirely (after it handed off its data). */
  retire(id: string): void {
    this.stop(id);
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

  /** Every node's data and hints, for checkers. */
  holdings(key: string): { node: string; versions: Siblings; hints: readonly { owner: string; siblings: Siblings }[] }[] {
    return [...this.nodes.values()].map((node) => ({ node: node.nodeId, ...node.inspect(key) }));
  }

  private boot(id: string): void {
    const incarnation = (this.incarnations.get(id) ?? 0) + 1;
    this.incarnations.set(id, incarnation);
    const stores = { data: new MemoryStore<Siblings>(), hints: new MemoryStore<Hint>() };
    const node = new DynamoNode({ nodeId: id, actorId: `${id}#${incarnation}` }, this.tuning, stores, this.members);
    this.nodes.set(id, node);
    this.perform(id, node.step({ kind: 'start', nowMs: this.nowMs }));
  }

  private broadcastMembership(alsoTell?: string): void {
    this.client.membership(this.members, this.nowMs);
    const targets = alsoTell ? [...this.members, alsoTell] : this.members;
    for (const id of targets) {
      const node = this.nodes.get(id);
      if (node) this.perform(id, node.step({ kind: 'membership', nodes: this.members, nowMs: this.nowMs }));
    }
  }

  private perform(from: string, effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'send':
          this.transmit(from, effect.to, effect.msg);
          break;
        case 'setTimer':
          this.timerEvents.set(`${from}/${effect.timerId}`, this.queue.push(this.nowMs + effect.delayMs, () => this.fireTimer(from, effect.timerId)));
          break;
        case 'cancelTimer': {
          const key = `${from}/${effect.timerId}`;
          const eventId = this.timerEvents.get(key);
          if (eventId !== undefined) this.queue.cancel(eventId);
          this.timerEvents.delete(key);
          break;
        }
      }
    }
  }

  private fireTimer(owner: string, timerId: number): void {
    this.timerEvents.delete(`${owner}/${timerId}`);
    if (owner === SIM_CLIENT) {
      this.client.timer(timerId, this.nowMs);
      this.perform(SIM_CLIENT, this.client.drain());
      return;
    }
    const node = this.nodes.get(owner);
    if (node) this.perform(owner, node.step({ kind: 'timer', timerId, nowMs: this.nowMs }));
  }

  private transmit(from: string, to: string, msg: Message): void {
    if (this.stopped.has(to) || this.stopped.has(from) || !this.linked(from, to)) return;
    const min = this.options.minDelayMs ?? 1;
    const max = this.options.maxDelayMs ?? 5;
    const delay = min + this.prng.nextFloat() * (max - min);
    // Structured clone, as a MessagePort would: no state is shared between endpoints.
    const copy = structuredClone(msg);
    this.queue.push(this.nowMs + delay, () => this.deliver(from, to, copy));
  }

  private deliver(from: string, to: string, msg: Message): void {
    this.delivered++;
    if (to === SIM_CLIENT) {
      this.client.receive(from, msg, this.nowMs);
      this.perform(SIM_CLIENT, this.client.drain());
      return;
    }
    const node = this.nodes.get(to);
    if (node) this.perform(to, node.step({ kind: 'receive', from, msg, nowMs: this.nowMs }));
  }

  private linked(a: string, b: string): boolean {
    const sides = this.sides;
    if (!sides) return true;
    const sideOf = (id: string): number => (id === SIM_CLIENT ? sides.clientSide : sides.sideOf(id));
    return sideOf(a) === sideOf(b);
  }

  private updateReachable(): void {
    this.client.setReachable(this.members.filter((m) => !this.stopped.has(m) && this.linked(SIM_CLIENT, m)));
  }
}
