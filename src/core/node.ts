/**
 * One Dynamo node as a pure state machine: an input (a message, a fired timer, a membership
 * change) goes in, effects (messages to send, timers to set) come out. It is a replica
 * (store, read, repair, keep hints for others) and a coordinator of client requests.
 * The same code runs in a worker thread, in the deterministic simulator and in unit tests.
 */
import { assertNever } from './assert.js';
import type { EngineTuning } from './config.js';
import { Coordinator, type CoordinatorStats, type LocalReplica } from './coordinator.js';
import { EffectSink, type Effect } from './effects.js';
import { FailureDetector } from './failure-detector.js';
import { HandoffTracker } from './handoff.js';
import { highestCounter } from './causal-context.js';
import { HintStore, hintKeyOf, type Hint } from './hints.js';
import { RequestRouter } from './request-router.js';
import { Ring } from './ring.js';
import { highestCounterIn, mergeSiblings, type Siblings } from './versions.js';
import type { Message } from '../protocol/messages.js';
import type { KeyValueStore } from '../storage/store.js';

export interface NodeIdentity {
  readonly nodeId: string;
  /** Unique per start of this node: the actor its coordinator mints dots for. */
  readonly actorId: string;
}

export type NodeInput =
  | { readonly kind: 'start'; readonly nowMs: number }
  | { readonly kind: 'receive'; readonly from: string; readonly msg: Message; readonly nowMs: number }
  | { readonly kind: 'timer'; readonly timerId: number; readonly nowMs: number }
  | { readonly kind: 'membership'; readonly nodes: readonly string[]; readonly nowMs: number };

export interface NodeStats extends CoordinatorStats {
  readonly nodeId: string;
  /** The actor this node currently mints dots for. */
  readonly actorId: string;
  readonly keys: number;
  readonly hintsPending: number;
  readonly hintsDelivered: number;
  readonly handoffsPending: number;
  readonly handedOff: number;
  readonly forwarded: number;
  readonly suspects: readonly string[];
  readonly inFlight: number;
}

/** What one node holds for a key: its own versions and any it keeps as hints for others. */
export interface NodeKeyView {
  readonly versions: Siblings;
  readonly hints: readonly { readonly owner: string; readonly siblings: Siblings }[];
}

export interface NodeStores {
  readonly data: KeyValueStore<Siblings>;
  readonly hints: KeyValueStore<Hint>;
}

export class DynamoNode {
  private readonly sink = new EffectSink();
  private readonly detector: FailureDetector;
  private readonly hintStore: HintStore;
  private readonly handoffs = new HandoffTracker();
  private readonly coordinator: Coordinator;
  private readonly router: RequestRouter;
  private ring: Ring;
  private nowMs = 0;
  private pingSeq = 0;
  private actorEpoch = 0;
  private counters = { hintsDelivered: 0, handedOff: 0 };

  constructor(
    readonly identity: NodeIdentity,
    private readonly tuning: EngineTuning,
    private readonly stores: NodeStores,
    members: readonly string[],
  ) {
    this.ring = Ring.of(members, tuning.vnodes);
    this.detector = new FailureDetector(() => this.nowMs, tuning.suspectForMs);
    this.hintStore = new HintStore(stores.hints);
    const local: LocalReplica = {
      nodeId: identity.nodeId,
      read: (key) => this.readLocal(key),
      write: (key, siblings, hintFor) => this.writeLocal(key, siblings, hintFor),
      repair: (key, siblings) => this.storeData(key, siblings),
    };
    this.coordinator = new Coordinator(tuning, {
      // The next counter is above every one this actor used for the key: the node keeps
      // every version it mints, and forgets (new actor) before it lets one go.
      mintDot: (key, context) => {
        const actor = this.actorId;
        const counter = Math.max(highestCounter(context, actor), highestCounterIn(this.readLocal(key), actor)) + 1;
        return { actor, counter, timeMs: this.nowMs };
      },
      sink: this.sink,
      detector: this.detector,
      ring: () => this.ring,
      nowMs: () => this.nowMs,
      local,
    });
    this.router = new RequestRouter({
      nodeId: identity.nodeId,
      tuning,
      sink: this.sink,
      detector: this.detector,
      coordinator: this.coordinator,
      ring: () => this.ring,
      nowMs: () => this.nowMs,
    });
  }

