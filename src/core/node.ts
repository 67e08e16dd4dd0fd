/**
 * One Dynamo node as a pure state machine: an input (a message, a fired timer, a membership
 * change) goes in, effects (messages to send, timers to set) come out. This file only wires
 * the behaviours together and dispatches to them; each lives in a file named for it:
 * replica.ts (copies and hints), request-router.ts (coordinate or forward),
 * coordinator.ts with get-request.ts, put-request.ts and read-repair.ts (§4.5, §5),
 * sloppy-quorum.ts (§4.6), hinted-handoff.ts (§4.6), membership-handoff.ts (§4.9),
 * failure-detector.ts (§4.8), anti-entropy.ts (§4.7) and minting.ts (the names of new
 * versions).
 */
import type { Membership, Siblings } from '../protocol/data.js';
import type { Message } from '../protocol/messages.js';
import { AntiEntropy, type AntiEntropyStats } from './anti-entropy.js';
import { assertNever } from './assert.js';
import type { EngineTuning } from './config.js';
import { Coordinator, type CoordinatorStats } from './coordinator.js';
import { EffectSink, type Effect, type HostInput, type StateMachine } from './effects.js';
import { FailureDetector } from './failure-detector.js';
import { HintedHandoff, HintStore, type Hint } from './hinted-handoff.js';
import { MembershipHandoff } from './membership-handoff.js';
import { TombstoneReaper } from './tombstone-reaper.js';
import { DotMinter } from './minting.js';
import { ObservedStore } from './observed-store.js';
import { highestCounter } from './causal-context.js';
import { Replica } from './replica.js';
import { RequestRouter } from './request-router.js';
import { Ring, type RingHash } from './ring.js';
import type { KeyValueStore } from './storage.js';

export interface NodeIdentity {
  readonly nodeId: string;
  /** Unique per start of this node: the actor its dots are minted for. */
  readonly actorId: string;
}

export type NodeInput =
  | HostInput
  | { readonly kind: 'start'; readonly nowMs: number }
  | { readonly kind: 'membership'; readonly membership: Membership; readonly nowMs: number };

export interface NodeStats extends CoordinatorStats, AntiEntropyStats {
  readonly nodeId: string;
  /** The actor this node mints new dots for. */
  readonly actorId: string;
  readonly keys: number;
  readonly hintsPending: number;
  readonly hintsDelivered: number;
  readonly handoffsPending: number;
  readonly handedOff: number;
  /** Keys this node deleted because every node agreed their tombstone could go. */
  readonly tombstonesReaped: number;
  /** Reaped keys whose tombstone is still kept for a grace period, against stale copies in flight. */
  readonly reapedRemembered: number;
  /** Keys whose last minted counter this node remembers. */
  readonly mintedKeys: number;
  readonly forwarded: number;
  /** Forwards that were not confirmed in time and were routed again. */
  readonly rerouted: number;
  readonly suspects: readonly string[];
  readonly inFlight: number;
}

/** What one node holds for a key: its own siblings and any it keeps as hints for others. */
export interface NodeKeyView {
  readonly siblings: Siblings | null;
  readonly hints: readonly { readonly owner: string; readonly siblings: Siblings }[];
}

export interface NodeStores {
  readonly data: KeyValueStore<Siblings>;
  readonly hints: KeyValueStore<Hint>;
  /** Where the hints' sequence numbers begin (default 1): past those of any earlier start of a durable node. */
  readonly firstHintSeq?: number;
}

export class DynamoNode implements StateMachine<NodeInput> {
  private readonly sink = new EffectSink();
  private readonly detector: FailureDetector;
  private readonly hints: HintStore;
  private readonly replica: Replica;
  private readonly hinted: HintedHandoff;
  private readonly handoff: MembershipHandoff;
  private readonly minter: DotMinter;
  private readonly reaper: TombstoneReaper;
  private readonly coordinator: Coordinator;
  private readonly router: RequestRouter;
  private readonly antiEntropy: AntiEntropy;
  private ring: Ring;
  /** Nodes out of the ring still handing off their keys: they vote on reaps too. */
  private draining: readonly string[];
  private nowMs = 0;
  private pingSeq = 0;

