/**
 * One get (paper §4.5): N replicas are asked, and the get answers at R slots with every
 * concurrent version and a context covering them all; then it listens a short window for the
 * stragglers and repairs the replicas that were behind (read-repair.ts). It fails with
 * QUORUM_FAILED when R slots cannot be had within its time.
 */
import type { Siblings } from '../protocol/data.js';
import { failure, type GetOutcome } from '../protocol/outcomes.js';
import { compactContext } from './causal-context.js';
import { attemptTimeoutMs, quorumMessage, type PendingRequest, type RequestEnv } from './request-env.js';
import { quorumState } from './quorum.js';
import { readRepair } from './read-repair.js';
import { ReplicaFanout } from './replica-fanout.js';
import { liveDots, mergeSiblings, NO_SIBLINGS } from './siblings.js';

export interface GetSpec {
  readonly key: string;
  readonly r: number;
  readonly timeoutMs: number;
}

export function startGet(env: RequestEnv, spec: GetSpec, done: (outcome: GetOutcome) => void): PendingRequest {
  const { sink, local, tuning, stats } = env;
  const replies = new Map<string, Siblings>();
  let merged: Siblings = NO_SIBLINGS;
  let answered = false;
  let repairTimer = 0;

  const answer = (outcome: GetOutcome): void => {
    if (answered) return;
    answered = true;
    sink.cancelTimer(deadline);
    if (!outcome.ok) stats.quorumFailures++;
    else if (outcome.versions.length > 1) stats.siblingReads++;
    done(outcome);
  };
  const succeed = (): void => {
    // The reader may supersede every version it was shown: their dots stay covered.
    const { context, pruned } = compactContext(merged.context, liveDots(merged), env.clientLimits);
    stats.clockPrunes += pruned;
    answer({ ok: true, versions: merged.versions, context, repliedBy: [...fanout.countedNodes] });
  };
  let over = false;
  const finish = (): void => {
    if (over) return;
    over = true;
    fanout.close();
    sink.cancelTimer(repairTimer);
    sink.cancelTimer(deadline);
    env.finished();
    if (!answered) answer(failure('QUORUM_FAILED', quorumMessage('get', fanout.filled, spec.r)));
    stats.readRepairs += readRepair(spec.key, merged, replies, fanout.primaries, sink, local);
  };
  const reply = (node: string, siblings: Siblings): void =>
    fanout.answered(node, () => {
      replies.set(node, siblings);
      merged = mergeSiblings(merged, siblings);
    });
  const fanout = new ReplicaFanout(env.ring.preferenceList(spec.key), tuning.n, attemptTimeoutMs(tuning, spec.timeoutMs), sink, env.detector, env.nowMs, {
    dispatch: (target) => {
      if (local && target.node === local.nodeId) reply(target.node, local.read(spec.key));
      else sink.send(target.node, { kind: 'replica.read', reqId: env.reqId, key: spec.key });
    },
    changed: () => {
      const state = quorumState(fanout.filled, spec.r, fanout.fillable);
      if (state === 'won' && !answered) {
        succeed();
        repairTimer = sink.setTimer(tuning.readRepairWindowMs, finish);
      } else if (state === 'lost') {
        answer(failure('QUORUM_FAILED', quorumMessage('get', fanout.filled, spec.r)));
      }
      // Unanswered, it waits for late replies (a timed-out attempt may still answer) until
      // its deadline.
      if (answered && fanout.waiting === 0) finish();
    },
  });
  const deadline = sink.setTimer(spec.timeoutMs, () => {
    answer(failure('QUORUM_FAILED', quorumMessage('get', fanout.filled, spec.r, spec.timeoutMs)));
    finish();
  });
  fanout.start();
  return {
    onReadReply: (from, msg) => reply(from, msg.siblings),
    onWriteAck: () => undefined,
  };
}