  get nodeId(): string {
    return this.identity.nodeId;
  }

  /**
   * The actor this node mints dots for: its incarnation's id, plus an epoch that grows each
   * time the node lets go of versions its actor wrote (a handoff or a delivered hint). After
   * that it no longer knows which counters it used for those keys, and a new actor is the
   * only way never to mint the same dot twice (Riak's "actor amnesia", KV679).
   */
  get actorId(): string {
    return this.actorEpoch === 0 ? this.identity.actorId : `${this.identity.actorId}.${this.actorEpoch}`;
  }

  /** Called before versions leave this node's stores for good. */
  private forgetting(siblings: Siblings): void {
    if (highestCounterIn(siblings, this.actorId) > 0) this.actorEpoch++;
  }

  /** Feeds one input in and returns what the host must do. */
  step(input: NodeInput): Effect[] {
    this.nowMs = input.nowMs;
    switch (input.kind) {
      case 'start':
        this.scheduleMaintenance();
        break;
      case 'receive':
        this.receive(input.from, input.msg);
        break;
      case 'timer':
        this.sink.fire(input.timerId);
        break;
      case 'membership':
        this.changeMembership(input.nodes);
        break;
      default:
        assertNever(input, 'node input');
    }
    return this.sink.drain();
  }

  stats(): NodeStats {
    return {
      nodeId: this.nodeId,
      actorId: this.actorId,
      ...this.coordinator.stats,
      ...this.counters,
      forwarded: this.router.forwarded,
      keys: this.stores.data.size,
      hintsPending: this.hintStore.size,
      handoffsPending: this.handoffs.size,
      suspects: this.detector.list(),
      inFlight: this.coordinator.inFlight,
    };
  }

  inspect(key: string): NodeKeyView {
    return {
      versions: this.stores.data.get(key) ?? [],
      hints: this.hintStore.forKey(key).map((hint) => ({ owner: hint.owner, siblings: hint.siblings })),
    };
  }

  private receive(from: string, msg: Message): void {
    if (this.ring.has(from)) this.detector.heardFrom(from);
    switch (msg.kind) {
      case 'client.get':
      case 'client.put':
        this.router.receive(from, msg);
        break;
      case 'forward.ack':
        this.router.confirmed(msg);
        break;
      case 'replica.read':
        this.sink.send(from, { kind: 'replica.readReply', reqId: msg.reqId, siblings: this.readLocal(msg.key) });
        break;
      case 'replica.write':
        this.writeLocal(msg.key, msg.siblings, msg.hintFor);
        this.sink.send(from, { kind: 'replica.writeAck', reqId: msg.reqId });
        break;
      case 'replica.repair':
        this.storeData(msg.key, msg.siblings);
        break;
      case 'replica.readReply':
      case 'replica.writeAck':
        this.coordinator.receive(from, msg);
        break;
      case 'ping':
        this.sink.send(from, { kind: 'pong', seq: msg.seq });
        break;
      case 'pong':
        this.deliverHints(from);
        break;
      case 'hint.deliver':
        this.storeData(msg.key, msg.siblings);
        this.sink.send(from, { kind: 'hint.ack', hintKey: msg.hintKey, seq: msg.seq });
        break;
      case 'hint.ack': {
        const hint = this.hintStore.get(msg.hintKey);
        if (hint?.seq !== msg.seq) break;
        this.forgetting(hint.siblings);
        this.hintStore.deleteIfUnchanged(msg.hintKey, msg.seq);
        this.counters.hintsDelivered++;
        break;
      }
      case 'handoff':
        this.storeData(msg.key, msg.siblings);
        this.sink.send(from, { kind: 'handoff.ack', key: msg.key, seq: msg.seq });
        break;
      case 'handoff.ack':
        if (this.handoffs.acknowledge(msg.key, msg.seq, from)) {
          this.forgetting(this.stores.data.get(msg.key) ?? []);
          this.stores.data.delete(msg.key);
          this.counters.handedOff++;
        }
        break;
      case 'reply.get':
      case 'reply.put':
      case 'reply.error':
        // Replies are for client endpoints; a node never asked for one, so it is dropped.
        break;
      default:
        assertNever(msg, 'message');
    }
  }

