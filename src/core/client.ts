/**
 * The client side of the protocol as a pure state machine, in both coordination modes of
 * paper §6.4:
 * - `node`: the request goes to a node, which coordinates it or forwards it to a node of the
 *   key's preference list; the client only waits for the answer (with a deadline). The client
 *   knows the ring, so it sends to one of the key's primaries itself (a partition-aware
 *   client library, §4.5), and a node forwards only when the client's ring is stale or every
 *   primary is suspected.
 * - `client`: the client knows the ring and coordinates the request itself, talking to the
 *   replicas directly, which saves the hop to a coordinator. It mints the versions of its
 *   writes as its own actor (minting.ts).
 * A local caller's request comes in as an input and its answer goes out as a `settle` effect.
 */
import type { CausalContext } from '../protocol/data.js';
import type { ClientGet, ClientPut, ClientReply, Message } from '../protocol/messages.js';
import { failure, type GetOutcome, type PutOutcome } from '../protocol/outcomes.js';
import { assertNever } from './assert.js';
import type { EngineTuning } from './config.js';
import { Coordinator, type CoordinatorStats } from './coordinator.js';
import { EffectSink, type Effect, type HostInput, type StateMachine } from './effects.js';
import { FailureDetector } from './failure-detector.js';
import type { GetSpec } from './get-request.js';
import { IdMap } from './id-map.js';
import { DotMinter } from './minting.js';
import type { PutSpec } from './put-request.js';
import { Ring, type RingHash } from './ring.js';

export type CoordinationMode = 'node' | 'client';

/** A write as a caller asks for it: the version gets its dot from whoever coordinates. */
export type WriteSpec = Omit<PutSpec, 'dot'>;

export type ClientInput =
  | HostInput
  | { readonly kind: 'get'; readonly requestId: number; readonly spec: GetSpec; readonly nowMs: number }
  | { readonly kind: 'put'; readonly requestId: number; readonly spec: WriteSpec; readonly nowMs: number }
  | { readonly kind: 'membership'; readonly nodes: readonly string[]; readonly nowMs: number }
  /** Nodes the host can deliver to now (node coordination sends requests only to these). */
  | { readonly kind: 'reachable'; readonly nodes: readonly string[]; readonly nowMs: number };

export interface ClientStats extends CoordinatorStats {
  /** Requests a coordinator did not answer in time (node coordination). */
  readonly timeouts: number;
  /** Replies of the wrong kind for their request, dropped (a bug elsewhere if ever seen). */
  readonly mismatchedReplies: number;
  readonly suspects: readonly string[];
  /** Keys whose last minted counter the client remembers (client coordination). */
  readonly mintedKeys: number;
}

/** A node-coordinated request waiting for its reply. */
interface Waiting {
  readonly requestId: number;
  readonly op: 'get' | 'put';
  readonly timerId: number;
}

export class ClientCore implements StateMachine<ClientInput> {
  private readonly sink = new EffectSink();
  private readonly detector: FailureDetector;
  private readonly coordinator: Coordinator;
  private readonly waiting = new IdMap<Waiting>();
  private readonly minter: DotMinter;
  private ring: Ring;
  private reachable: readonly string[];
  private reachableSet: ReadonlySet<string>;
  private nextNode = 0;
  private nextReqId = 1;
  private nowMs = 0;
  private lastProbeMs = Number.NEGATIVE_INFINITY;
  private pingSeq = 0;
  private timeouts = 0;
  private mismatchedReplies = 0;

  constructor(
    /** This client's endpoint id; in `client` mode also the actor of the dots it mints. */
    readonly clientId: string,
    readonly mode: CoordinationMode,
    private readonly tuning: EngineTuning,
    members: readonly string[],
    hash: RingHash,
  ) {
    this.ring = Ring.of(members, tuning.vnodes, hash);
    this.detector = new FailureDetector(() => this.nowMs, tuning.suspectForMs);
    this.reachable = [...members];
    this.reachableSet = new Set(members);
    this.minter = new DotMinter(clientId, tuning.minterCapacity);
    this.coordinator = new Coordinator({ tuning, sink: this.sink, detector: this.detector, ring: () => this.ring, nowMs: () => this.nowMs, local: null });
  }

