/**
 * One put (paper §4.5): the new version goes to the N highest-ranked reachable replicas and
 * the put answers at W slots acknowledged, then keeps replacing silent replicas (a fallback
 * with a hint, §4.6) until every slot holds a copy or the preference list is exhausted. It
 * fails with QUORUM_FAILED when W slots cannot be had within its time.
 */
import type { CausalContext, Dot, Siblings } from '../protocol/data.js';
import { failure, type PutOutcome } from '../protocol/outcomes.js';
import { causalPart, compactContext } from './causal-context.js';
import { attemptTimeoutMs, dueFirst, quorumMessage, type PendingRequest, type RequestEnv } from './request-env.js';
import { quorumState } from './quorum.js';
import { ReplicaFanout, type FanoutHooks } from './replica-fanout.js';
import { TimedRequest } from './request-timer.js';
import { writeOf } from './siblings.js';

export interface PutSpec {
  readonly key: string;
  readonly value: unknown;
  readonly deleted: boolean;
  /** What the writer had seen: the new version supersedes every version it covers. */
  readonly context: CausalContext;
  /** The new version's name, minted before the put started (see minting.ts). */
  readonly dot: Dot;
  readonly w: number;
  readonly timeoutMs: number;
}

export function startPut(env: RequestEnv, reqId: number, spec: PutSpec, done: (outcome: PutOutcome) => void): PendingRequest {
  return new PutRequest(env, reqId, spec, done);
}

/** The state of one put; a class rather than closures, as GetRequest (get-request.ts). */
class PutRequest extends TimedRequest implements PendingRequest, FanoutHooks {
  private readonly write: Siblings;
  private readonly replyContext: CausalContext;
  private answered = false;
  private over = false;
  private readonly deadlineMs: number;
  private readonly fanout: ReplicaFanout;

  constructor(
    private readonly env: RequestEnv,
    private readonly reqId: number,
    private readonly spec: PutSpec,
    private readonly done: (outcome: PutOutcome) => void,
  ) {
    super(env.sink, env.nowMs);
    const { tuning, stats } = env;
    this.write = writeOf({ value: spec.value, deleted: spec.deleted, dot: spec.dot }, causalPart(spec.context));
    // The writer has just superseded everything it saw with this one version: its next
    // context needs to cover that version, and old detail may go.
    const { context: replyContext, pruned } = compactContext(this.write.context, [spec.dot], env.clientLimits);
    this.replyContext = replyContext;
    stats.clockPrunes += pruned;
    const startedMs = env.nowMs();
    this.deadlineMs = startedMs + spec.timeoutMs;
    this.fanout = new ReplicaFanout(env.ring().preferenceList(spec.key), tuning.n, attemptTimeoutMs(tuning, spec.timeoutMs), env.detector, this);
    this.fanout.start(startedMs);
    this.rearm();
  }

  onReadReply(): void {}

  onWriteAck(from: string): void {
    this.fanout.answered(from);
  }

  dispatch(node: string, hintFor: string | null): void {
    const { local, sink } = this.env;
    const { reqId } = this;
    if (local && node === local.nodeId) {
      local.write(this.spec.key, this.write, hintFor);
      this.fanout.answered(node);
    } else {
      sink.send(node, { kind: 'replica.write', reqId, key: this.spec.key, siblings: this.write, hintFor });
    }
  }

  /** An acknowledgement carries nothing to keep. */
  recorded(): void {}

  changed(): void {
    const { fanout, spec } = this;
    const state = quorumState(fanout.filled, spec.w, fanout.fillable);
    if (state === 'won') this.answer({ ok: true, context: this.replyContext, ackedBy: fanout.countedNodes() });
    else if (state === 'lost') this.answer(failure('QUORUM_FAILED', quorumMessage('put', fanout.filled, spec.w)));
    // The put goes on after answering, until every slot holds a copy or no stand-in is
    // left; unanswered, it waits for late answers until its deadline.
    if (fanout.filled >= this.env.tuning.n || (this.answered && fanout.waiting === 0)) this.finish();
  }

  protected due(nowMs: number): void {
    for (let first = this.dueFirst(nowMs); first !== null && !this.over; first = this.dueFirst(nowMs)) {
      if (first === 'deadline') {
        this.answer(failure('QUORUM_FAILED', quorumMessage('put', this.fanout.filled, this.spec.w, this.spec.timeoutMs)));
        if (this.fanout.waiting === 0) this.finish();
      } else if (first !== 'window') this.fanout.expireWave(first, nowMs);
    }
  }

  /** The deadline only while unanswered. */
  private get waitedDeadlineMs(): number {
    return this.answered ? Number.POSITIVE_INFINITY : this.deadlineMs;
  }

  protected nextWakeMs(): number {
    return this.over ? Number.POSITIVE_INFINITY : Math.min(this.waitedDeadlineMs, this.fanout.nextDueMs);
  }

  /** What is due first of the deadline and the attempts (a put has no window). */
  private dueFirst(nowMs: number): ReturnType<typeof dueFirst> {
    return dueFirst(nowMs, this.waitedDeadlineMs, this.fanout, Number.POSITIVE_INFINITY, 0);
  }

  private answer(outcome: PutOutcome): void {
    if (this.answered) return;
    this.answered = true;
    if (!outcome.ok) this.env.stats.quorumFailures++;
    this.done(outcome);
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    const { env, fanout, spec } = this;
    this.stopTimer();
    env.finished(this.reqId);
    if (!this.answered) this.answer(failure('QUORUM_FAILED', quorumMessage('put', fanout.filled, spec.w)));
  }
}
