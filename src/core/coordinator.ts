/**
 * The request coordinator (paper §4.5, §5): one small state machine per get or put
 * (get-request.ts, put-request.ts), found by request id when a replica answers. It runs in a
 * node (node coordination) or in the client (client coordination, §6.4); `local` is the
 * node's own replica, null in the client.
 */
import type { ReplicaReadReply, ReplicaWriteAck } from '../protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import type { EngineTuning } from './config.js';
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import { startGet, type GetSpec } from './get-request.js';
import { IdMap } from './id-map.js';
import { startPut, type PutSpec } from './put-request.js';
import type { CoordinatorStats, LocalReplica, PendingRequest, RequestEnv } from './request-env.js';
import type { Ring } from './ring.js';

export type { CoordinatorStats, LocalReplica } from './request-env.js';

export interface CoordinatorDeps {
  readonly tuning: EngineTuning;
  readonly sink: EffectSink;
  readonly detector: FailureDetector;
  readonly ring: () => Ring;
  readonly nowMs: () => number;
  readonly local: LocalReplica | null;
}

/** Holds a request's place while it starts: replicas cannot answer before its messages leave. */
const STARTING: PendingRequest = Object.freeze({ onReadReply: () => undefined, onWriteAck: () => undefined });

export class Coordinator {
  readonly stats: CoordinatorStats = { gets: 0, puts: 0, quorumFailures: 0, readRepairs: 0, clockPrunes: 0, siblingReads: 0 };
  private readonly pending = new IdMap<PendingRequest>();
  private nextReqId = 1;
  private readonly env: RequestEnv;

  constructor(deps: CoordinatorDeps) {
    this.env = {
      tuning: deps.tuning,
      sink: deps.sink,
      detector: deps.detector,
      ring: deps.ring,
      nowMs: deps.nowMs,
      local: deps.local,
      stats: this.stats,
      clientLimits: { maxActors: deps.tuning.clockPruneAt, maxGaps: deps.tuning.contextMaxGaps },
      finished: (reqId) => {
        this.pending.delete(reqId);
      },
    };
  }

  /** Requests in flight (answered or not). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Routes a replica's answer to its request; one for a request that is over is dropped. */
  receive(from: string, msg: ReplicaReadReply | ReplicaWriteAck): void {
    const request = this.pending.get(msg.reqId);
    if (!request) return;
    if (msg.kind === 'replica.readReply') request.onReadReply(from, msg);
    else request.onWriteAck(from, msg);
  }

  /** Coordinates a write of an already minted version (see put-request.ts). */
  put(spec: PutSpec, done: (outcome: PutOutcome) => void): void {
    this.stats.puts++;
    const reqId = this.begin();
    this.track(reqId, startPut(this.env, reqId, spec, done));
  }

  /** Coordinates a read (see get-request.ts). */
  get(spec: GetSpec, done: (outcome: GetOutcome) => void): void {
    this.stats.gets++;
    const reqId = this.begin();
    this.track(reqId, startGet(this.env, reqId, spec, done));
  }

  /**
   * A new request's id, held by a placeholder while the request starts: a request can end
   * while it starts (every replica local, or none left to ask), and whatever its answer
   * sets off meanwhile (another request, which may end at once too) must not confuse which
   * ones are still pending.
   */
  private begin(): number {
    const reqId = this.nextReqId++;
    this.pending.set(reqId, STARTING);
    return reqId;
  }

  /** Tracks a request that has started, unless it already ended. */
  private track(reqId: number, request: PendingRequest): void {
    if (this.pending.has(reqId)) this.pending.set(reqId, request);
  }
}