  // ---- replica ---------------------------------------------------------------------------

  private readLocal(key: string): Siblings {
    const own = this.stores.data.get(key) ?? [];
    const hinted = this.hintStore.versionsOf(key);
    return hinted.length === 0 ? own : mergeSiblings(own, hinted);
  }

  private writeLocal(key: string, siblings: Siblings, hintFor: string | null): void {
    // A hint for a node that is no longer in the ring would never be delivered: the versions
    // become this node's data, which goes to the key's owners like any other.
    if (hintFor !== null && hintFor !== this.nodeId && this.ring.has(hintFor)) {
      this.keepingKnowledge(key, () => this.hintStore.add(hintFor, key, siblings));
    } else {
      this.storeData(key, siblings);
    }
  }

  /** Merges versions into this node's own data; a key it does not own is offered onwards. */
  private storeData(key: string, siblings: Siblings): void {
    const existing = this.stores.data.get(key) ?? [];
    const merged = mergeSiblings(existing, siblings);
    if (merged === existing) return;
    this.keepingKnowledge(key, () => this.stores.data.set(key, merged));
    this.checkOwnership(key);
  }

  /**
   * Runs a change to what this node holds for `key`, and takes a new actor if it lowered the
   * highest counter of this node's actor that the node can still see there (data and hints
   * together, as the minter reads them): a version it minted was superseded by one whose
   * pruned context no longer names it, and the node would mint that counter again.
   */
  private keepingKnowledge(key: string, change: () => void): void {
    const before = highestCounterIn(this.readLocal(key), this.actorId);
    change();
    if (highestCounterIn(this.readLocal(key), this.actorId) < before) this.actorEpoch++;
  }

  private checkOwnership(key: string): void {
    const owners = this.ring.preferenceList(key, this.tuning.n);
    if (owners.includes(this.nodeId)) {
      this.handoffs.cancel(key);
      return;
    }
    const siblings = this.stores.data.get(key);
    if (!siblings) return;
    if (owners.length === 0) return; // an empty ring: nowhere to hand off to, keep it
    const handoff = this.handoffs.begin(key, owners);
    for (const target of owners) this.sink.send(target, { kind: 'handoff', key, seq: handoff.seq, siblings });
  }

  // ---- membership, probes, hinted handoff ------------------------------------------------

  private changeMembership(nodes: readonly string[]): void {
    const next = Ring.of(nodes, this.tuning.vnodes);
    for (const node of this.ring.nodes) if (!next.has(node)) this.detector.forget(node);
    this.ring = next;
    // Hints for a node that left go to the key's current owners, through this node's data.
    for (const [, hint] of [...this.hintStore.all()]) {
      if (next.has(hint.owner)) continue;
      this.keepingKnowledge(hint.key, () => {
        this.hintStore.deleteIfUnchanged(hintKeyOf(hint.owner, hint.key), hint.seq);
        this.storeData(hint.key, hint.siblings);
      });
    }
    this.handoffs.clear();
    for (const key of [...this.stores.data.keys()]) this.checkOwnership(key);
  }

  private scheduleMaintenance(): void {
    this.sink.setTimer(this.tuning.maintenanceIntervalMs, () => {
      this.maintain();
      this.scheduleMaintenance();
    });
  }

  /** Probes suspects and hint owners (a pong triggers delivery) and resends handoffs. */
  private maintain(): void {
    const probe = new Set([...this.detector.list(), ...this.hintStore.pendingOwners()]);
    for (const node of probe) {
      if (node !== this.nodeId && this.ring.has(node)) this.sink.send(node, { kind: 'ping', seq: ++this.pingSeq });
    }
    for (const { key, seq, target } of this.handoffs.unacknowledged(this.tuning.handoffBatchSize)) {
      const siblings = this.stores.data.get(key);
      if (siblings) this.sink.send(target, { kind: 'handoff', key, seq, siblings });
    }
  }

  private deliverHints(owner: string): void {
    for (const hint of this.hintStore.forOwner(owner, this.tuning.hintBatchSize)) {
      this.sink.send(owner, { kind: 'hint.deliver', hintKey: hintKeyOf(hint.owner, hint.key), seq: hint.seq, key: hint.key, siblings: hint.siblings });
    }
  }
}
