/**
 * The request coordinator (paper §4.5, §5): one small state machine per get or put.
 *
 * A put mints a new version from the caller's context, writes it to the N highest-ranked
 * reachable replicas and answers at W acknowledgements, then keeps going until N replicas
 * hold it (a silent replica is replaced by a fallback carrying a hint). A get asks N
 * replicas, answers at R with every concurrent version, then waits a short window for
 * stragglers and repairs the replicas that were behind. Both end with a typed failure when
 * the quorum cannot be had within the request's time.
 */
import { pruneContext, withDot, type CausalContext, type Dot } from './causal-context.js';
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import { Fanout } from './fanout.js';
import { quorumState } from './quorum.js';
import type { Ring } from './ring.js';
import type { Target } from './targets.js';
import { contextOf, includesAll, mergeSiblings, type Siblings, type Version } from './versions.js';
import type { ReplicaReadReply, ReplicaWriteAck } from '../protocol/messages.js';

export interface CoordinatorConfig {
  readonly n: number;
  /** How long one replica may take before it is suspected and replaced. */
  readonly replicaTimeoutMs: number;
  /** How long a get waits for stragglers after answering, before read repair. */
  readonly readRepairWindowMs: number;
  /** Contexts are pruned past this many actors (§4.4). */
  readonly clockPruneAt: number;
}

/** The coordinator's own node, when it is one (in client coordination mode it is not). */
export interface LocalReplica {
  readonly nodeId: string;
  read(key: string): Siblings;
  write(key: string, siblings: Siblings, hintFor: string | null): void;
  repair(key: string, siblings: Siblings): void;
}

export interface CoordinatorStats {
  gets: number;
  puts: number;
  quorumFailures: number;
  readRepairs: number;
  clockPrunes: number;
  siblingReads: number;
}

export type GetOutcome =
  | { readonly ok: true; readonly siblings: Siblings; readonly context: CausalContext; readonly repliedBy: readonly string[] }
  | { readonly ok: false; readonly message: string };

