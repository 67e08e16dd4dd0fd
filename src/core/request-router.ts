/**
 * Node coordination (paper §4.5): a client request may reach any node. A node that is one of
 * the key's N primaries coordinates it; any other forwards it to the first primary it does
 * not suspect, at most `maxHops` times, and waits for that node to confirm. A forward that is
 * not confirmed in time suspects its target and routes the request again with what is left of
 * its time budget, so a request sent into a dead node is not lost.
 *
 * Routing again may coordinate a put twice (the first target may have taken it after all and
 * only its confirmation was late). That must not make two versions of one write: the first
 * node a put reaches mints its dot, and every coordinator of that request writes that dot, so
 * the copies are one version wherever they meet. The network may also deliver one put twice
 * (a duplicated message): the node remembers the dots it minted per request, so the copy gets
 * the same dot and is one version too.
 */
import type { Dot, CausalContext } from '../protocol/data.js';
import type { ClientGet, ClientPut, ForwardAck } from '../protocol/messages.js';
import { invariant } from './assert.js';
import { coordinatorBudgetMs, type EngineTuning } from './config.js';
import type { Coordinator } from './coordinator.js';
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import type { Ring } from './ring.js';

export interface RouterDeps {
  readonly nodeId: string;
  readonly tuning: EngineTuning;
  readonly sink: EffectSink;
  readonly detector: FailureDetector;
  readonly coordinator: Coordinator;
  readonly ring: () => Ring;
  readonly nowMs: () => number;
  /** Mints this node's next dot for a write of `key` over `context`. */
  readonly mint: (key: string, context: CausalContext) => Dot;
}

/**
 * Put requests of one client whose minted dot a node remembers, at least (twice this at
 * most). Copies of one message arrive close together; the bound only keeps the memory finite,
 * far above the puts one client sends a node within a request's time.
 */
const MINTED_REQUESTS_REMEMBERED = 2048;
/** Clients whose minted dots a node remembers; past it, the one heard from least recently goes. */
const MINTING_CLIENTS_REMEMBERED = 64;

/**
 * One client's recent put requests, by request id: the current generation and the one before.
 * Two generations rather than one Map that deletes its oldest entry: a Map churned that way
 * keeps its dead tables and their values alive until a full collection once it reaches the
 * old generation (see id-map.ts). Keyed by the request id, a number, because a string key
 * made per request (client and id) cost more to hash than the rest of the routing.
 */
interface MintedDots {
  current: Map<number, Dot>;
  before: Map<number, Dot>;
  /** The router's count of minted puts when this client was last heard (for eviction). */
  heardAt: number;
  /**
   * The highest request id this client's puts had here. A client numbers its requests in
   * increasing order, so a put above it is new and needs no lookup; only one at or below it
   * (a duplicate, a request routed again, or one overtaken on the way) is looked up.
   */
  highestReqId: number;
}

export class RequestRouter {
  /** Forwarded requests not yet confirmed by their new coordinator: id -> timer. */
  private readonly forwards = new Map<string, number>();
  /** The dot minted for each recent put request, per client, for duplicates of it. */
  private readonly minted = new Map<string, MintedDots>();
  private putsSeen = 0;
  forwarded = 0;
  rerouted = 0;

  constructor(private readonly deps: RouterDeps) {}

  /** A client request arrived from `from` (the client, or a forwarding node). */
  receive(from: string, msg: ClientGet | ClientPut): void {
    this.route(msg);
    // After the request's own messages: they are on its critical path, the ack is not.
    if (msg.hops > 0) this.deps.sink.send(from, { kind: 'forward.ack', reqId: msg.reqId, replyTo: msg.replyTo });
  }

  /** The node a request was forwarded to has taken it. */
  confirmed(msg: ForwardAck): void {
    const id = forwardId(msg);
    const timer = this.forwards.get(id);
    if (timer === undefined) return;
    this.deps.sink.cancelTimer(timer);
    this.forwards.delete(id);
  }