  constructor(
    readonly identity: NodeIdentity,
    private readonly tuning: EngineTuning,
    private readonly stores: NodeStores,
    membership: Membership,
    hash: RingHash,
  ) {
    const nodeId = identity.nodeId;
    const storedLimits = { maxActors: Math.max(tuning.storedContextMaxActors, tuning.clockPruneAt), maxGaps: tuning.storedContextMaxGaps };
    const ring = (): Ring => this.ring;
    const nowMs = (): number => this.nowMs;
    this.ring = Ring.of(membership.nodes, tuning.vnodes, hash);
    this.draining = membership.draining ?? [];
    this.detector = new FailureDetector(nowMs, tuning.suspectForMs);
    this.hints = new HintStore(stores.hints, storedLimits, stores.firstHintSeq);
    // Every change of the node's data, whoever makes it, reaches the anti-entropy trees.
    const data = new ObservedStore(stores.data, (key) => this.antiEntropy.changed(key));
    this.replica = new Replica({
      nodeId,
      storedLimits,
      data,
      hints: this.hints,
      ring,
      dataChanged: (key) => this.dataChanged(key),
      reaped: (key) => this.reaper.reapedCopy(key),
    });
    const storeData = (key: string, siblings: Siblings): void => this.replica.storeData(key, siblings);
    this.hinted = new HintedHandoff(this.hints, this.sink, tuning.hintBatchSize, storeData);
    this.handoff = new MembershipHandoff({ nodeId, n: tuning.n, data, hints: this.hints, sink: this.sink, ring, ringEpoch: membership.epoch, scanBatch: tuning.handoffScanBatch, window: tuning.handoffWindow, storeData });
    this.antiEntropy = new AntiEntropy({
      nodeId,
      tuning,
      sink: this.sink,
      hash,
      ring,
      epoch: () => this.handoff.ringEpoch,
      data: stores.data,
      storeData,
      suspected: (node) => this.detector.isSuspect(node),
    });
    this.minter = new DotMinter(identity.actorId, tuning.minterCapacity);
    this.reaper = new TombstoneReaper({
      nodeId,
      n: tuning.n,
      graceMs: tuning.tombstoneGraceMs,
      batch: tuning.reapBatchSize,
      roundTimeoutMs: tuning.requestTimeoutMs,
      data,
      hints: this.hints,
      sink: this.sink,
      ring,
      nowMs,
      storeData,
      voters: () => [...new Set([...this.ring.nodes, ...this.draining])],
      forgotten: (key) => this.minter.forget(key),
    });
    this.coordinator = new Coordinator({ tuning, sink: this.sink, detector: this.detector, ring, nowMs, local: this.replica });
    this.router = new RequestRouter({
      nodeId,
      tuning,
      sink: this.sink,
      detector: this.detector,
      coordinator: this.coordinator,
      ring,
      nowMs,
      mint: (key, context) => this.minter.mint(key, context, (actor) => highestCounter(this.replica.read(key).context, actor), this.nowMs),
    });
  }

  get nodeId(): string {
    return this.identity.nodeId;
  }

  /** Feeds one input in and returns what the host must do. */
  step(input: NodeInput): Effect[] {
    this.nowMs = input.nowMs;
    return this.sink.step(input.nowMs, this.handle, input);
  }

  /** One input's work (a field, not a method, so that every step passes the same function). */
  private readonly handle = (input: NodeInput): void => {
    switch (input.kind) {
      case 'start':
        this.reaper.ringChanged();
        this.antiEntropy.start(input.nowMs);
        this.scheduleMaintenance();
        break;
      case 'receive':
        this.receive(input.from, input.msg);
        break;
      case 'timer':
        this.sink.fire(input.timerId);
        break;
      case 'membership':
        this.changeMembership(input.membership);
        break;
      default:
        assertNever(input, 'node input');
    }
  };

