/**
 * One get (paper §4.5): N replicas are asked, and the get answers at R slots with every
 * concurrent version and a context covering them all; then it listens a short window for the
 * stragglers and repairs the replicas that were behind (read-repair.ts). It fails with
 * QUORUM_FAILED when R slots cannot be had within its time.
 */
import type { Siblings } from '../protocol/data.js';
import type { ReplicaReadReply } from '../protocol/messages.js';
import { failure, type GetOutcome } from '../protocol/outcomes.js';
import { attemptTimeoutMs, dueFirst, quorumMessage, type PendingRequest, type RequestEnv } from './request-env.js';
import { quorumState } from './quorum.js';
import { readRepair } from './read-repair.js';
import { ReplicaFanout, type FanoutHooks } from './replica-fanout.js';
import { TimedRequest } from './request-timer.js';
import { boundedContext, mergeSiblings, NO_SIBLINGS } from './siblings.js';

export interface GetSpec {
  readonly key: string;
  readonly r: number;
  readonly timeoutMs: number;
}

export function startGet(env: RequestEnv, reqId: number, spec: GetSpec, done: (outcome: GetOutcome) => void): PendingRequest {
  return new GetRequest(env, reqId, spec, done);
}

/**
 * The state of one get. A class rather than closures over local variables: a request made
 * some ten closures and a hooks object, on every get of every coordinator.
 */
class GetRequest extends TimedRequest implements PendingRequest, FanoutHooks {
  /** The nodes that answered and what each held, in the order they answered (sized for the N primaries; a stand-in's answer extends it). */
  private readonly repliedNodes: string[];
  private readonly repliedSiblings: Siblings[];
  private replies = 0;
  private merged: Siblings = NO_SIBLINGS;
  /** What the answer being recorded carries (set just before the fan-out takes it). */
  private arriving: Siblings = NO_SIBLINGS;
  private answered = false;
  private over = false;
  private readonly deadlineMs: number;
  /** When the read-repair window closes, once the get has answered. */
  private repairByMs = Number.POSITIVE_INFINITY;
  /**
   * The fan-out's launches when the get answered: their attempts' time-outs were set before the
   * read-repair window opened, and one due with the window's end is handled first.
   */
  private launchesBeforeAnswer = 0;
  private readonly fanout: ReplicaFanout;

  constructor(
    private readonly env: RequestEnv,
    private readonly reqId: number,
    private readonly spec: GetSpec,
    private readonly done: (outcome: GetOutcome) => void,
  ) {
    super(env.sink, env.nowMs);
    const { tuning } = env;
    const startedMs = env.nowMs();
    this.repliedNodes = new Array<string>(tuning.n);
    this.repliedSiblings = new Array<Siblings>(tuning.n);
    this.deadlineMs = startedMs + spec.timeoutMs;
    this.fanout = new ReplicaFanout(env.ring().preferenceList(spec.key), tuning.n, attemptTimeoutMs(tuning, spec.timeoutMs), env.detector, this);
    this.fanout.start(startedMs);
    this.rearm();
  }

  onReadReply(from: string, msg: ReplicaReadReply): void {
    this.reply(from, msg.siblings);
  }

  onWriteAck(): void {}

  dispatch(node: string): void {
    const { local, sink } = this.env;
    const { reqId } = this;
    if (local && node === local.nodeId) this.reply(node, local.read(this.spec.key));
    else sink.send(node, { kind: 'replica.read', reqId, key: this.spec.key });
  }

  recorded(node: string): void {
    const at = this.replies++;
    this.repliedNodes[at] = node;
    this.repliedSiblings[at] = this.arriving;
    this.merged = mergeSiblings(this.merged, this.arriving);
  }

  changed(): void {
    const { fanout, spec } = this;
    const state = quorumState(fanout.filled, spec.r, fanout.fillable);
    if (state === 'won' && !this.answered) {
      this.succeed();
      this.repairByMs = this.env.nowMs() + this.env.tuning.readRepairWindowMs;
      this.launchesBeforeAnswer = this.fanout.wavesLaunched;
      this.wakeBy(this.repairByMs);
    } else if (state === 'lost') {
      this.answer(failure('QUORUM_FAILED', quorumMessage('get', fanout.filled, spec.r)));
    }
    // Unanswered, it waits for late replies (a timed-out attempt may still answer) until
    // its deadline.
    if (this.answered && fanout.waiting === 0) this.finish();
  }

  protected due(nowMs: number): void {
    for (let first = this.dueFirst(nowMs); first !== null && !this.over; first = this.dueFirst(nowMs)) {
      if (first === 'deadline') {
        this.answer(failure('QUORUM_FAILED', quorumMessage('get', this.fanout.filled, this.spec.r, this.spec.timeoutMs)));
        this.finish();
      } else if (first === 'window') this.finish();
      else this.fanout.expireWave(first, nowMs);
    }
  }

  /** The deadline only while unanswered; the read-repair window (+Infinity until answered). */
  private get waitedDeadlineMs(): number {
    return this.answered ? Number.POSITIVE_INFINITY : this.deadlineMs;
  }

  protected nextWakeMs(): number {
    return this.over ? Number.POSITIVE_INFINITY : Math.min(this.waitedDeadlineMs, this.repairByMs, this.fanout.nextDueMs);
  }

  /** What is due first of the deadline, the attempts and the read-repair window. */
  private dueFirst(nowMs: number): ReturnType<typeof dueFirst> {
    return dueFirst(nowMs, this.waitedDeadlineMs, this.fanout, this.repairByMs, this.launchesBeforeAnswer);
  }

  private reply(node: string, siblings: Siblings): void {
    this.arriving = siblings;
    this.fanout.answered(node);
    this.arriving = NO_SIBLINGS;
  }

  private answer(outcome: GetOutcome): void {
    if (this.answered) return;
    this.answered = true;
    const { stats } = this.env;
    if (!outcome.ok) stats.quorumFailures++;
    else if (outcome.versions.length > 1) stats.siblingReads++;
    this.done(outcome);
  }

  private succeed(): void {
    const { merged, env } = this;
    // The reader may supersede every version it was shown: their dots stay covered.
    const { context, pruned } = boundedContext(merged, env.clientLimits);
    env.stats.clockPrunes += pruned;
    this.answer({ ok: true, versions: merged.versions, context, repliedBy: this.fanout.countedNodes() });
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    const { env, fanout, spec } = this;
    this.stopTimer();
    env.finished(this.reqId);
    if (!this.answered) this.answer(failure('QUORUM_FAILED', quorumMessage('get', fanout.filled, spec.r)));
    env.stats.readRepairs += readRepair(spec.key, this.merged, this.repliedNodes, this.repliedSiblings, this.replies, fanout, env.sink, env.local);
  }
}
