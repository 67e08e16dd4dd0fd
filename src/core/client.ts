/**
 * The client side of the protocol as a pure state machine, in both coordination modes of
 * paper §6.4:
 * - `node`: the request goes to any node, which coordinates it or forwards it to a node of
 *   the key's preference list; the client only waits for the answer (with a deadline).
 * - `client`: the client knows the ring and coordinates the request itself, talking to the
 *   replicas directly, which saves the hop to a coordinator. It mints the versions of its
 *   writes as its own actor (see client-minter.ts).
 */
import type { CausalContext } from './causal-context.js';
import type { EngineTuning } from './config.js';
import { ClientMinter } from './client-minter.js';
import { Coordinator, type CoordinatorStats, type GetOutcome, type GetRequestSpec, type PutOutcome, type PutRequestSpec } from './coordinator.js';
import { EffectSink, type Effect } from './effects.js';
import { FailureDetector } from './failure-detector.js';
import { Ring } from './ring.js';
import type { Siblings } from './versions.js';
import type { ClientReply, Message } from '../protocol/messages.js';

export type CoordinationMode = 'node' | 'client';

export type ClientErrorCode = 'QUORUM_FAILED' | 'TIMEOUT' | 'INVALID_ARGUMENT';

export type ClientGetOutcome =
  | { readonly ok: true; readonly siblings: Siblings; readonly context: CausalContext; readonly repliedBy: readonly string[] }
  | { readonly ok: false; readonly code: ClientErrorCode; readonly message: string };

export type ClientPutOutcome =
  | { readonly ok: true; readonly context: CausalContext; readonly ackedBy: readonly string[] }
  | { readonly ok: false; readonly code: ClientErrorCode; readonly message: string };

/** What a client asks for: the same requests a coordinator serves. */
export type ClientGetSpec = GetRequestSpec;
export type ClientPutSpec = PutRequestSpec;

interface Waiting {
  readonly deliver: (reply: ClientReply) => void;
  readonly timerId: number;
}

export class ClientCore {
  private readonly sink = new EffectSink();
  private readonly detector: FailureDetector;
  private readonly coordinator: Coordinator;
  private readonly waiting = new Map<number, Waiting>();
  private readonly minter: ClientMinter;
  private ring: Ring;
  private reachable: string[];
  private nextNode = 0;
  private nextReqId = 1;
  private nowMs = 0;
  private lastProbeMs = Number.NEGATIVE_INFINITY;
  private pingSeq = 0;
  timeouts = 0;

  constructor(
    /** This client's endpoint id; in `client` mode also the actor of the dots it mints. */
    readonly clientId: string,
    readonly mode: CoordinationMode,
    private readonly tuning: EngineTuning,
    members: readonly string[],
  ) {
    this.ring = Ring.of(members, tuning.vnodes);
    this.detector = new FailureDetector(() => this.nowMs, tuning.suspectForMs);
    this.reachable = [...members];
    this.minter = new ClientMinter(clientId);
    this.coordinator = new Coordinator(tuning, {
      mintDot: (key, context) => this.minter.mint(key, context, this.nowMs),
      sink: this.sink,
      detector: this.detector,
      ring: () => this.ring,
      nowMs: () => this.nowMs,
      local: null,
    });
  }

  /** The effects produced since the last call. */
  drain(): Effect[] {
    return this.sink.drain();
  }

  get stats(): CoordinatorStats & { timeouts: number; suspects: readonly string[] } {
    return { ...this.coordinator.stats, timeouts: this.timeouts, suspects: this.detector.list() };
  }

  /** Nodes the host can currently deliver to (node mode sends requests only to these). */
  setReachable(nodes: readonly string[]): void {
    this.reachable = [...nodes];
  }

  membership(nodes: readonly string[], nowMs: number): void {
    this.nowMs = nowMs;
    this.ring = Ring.of(nodes, this.tuning.vnodes);
  }

  timer(timerId: number, nowMs: number): void {
    this.nowMs = nowMs;
    this.sink.fire(timerId);
  }

  receive(from: string, msg: Message, nowMs: number): void {
    this.nowMs = nowMs;
    this.detector.heardFrom(from);
    switch (msg.kind) {
      case 'reply.get':
      case 'reply.put':
      case 'reply.error': {
        const waiting = this.waiting.get(msg.reqId);
        if (!waiting) return;
        this.waiting.delete(msg.reqId);
        this.sink.cancelTimer(waiting.timerId);
        waiting.deliver(msg);
        return;
      }
      case 'replica.readReply':
      case 'replica.writeAck':
        this.coordinator.receive(from, msg);
        return;
      default:
        // Anything else (a pong, a stray message) only told us the sender is alive.
        return;
    }
  }