  stats(): NodeStats {
    return {
      nodeId: this.nodeId,
      actorId: this.minter.actorId,
      ...this.coordinator.stats,
      ...this.antiEntropy.stats(this.nowMs),
      clockPrunes: this.coordinator.stats.clockPrunes + this.replica.contextPrunes + this.hints.contextPrunes,
      keys: this.stores.data.size,
      hintsPending: this.hints.size,
      hintsDelivered: this.hinted.delivered,
      handoffsPending: this.handoff.size,
      handedOff: this.handoff.handedOff,
      tombstonesReaped: this.reaper.reaped,
      reapedRemembered: this.reaper.remembered,
      mintedKeys: this.minter.size,
      forwarded: this.router.forwarded,
      rerouted: this.router.rerouted,
      suspects: this.detector.list(),
      inFlight: this.coordinator.inFlight,
    };
  }

  inspect(key: string): NodeKeyView {
    return {
      siblings: this.stores.data.get(key) ?? null,
      hints: this.hints.forKey(key).map((hint) => ({ owner: hint.owner, siblings: hint.siblings })),
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
        this.sink.send(from, { kind: 'replica.readReply', reqId: msg.reqId, siblings: this.replica.read(msg.key) });
        break;
      case 'replica.write':
        this.replica.write(msg.key, msg.siblings, msg.hintFor);
        this.sink.send(from, { kind: 'replica.writeAck', reqId: msg.reqId });
        break;
      case 'replica.repair':
        this.replica.storeData(msg.key, msg.siblings);
        break;
      case 'replica.readReply':
      case 'replica.writeAck':
        this.coordinator.receive(from, msg);
        break;
      case 'ping':
        this.sink.send(from, { kind: 'pong', seq: msg.seq });
        break;
      case 'pong':
        this.hinted.ownerIsUp(from);
        break;
      case 'hint.deliver':
        this.hinted.onDelivery(from, msg);
        break;
      case 'hint.ack':
        this.hinted.onAck(from, msg);
        break;
      case 'handoff':
        this.handoff.onHandoff(from, msg);
        break;
      case 'handoff.ack':
        this.handoff.onAck(from, msg);
        break;
      case 'reap.query':
        this.reaper.onQuery(from, msg);
        break;
      case 'reap.vote':
        this.reaper.onVote(from, msg);
        break;
      case 'reap.commit':
        this.reaper.onCommit(msg);
        break;
      case 'ae.compare':
      case 'ae.leaves':
      case 'ae.sync':
      case 'ae.done':
        this.antiEntropy.receive(from, msg, this.nowMs);
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

  private changeMembership(membership: Membership): void {
    // Control messages are ordered, but a stale ring must never replace a newer one.
    if (membership.epoch < this.handoff.ringEpoch) return;
    const next = this.ring.withMembers(membership.nodes);
    for (const node of this.ring.nodes) if (!next.has(node)) this.detector.forget(node);
    this.ring = next;
    this.draining = membership.draining ?? [];
    this.reaper.ringChanged();
    this.antiEntropy.ringChanged(this.nowMs);
    this.handoff.ringChanged(membership.epoch);
  }

  private scheduleMaintenance(): void {
    this.sink.setTimer(this.tuning.maintenanceIntervalMs, () => {
      this.maintain();
      this.scheduleMaintenance();
    });
  }

  /** Probes suspects and hint owners (a pong triggers delivery), resends handoffs, reaps tombstones, runs anti-entropy. */
  private maintain(): void {
    const probe = new Set([...this.detector.list(), ...this.hinted.ownersWaiting()]);
    for (const node of probe) {
      if (node !== this.nodeId && this.ring.has(node)) this.sink.send(node, { kind: 'ping', seq: ++this.pingSeq });
    }
    this.handoff.resend(this.tuning.handoffBatchSize);
    this.reaper.tick();
    this.antiEntropy.tick(this.nowMs);
  }

  /** After a key's data changed: who owns it now, and is it a tombstone to reap later? */
  private dataChanged(key: string): void {
    this.handoff.check(key);
    this.reaper.noteChanged(key);
  }
}