  private route(request: ClientGet | ClientPut): void {
    const { tuning, sink } = this.deps;
    const quorum = request.kind === 'client.get' ? request.r : request.w;
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > tuning.n) {
      const name = request.kind === 'client.get' ? 'R' : 'W';
      const message = `${name}=${quorum} must be an integer from 1 to N=${tuning.n}`;
      sink.send(request.replyTo, { kind: 'reply.error', reqId: request.reqId, code: 'INVALID_ARGUMENT', message });
      return;
    }
    const msg = request.kind === 'client.put' && request.dot === undefined ? minted(request, this.dotFor(request)) : request;
    const primaries = this.deps.ring().preferenceList(msg.key, tuning.n);
    if (!primaries.includes(this.deps.nodeId) && msg.hops < tuning.maxHops) {
      const healthy = primaries.find((node) => !this.deps.detector.isSuspect(node));
      if (healthy !== undefined) {
        this.forward(msg, healthy);
        return;
      }
    }
    this.coordinate(msg);
  }

  /** The dot of a put that arrived unminted: the one minted for it before if it is a duplicate. */
  private dotFor(request: ClientPut): Dot {
    let dots = this.minted.get(request.replyTo);
    if (dots === undefined) {
      if (this.minted.size >= MINTING_CLIENTS_REMEMBERED) this.forgetQuietestClient();
      dots = { current: new Map(), before: new Map(), heardAt: 0, highestReqId: -1 };
      this.minted.set(request.replyTo, dots);
    }
    dots.heardAt = ++this.putsSeen;
    if (request.reqId > dots.highestReqId) dots.highestReqId = request.reqId;
    else {
      const known = dots.current.get(request.reqId) ?? dots.before.get(request.reqId);
      if (known !== undefined) return known;
    }
    const dot = this.deps.mint(request.key, request.context);
    if (dots.current.size >= MINTED_REQUESTS_REMEMBERED) {
      dots.before = dots.current;
      dots.current = new Map();
    }
    dots.current.set(request.reqId, dot);
    return dot;
  }

  /** Drops the minted dots of the client heard from least recently (a scan: clients are few). */
  private forgetQuietestClient(): void {
    let quietest: string | undefined;
    let heardAt = Number.POSITIVE_INFINITY;
    for (const [client, dots] of this.minted) {
      if (dots.heardAt < heardAt) {
        heardAt = dots.heardAt;
        quietest = client;
      }
    }
    if (quietest !== undefined) this.minted.delete(quietest);
  }

  private forward(msg: ClientGet | ClientPut, target: string): void {
    const { tuning, sink, detector, nowMs } = this.deps;
    this.forwarded++;
    const id = forwardId(msg);
    const sentAtMs = nowMs();
    const waitMs = Math.max(1, Math.min(tuning.replicaTimeoutMs, Math.floor(msg.timeoutMs / 3)));
    this.forwards.set(
      id,
      sink.setTimer(waitMs, () => {
        this.forwards.delete(id);
        detector.suspect(target, nowMs());
        const remainingMs = Math.floor(msg.timeoutMs - (nowMs() - sentAtMs));
        // With no time left the client is already giving up with TIMEOUT.
        if (remainingMs <= 1) return;
        this.rerouted++;
        this.route({ ...msg, timeoutMs: remainingMs });
      }),
    );
    sink.send(target, { ...msg, hops: msg.hops + 1 });
  }

  private coordinate(msg: ClientGet | ClientPut): void {
    const { sink, coordinator } = this.deps;
    const timeoutMs = coordinatorBudgetMs(msg.timeoutMs);
    const { reqId, replyTo } = msg;
    if (msg.kind === 'client.get') {
      coordinator.get({ key: msg.key, r: msg.r, timeoutMs }, (outcome) => {
        sink.send(
          replyTo,
          outcome.ok
            ? { kind: 'reply.get', reqId, versions: outcome.versions, context: outcome.context, repliedBy: outcome.repliedBy }
            : { kind: 'reply.error', reqId, code: outcome.code, message: outcome.message },
        );
      });
      return;
    }
    invariant(msg.dot !== undefined, 'a put is minted before it is coordinated');
    const spec = { key: msg.key, value: msg.value, deleted: msg.deleted, context: msg.context, dot: msg.dot, w: msg.w, timeoutMs };
    coordinator.put(spec, (outcome) => {
      sink.send(
        replyTo,
        outcome.ok
          ? { kind: 'reply.put', reqId, context: outcome.context, ackedBy: outcome.ackedBy }
          : { kind: 'reply.error', reqId, code: outcome.code, message: outcome.message },
      );
    });
  }
}

/** The put with its dot, built as a literal: one shape, unlike a spread of whatever arrived. */
function minted(put: ClientPut, dot: Dot): ClientPut {
  return {
    kind: 'client.put',
    reqId: put.reqId,
    key: put.key,
    value: put.value,
    deleted: put.deleted,
    context: put.context,
    w: put.w,
    timeoutMs: put.timeoutMs,
    hops: put.hops,
    replyTo: put.replyTo,
    dot,
  };
}

function forwardId(msg: { readonly replyTo: string; readonly reqId: number }): string {
  return `${msg.replyTo}/${msg.reqId}`;
}
