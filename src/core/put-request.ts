/**
 * One put (paper §4.5): the new version goes to the N highest-ranked reachable replicas and
 * the put answers at W slots acknowledged, then keeps replacing silent replicas (a fallback
 * with a hint, §4.6) until every slot holds a copy or the preference list is exhausted. It
 * fails with QUORUM_FAILED when W slots cannot be had within its time.
 */
import type { CausalContext, Dot } from '../protocol/data.js';
import { failure, type PutOutcome } from '../protocol/outcomes.js';
import { causalPart, compactContext } from './causal-context.js';
import { attemptTimeoutMs, quorumMessage, type PendingRequest, type RequestEnv } from './request-env.js';
import { quorumState } from './quorum.js';
import { ReplicaFanout } from './replica-fanout.js';
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

export function startPut(env: RequestEnv, spec: PutSpec, done: (outcome: PutOutcome) => void): PendingRequest {
  const { sink, local, tuning, stats } = env;
  const write = writeOf({ value: spec.value, deleted: spec.deleted, dot: spec.dot }, causalPart(spec.context));
  // The writer has just superseded everything it saw with this one version: its next
  // context needs to cover that version, and old detail may go.
  const { context: replyContext, pruned } = compactContext(write.context, [spec.dot], env.clientLimits);
  stats.clockPrunes += pruned;
  let answered = false;

  const answer = (outcome: PutOutcome): void => {
    if (answered) return;
    answered = true;
    sink.cancelTimer(deadline);
    if (!outcome.ok) stats.quorumFailures++;
    done(outcome);
  };
  let over = false;
  const finish = (): void => {
    if (over) return;
    over = true;
    fanout.close();
    sink.cancelTimer(deadline);
    env.finished();
    if (!answered) answer(failure('QUORUM_FAILED', quorumMessage('put', fanout.filled, spec.w)));
  };
  const fanout = new ReplicaFanout(env.ring.preferenceList(spec.key), tuning.n, attemptTimeoutMs(tuning, spec.timeoutMs), sink, env.detector, env.nowMs, {
    dispatch: (target) => {
      if (local && target.node === local.nodeId) {
        local.write(spec.key, write, target.hintFor);
        fanout.answered(target.node, () => undefined);
      } else {
        sink.send(target.node, { kind: 'replica.write', reqId: env.reqId, key: spec.key, siblings: write, hintFor: target.hintFor });
      }
    },
    changed: () => {
      const state = quorumState(fanout.filled, spec.w, fanout.fillable);
      if (state === 'won') answer({ ok: true, context: replyContext, ackedBy: [...fanout.countedNodes] });
      else if (state === 'lost') answer(failure('QUORUM_FAILED', quorumMessage('put', fanout.filled, spec.w)));
      // The put goes on after answering, until every slot holds a copy or no stand-in is
      // left; unanswered, it waits for late answers until its deadline.
      if (fanout.filled >= tuning.n || (answered && fanout.waiting === 0)) finish();
    },
  });
  const deadline = sink.setTimer(spec.timeoutMs, () => {
    answer(failure('QUORUM_FAILED', quorumMessage('put', fanout.filled, spec.w, spec.timeoutMs)));
    if (fanout.waiting === 0) finish();
  });
  fanout.start();
  return {
    onReadReply: () => undefined,
    onWriteAck: (from) => fanout.answered(from, () => undefined),
  };
}