  get stats(): ClientStats {
    return { ...this.coordinator.stats, timeouts: this.timeouts, mismatchedReplies: this.mismatchedReplies, suspects: this.detector.list(), mintedKeys: this.minter.size };
  }

  step(input: ClientInput): Effect[] {
    this.nowMs = input.nowMs;
    return this.sink.step(input.nowMs, this.handle, input);
  }

  /** One input's work (a field, not a method, so that every step passes the same function). */
  private readonly handle = (input: ClientInput): void => {
    switch (input.kind) {
      case 'receive':
        this.receive(input.from, input.msg);
        break;
      case 'timer':
        this.sink.fire(input.timerId);
        break;
      case 'get':
        this.get(input.requestId, input.spec);
        break;
      case 'put':
        this.put(input.requestId, input.spec);
        break;
      case 'membership':
        this.ring = this.ring.withMembers(input.nodes);
        break;
      case 'reachable':
        this.reachable = [...input.nodes];
        this.reachableSet = new Set(input.nodes);
        break;
      default:
        assertNever(input, 'client input');
    }
  };

  private receive(from: string, msg: Message): void {
    this.detector.heardFrom(from);
    switch (msg.kind) {
      case 'reply.get':
      case 'reply.put':
      case 'reply.error':
        this.onReply(msg);
        return;
      case 'replica.readReply':
      case 'replica.writeAck':
        this.coordinator.receive(from, msg);
        return;
      default:
        // Anything else (a pong, a stray message) only told us the sender is alive.
        return;
    }
  }

  private get(requestId: number, spec: GetSpec): void {
    if (this.mode === 'client') {
      this.probeSuspects();
      this.coordinator.get(spec, (outcome) => {
        // Nothing anywhere it read (never written, or reaped): the minter may let the key go;
        // forgetting never reuses a counter (minting.ts), so a wrong guess costs only a gap.
        if (outcome.ok && outcome.versions.length === 0 && outcome.context.clock.length === 0) this.minter.forget(spec.key);
        this.sink.settle(requestId, outcome);
      });
      return;
    }
    const reqId = this.nextReqId++;
    const msg: ClientGet = { kind: 'client.get', reqId, key: spec.key, r: spec.r, timeoutMs: spec.timeoutMs, hops: 0, replyTo: this.clientId };
    this.viaNode(requestId, 'get', msg, this.coordinatorFor(spec.key, undefined));
  }

  private put(requestId: number, spec: WriteSpec): void {
    if (this.mode === 'client') {
      this.probeSuspects();
      const dot = this.minter.mint(spec.key, spec.context, NOTHING_SEEN, this.nowMs);
      const minted = { key: spec.key, value: spec.value, deleted: spec.deleted, context: spec.context, dot, w: spec.w, timeoutMs: spec.timeoutMs };
      this.coordinator.put(minted, (outcome) => this.sink.settle(requestId, outcome));
      return;
    }
    const reqId = this.nextReqId++;
    // Literals of every field, not spreads of the spec: a spread copies through V8's generic path.
    const msg: ClientPut = { kind: 'client.put', reqId, key: spec.key, value: spec.value, deleted: spec.deleted, context: spec.context, w: spec.w, timeoutMs: spec.timeoutMs, hops: 0, replyTo: this.clientId };
    this.viaNode(requestId, 'put', msg, this.coordinatorFor(spec.key, spec.context.readFrom));
  }

