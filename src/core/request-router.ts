/**
 * Node coordination mode (paper §4.5): a client request may reach any node. A node that is
 * one of the key's N primaries coordinates it; any other forwards it to the first primary it
 * does not suspect, at most `maxHops` times, and waits for that node to confirm. A forward
 * that is not confirmed in time suspects its target and routes the request again with what
 * is left of its time budget, so a request sent into a dead node is not lost.
 */
import type { EngineTuning } from './config.js';
import { coordinatorBudgetMs } from './config.js';
import type { Coordinator } from './coordinator.js';
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import type { Ring } from './ring.js';
import type { ClientGet, ClientPut, ForwardAck } from '../protocol/messages.js';

/** What the router needs of its node. */
export interface RouterHost {
  readonly nodeId: string;
  readonly tuning: EngineTuning;
  readonly sink: EffectSink;
  readonly detector: FailureDetector;
  readonly coordinator: Coordinator;
  ring(): Ring;
  nowMs(): number;
}

export class RequestRouter {
  /** Forwarded requests not yet confirmed by their new coordinator: id -> timer. */
  private readonly forwards = new Map<string, number>();
  forwarded = 0;

  constructor(private readonly host: RouterHost) {}

  /** A client request arrived from `from` (the client, or a forwarding node). */
  receive(from: string, msg: ClientGet | ClientPut): void {
    this.route(msg);
    // After the request's own messages: they are on its critical path, the ack is not.
    if (msg.hops > 0) this.host.sink.send(from, { kind: 'forward.ack', reqId: msg.reqId, replyTo: msg.replyTo });
  }

  /** The node a request was forwarded to has taken it. */
  confirmed(msg: ForwardAck): void {
    const id = forwardId(msg);
    this.host.sink.cancelTimer(this.forwards.get(id) ?? 0);
    this.forwards.delete(id);
  }

  private route(msg: ClientGet | ClientPut): void {
    const { tuning, sink } = this.host;
    const quorum = msg.kind === 'client.get' ? msg.r : msg.w;
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > tuning.n) {
      const name = msg.kind === 'client.get' ? 'R' : 'W';
      const message = `${name}=${quorum} must be an integer from 1 to N=${tuning.n}`;
      sink.send(msg.replyTo, { kind: 'reply.error', reqId: msg.reqId, code: 'INVALID_ARGUMENT', message });
      return;
    }
    const primaries = this.host.ring().preferenceList(msg.key, tuning.n);
    if (!primaries.includes(this.host.nodeId) && msg.hops < tuning.maxHops) {
      const healthy = primaries.find((node) => !this.host.detector.isSuspect(node));
      if (healthy !== undefined) {
        this.forward(msg, healthy);
        return;
      }
    }
    this.coordinate(msg);
  }

  private forward(msg: ClientGet | ClientPut, target: string): void {
    const { tuning, sink, detector } = this.host;
    this.forwarded++;
    const id = forwardId(msg);
    const sentAtMs = this.host.nowMs();
    const waitMs = Math.max(1, Math.min(tuning.replicaTimeoutMs, Math.floor(msg.timeoutMs / 3)));
    this.forwards.set(
      id,
      sink.setTimer(waitMs, () => {
        this.forwards.delete(id);
        detector.suspect(target, this.host.nowMs());
        const remainingMs = Math.floor(msg.timeoutMs - (this.host.nowMs() - sentAtMs));
        // With no time left the client is already giving up with TIMEOUT.
        if (remainingMs > 1) this.route({ ...msg, timeoutMs: remainingMs });
      }),
    );
    sink.send(target, { ...msg, hops: msg.hops + 1 });
  }

  private coordinate(msg: ClientGet | ClientPut): void {
    const { sink, coordinator } = this.host;
    const timeoutMs = coordinatorBudgetMs(msg.timeoutMs);
    const { reqId, replyTo } = msg;
    if (msg.kind === 'client.get') {
      coordinator.get({ key: msg.key, r: msg.r, timeoutMs }, (outcome) => {
        sink.send(
          replyTo,
          outcome.ok
            ? { kind: 'reply.get', reqId, siblings: outcome.siblings, context: outcome.context, repliedBy: outcome.repliedBy }
            : { kind: 'reply.error', reqId, code: 'QUORUM_FAILED', message: outcome.message },
        );
      });
      return;
    }
    const spec = { key: msg.key, value: msg.value, deleted: msg.deleted, context: msg.context, w: msg.w, timeoutMs };
    coordinator.put(spec, (outcome) => {
      sink.send(
        replyTo,
        outcome.ok
          ? { kind: 'reply.put', reqId, context: outcome.context, ackedBy: outcome.ackedBy }
          : { kind: 'reply.error', reqId, code: 'QUORUM_FAILED', message: outcome.message },
      );
    });
  }
}

function forwardId(msg: { readonly replyTo: string; readonly reqId: number }): string {
  return `${msg.replyTo}/${msg.reqId}`;
}