export type PutOutcome =
  | { readonly ok: true; readonly context: CausalContext; readonly ackedBy: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface PutRequestSpec {
  readonly key: string;
  readonly value: unknown;
  readonly deleted: boolean;
  readonly context: CausalContext;
  readonly w: number;
  readonly timeoutMs: number;
}

export interface GetRequestSpec {
  readonly key: string;
  readonly r: number;
  readonly timeoutMs: number;
}

interface Collaborators {
  /**
   * The dot of a new version of `key` written over `context`: the minting actor and the next
   * counter that actor has for the key. The host guarantees an actor never mints the same
   * dot twice (a node from what it stores, the client from its counters; see their notes).
   */
  readonly mintDot: (key: string, context: CausalContext) => Dot;
  readonly sink: EffectSink;
  readonly detector: FailureDetector;
  readonly ring: () => Ring;
  readonly nowMs: () => number;
  readonly local: LocalReplica | null;
}

interface Pending {
  onReadReply(from: string, msg: ReplicaReadReply): void;
  onWriteAck(from: string, msg: ReplicaWriteAck): void;
}

export class Coordinator {
  readonly stats: CoordinatorStats = { gets: 0, puts: 0, quorumFailures: 0, readRepairs: 0, clockPrunes: 0, siblingReads: 0 };
  private readonly pending = new Map<number, Pending>();
  private nextReqId = 1;

  constructor(
    private readonly config: CoordinatorConfig,
    private readonly deps: Collaborators,
  ) {}

  /** Requests in flight (answered or not). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Routes a replica's answer to its request; false when no request waits for it. */
  receive(from: string, msg: ReplicaReadReply | ReplicaWriteAck): boolean {
    const request = this.pending.get(msg.reqId);
    if (!request) return false;
    if (msg.kind === 'replica.readReply') request.onReadReply(from, msg);
    else request.onWriteAck(from, msg);
    return true;
  }

  /**
   * Coordinates a write: mints the new version from the caller's context, sends it to the N
   * highest-ranked reachable replicas, answers at W acknowledgements, and keeps replacing
   * silent replicas until N copies exist.
   */
  put(spec: PutRequestSpec, done: (outcome: PutOutcome) => void): void {
    const { deps, config } = this;
    const local = deps.local;
    this.stats.puts++;
    const reqId = this.nextReqId++;
    // The stored version keeps only causality: the routing hint of the context stays out.
    const { context, prunedEntries } = pruneContext({ clock: spec.context.clock, dots: spec.context.dots }, config.clockPruneAt);
    this.stats.clockPrunes += prunedEntries;
    const version: Version = { value: spec.value, deleted: spec.deleted, dot: deps.mintDot(spec.key, spec.context), context };
    const siblings: Siblings = [version];
    const replyContext = withDot(context, version.dot);
    const acked: string[] = [];
    const quorumMs = spec.timeoutMs;
    let answered = false;

    const answer = (outcome: PutOutcome): void => {
      if (answered) return;
      answered = true;
      deps.sink.cancelTimer(deadline);
      if (!outcome.ok) this.stats.quorumFailures++;
      done(outcome);
    };
    const ack = (node: string): void => fanout.answered(node, () => acked.push(node));
    const fanout = new Fanout(deps.ring().preferenceList(spec.key), config.n, this.attemptTimeout(quorumMs), deps.sink, deps.detector, deps.nowMs, {
      dispatch: (target: Target) => {
        if (local && target.node === local.nodeId) {
          local.write(spec.key, siblings, target.hintFor);
          ack(target.node);
        } else {
          deps.sink.send(target.node, { kind: 'replica.write', reqId, key: spec.key, siblings, hintFor: target.hintFor });
        }
      },
      changed: () => {
        const state = quorumState(acked.length, spec.w, fanout.waiting + fanout.untried);
        if (state === 'won') answer({ ok: true, context: replyContext, ackedBy: [...acked] });
        else if (state === 'lost') answer({ ok: false, message: putFailure(acked.length, spec.w) });
        // The put keeps replacing silent replicas after answering, until N copies exist.
        if (acked.length >= config.n || fanout.waiting === 0) finish();
      },
    });
    const deadline = deps.sink.setTimer(quorumMs, () => answer({ ok: false, message: putFailure(acked.length, spec.w, quorumMs) }));
    const finish = (): void => {
      if (!this.pending.delete(reqId)) return;
      fanout.close();
      if (!answered) answer({ ok: false, message: putFailure(acked.length, spec.w) });
    };
    this.pending.set(reqId, {
      onReadReply: () => undefined,
      onWriteAck: (from) => ack(from),
    });
    // A node keeps every version it mints, so its next dot for the key is above it even when
    // it is not one of the replicas (all primaries suspected): then as a hint.
    if (local && !fanout.targets(local.nodeId)) local.write(spec.key, siblings, fanout.firstPrimary ?? local.nodeId);
    fanout.start();
  }

  get(spec: GetRequestSpec, done: (outcome: GetOutcome) => void): void {
    this.stats.gets++;
    const { deps, config } = this;
    const reqId = this.nextReqId++;
    const replies = new Map<string, Siblings>();
    let merged: Siblings = [];
    let answered = false;
    let repairTimer = 0;

    const answer = (outcome: GetOutcome): void => {
      if (answered) return;
      answered = true;
      deps.sink.cancelTimer(deadline);
      if (!outcome.ok) this.stats.quorumFailures++;
      else if (outcome.siblings.length > 1) this.stats.siblingReads++;
      done(outcome);
    };
    const reply = (node: string, siblings: Siblings): void =>
      fanout.answered(node, () => {
        replies.set(node, siblings);
        merged = mergeSiblings(merged, siblings);
      });
    const fanout = new Fanout(deps.ring().preferenceList(spec.key), config.n, this.attemptTimeout(spec.timeoutMs), deps.sink, deps.detector, deps.nowMs, {
      dispatch: (target: Target) => {
        if (target.node === deps.local?.nodeId) reply(target.node, deps.local.read(spec.key));
        else deps.sink.send(target.node, { kind: 'replica.read', reqId, key: spec.key });
      },
      changed: () => {
        const state = quorumState(replies.size, spec.r, fanout.waiting + fanout.untried);
        if (state === 'won' && !answered) {
          answer({ ok: true, siblings: merged, context: contextOf(merged), repliedBy: [...replies.keys()] });
          repairTimer = deps.sink.setTimer(config.readRepairWindowMs, finish);
        } else if (state === 'lost') {
          answer({ ok: false, message: getFailure(replies.size, spec.r) });
        }
        if (fanout.waiting === 0) finish();
      },
    });
    const deadline = deps.sink.setTimer(spec.timeoutMs, () => {
      answer({ ok: false, message: getFailure(replies.size, spec.r, spec.timeoutMs) });
      finish();
    });
    const finish = (): void => {
      if (!this.pending.delete(reqId)) return;
      fanout.close();
      deps.sink.cancelTimer(repairTimer);
      deps.sink.cancelTimer(deadline);
      if (!answered) answer({ ok: false, message: getFailure(replies.size, spec.r) });
      this.repair(spec.key, merged, replies, fanout.primaryNodes);
    };
    this.pending.set(reqId, {
      onReadReply: (from, msg) => reply(from, msg.siblings),
      onWriteAck: () => undefined,
    });
    fanout.start();
  }

  /** Read repair (§5): the merged versions go to every primary that answered without them. */
  private repair(key: string, merged: Siblings, replies: ReadonlyMap<string, Siblings>, primaries: ReadonlySet<string>): void {
    if (merged.length === 0) return;
    for (const [node, siblings] of replies) {
      if (!primaries.has(node) || includesAll(siblings, merged)) continue;
      this.stats.readRepairs++;
      if (node === this.deps.local?.nodeId) this.deps.local.repair(key, merged);
      else this.deps.sink.send(node, { kind: 'replica.repair', key, siblings: merged });
    }
  }

  /** One replica gets at most half the request's time, so a replacement can still answer. */
  private attemptTimeout(requestTimeoutMs: number): number {
    return Math.max(1, Math.min(this.config.replicaTimeoutMs, Math.floor(requestTimeoutMs / 2)));
  }
}

function putFailure(acks: number, w: number, afterMs?: number): string {
  const when = afterMs === undefined ? 'no more replicas to try' : `timed out after ${afterMs} ms`;
  return `put reached ${acks} of W=${w} acknowledgements (${when})`;
}

function getFailure(replies: number, r: number, afterMs?: number): string {
  const when = afterMs === undefined ? 'no more replicas to try' : `timed out after ${afterMs} ms`;
  return `get reached ${replies} of R=${r} replies (${when})`;
}