  /**
   * Node mode: send to `node` (see coordinatorFor) and wait at most the request's time.
   * A coordinator that lets a request time out is suspected (§4.8): until it is heard from
   * again, or the suspicion lapses, requests go elsewhere, so a caller that tries again after
   * a TIMEOUT reaches a live node.
   */
  private viaNode(requestId: number, op: 'get' | 'put', msg: ClientGet | ClientPut, node: string | undefined): void {
    if (node === undefined) {
      this.sink.settle(requestId, failure('TIMEOUT', 'no node is running to take the request'));
      return;
    }
    const timerId = this.sink.setTimer(msg.timeoutMs, () => {
      this.waiting.delete(msg.reqId);
      this.timeouts++;
      this.detector.suspect(node, this.nowMs);
      this.sink.settle(requestId, failure('TIMEOUT', `no answer from coordinator ${node} within ${msg.timeoutMs} ms`));
    });
    this.waiting.set(msg.reqId, { requestId, op, timerId });
    this.sink.send(node, msg);
  }

  private onReply(reply: ClientReply): void {
    const waiting = this.waiting.get(reply.reqId);
    if (!waiting) return;
    const outcome = outcomeOf(waiting.op, reply);
    if (outcome === null) {
      this.mismatchedReplies++;
      return;
    }
    this.waiting.delete(reply.reqId);
    this.sink.cancelTimer(waiting.timerId);
    this.sink.settle(waiting.requestId, outcome);
  }

  private usable(node: string | undefined): node is string {
    return node !== undefined && this.reachableSet.has(node) && !this.detector.isSuspect(node);
  }

  /**
   * The node to send a request for `key` to, of those reachable and not suspected: the one a
   * write's context was read from (`readFrom`, §5), else the key's first primary in the
   * client's ring, which coordinates without a forward, else the next node in turn.
   */
  private coordinatorFor(key: string, readFrom: string | undefined): string | undefined {
    if (this.usable(readFrom)) return readFrom;
    for (const node of this.ring.preferenceList(key, this.tuning.n)) if (this.usable(node)) return node;
    return this.pickNode();
  }

  /** The next reachable node in turn that is not suspected; when all are, the next in turn. */
  private pickNode(): string | undefined {
    const count = this.reachable.length;
    if (count === 0) return undefined;
    const start = this.nextNode % count;
    for (let i = 0; i < count; i++) {
      const node = this.reachable[(start + i) % count] as string;
      if (!this.detector.isSuspect(node)) {
        this.nextNode = (start + i + 1) % count;
        return node;
      }
    }
    this.nextNode = (start + 1) % count;
    return this.reachable[start];
  }

  /** Client mode has no background timer: suspects are probed again as requests come. */
  private probeSuspects(): void {
    // Every request asks: the time first, and the list (a sorted copy) only when a probe is due.
    if (!this.detector.anySuspected || this.nowMs - this.lastProbeMs < this.tuning.maintenanceIntervalMs) return;
    const suspects = this.detector.list();
    if (suspects.length === 0) return;
    this.lastProbeMs = this.nowMs;
    for (const node of suspects) this.sink.send(node, { kind: 'ping', seq: ++this.pingSeq });
  }
}

/** A client holds no data: nothing it stores has counters of its own actor. */
const NOTHING_SEEN = (): number => 0;

/** The outcome a reply carries for a request of kind `op`; null for a reply of the wrong kind. */
function outcomeOf(op: 'get' | 'put', reply: ClientReply): GetOutcome | PutOutcome | null {
  switch (reply.kind) {
    case 'reply.error':
      return failure(reply.code, reply.message);
    case 'reply.get':
      return op === 'get' ? { ok: true, versions: reply.versions, context: routed(reply.context, reply.repliedBy), repliedBy: reply.repliedBy } : null;
    case 'reply.put':
      return op === 'put' ? { ok: true, context: routed(reply.context, reply.ackedBy), ackedBy: reply.ackedBy } : null;
    default:
      return assertNever(reply, 'client reply');
  }
}

/** The context with the node to send the next write to (the fastest answer: the coordinator, §5). */
function routed(context: CausalContext, answeredBy: readonly string[]): CausalContext {
  const readFrom = answeredBy[0];
  // A literal, not a spread: a context has only these two fields, and this runs on every reply.
  return readFrom === undefined ? context : { clock: context.clock, readFrom };
}