  get(spec: ClientGetSpec, nowMs: number, done: (outcome: ClientGetOutcome) => void): void {
    this.nowMs = nowMs;
    if (this.mode === 'client') {
      this.probeSuspects();
      this.coordinator.get(spec, (outcome: GetOutcome) =>
        done(outcome.ok ? outcome : quorumFailed(outcome.message)),
      );
      return;
    }
    const reqId = this.nextReqId++;
    const msg = { kind: 'client.get', reqId, key: spec.key, r: spec.r, timeoutMs: spec.timeoutMs, hops: 0, replyTo: this.clientId } as const;
    this.viaNode(reqId, spec.timeoutMs, msg, undefined, (reply) => {
      if (reply.kind === 'reply.get') done({ ok: true, siblings: reply.siblings, context: routed(reply.context, reply.repliedBy), repliedBy: reply.repliedBy });
      else if (reply.kind === 'reply.error') done({ ok: false, code: reply.code, message: reply.message });
      else done({ ok: false, code: 'INVALID_ARGUMENT', message: `unexpected ${reply.kind} for a get` });
    }, (message) => done({ ok: false, code: 'TIMEOUT', message }));
  }

  put(spec: ClientPutSpec, nowMs: number, done: (outcome: ClientPutOutcome) => void): void {
    this.nowMs = nowMs;
    if (this.mode === 'client') {
      this.probeSuspects();
      this.coordinator.put(spec, (outcome: PutOutcome) => done(outcome.ok ? outcome : quorumFailed(outcome.message)));
      return;
    }
    const reqId = this.nextReqId++;
    const msg = { kind: 'client.put', reqId, ...spec, hops: 0, replyTo: this.clientId } as const;
    this.viaNode(reqId, spec.timeoutMs, msg, spec.context.readFrom, (reply) => {
      if (reply.kind === 'reply.put') done({ ok: true, context: routed(reply.context, reply.ackedBy), ackedBy: reply.ackedBy });
      else if (reply.kind === 'reply.error') done({ ok: false, code: reply.code, message: reply.message });
      else done({ ok: false, code: 'INVALID_ARGUMENT', message: `unexpected ${reply.kind} for a put` });
    }, (message) => done({ ok: false, code: 'TIMEOUT', message }));
  }

  /**
   * Node mode: send to `preferred` when it is reachable (the node a context was read from),
   * else to the next reachable node in turn, and wait at most `timeoutMs`.
   */
  private viaNode(
    reqId: number,
    timeoutMs: number,
    msg: Message,
    preferred: string | undefined,
    deliver: (reply: ClientReply) => void,
    timedOut: (message: string) => void,
  ): void {
    const node = preferred !== undefined && this.reachable.includes(preferred) ? preferred : this.pickNode();
    if (node === undefined) {
      timedOut('no node is running to take the request');
      return;
    }
    const timerId = this.sink.setTimer(timeoutMs, () => {
      this.waiting.delete(reqId);
      this.timeouts++;
      timedOut(`no answer from coordinator ${node} within ${timeoutMs} ms`);
    });
    this.waiting.set(reqId, { deliver, timerId });
    this.sink.send(node, msg);
  }

  private pickNode(): string | undefined {
    if (this.reachable.length === 0) return undefined;
    const node = this.reachable[this.nextNode % this.reachable.length];
    this.nextNode = (this.nextNode + 1) % this.reachable.length;
    return node;
  }

  /** Client mode has no background timer: suspects are probed again as requests come. */
  private probeSuspects(): void {
    const suspects = this.detector.list();
    if (suspects.length === 0 || this.nowMs - this.lastProbeMs < this.tuning.maintenanceIntervalMs) return;
    this.lastProbeMs = this.nowMs;
    for (const node of suspects) this.sink.send(node, { kind: 'ping', seq: ++this.pingSeq });
  }
}

function quorumFailed(message: string): { ok: false; code: 'QUORUM_FAILED'; message: string } {
  return { ok: false, code: 'QUORUM_FAILED', message };
}

/** The context with the node to send the next write to (the fastest answer: the coordinator). */
function routed(context: CausalContext, answeredBy: readonly string[]): CausalContext {
  const readFrom = answeredBy[0];
  return readFrom === undefined ? context : { ...context, readFrom };
}
