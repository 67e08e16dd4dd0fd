/**
 * What a state machine of the core asks its host to do. The core never performs I/O or
 * reads a clock: it returns these, and the host (src/runtime/effect-host.ts, the same in a
 * worker, in the client and in the simulator) carries them out and feeds the results back in
 * as inputs. A new kind here is a compile error in the host until it is handled.
 */
import type { Message } from '../protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import { IdMap } from './id-map.js';

export type Effect =
  | { readonly kind: 'send'; readonly to: string; readonly msg: Message }
  | { readonly kind: 'setTimer'; readonly timerId: number; readonly delayMs: number }
  | { readonly kind: 'cancelTimer'; readonly timerId: number }
  /** The answer to a request made on this endpoint by a local caller (the client API). */
  | { readonly kind: 'settle'; readonly requestId: number; readonly outcome: GetOutcome | PutOutcome };

/** Inputs every state machine takes from its host: a message arrived, a timer fired. */
export type HostInput =
  | { readonly kind: 'receive'; readonly from: string; readonly msg: Message; readonly nowMs: number }
  | { readonly kind: 'timer'; readonly timerId: number; readonly nowMs: number };

/** A state machine of the core: one input in, the effects out. */
export interface StateMachine<I> {
  step(input: I): Effect[];
}

/**
 * Collects effects during one step and keeps the callbacks of the timers the core asked
 * for; the host only ever sees timer ids and hands them back when they fire.
 */
export class EffectSink {
  private effects: Effect[] = [];
  private readonly timers = new IdMap<() => void>();
  private nextTimerId = 1;

  send(to: string, msg: Message): void {
    this.effects.push({ kind: 'send', to, msg });
  }

  settle(requestId: number, outcome: GetOutcome | PutOutcome): void {
    this.effects.push({ kind: 'settle', requestId, outcome });
  }

  /** Asks for `onFire` to run after `delayMs`; returns the id to cancel it with. */
  setTimer(delayMs: number, onFire: () => void): number {
    const timerId = this.nextTimerId++;
    this.timers.set(timerId, onFire);
    this.effects.push({ kind: 'setTimer', timerId, delayMs: Math.max(0, Math.ceil(delayMs)) });
    return timerId;
  }

  cancelTimer(timerId: number): void {
    if (this.timers.delete(timerId)) this.effects.push({ kind: 'cancelTimer', timerId });
  }

  /** Runs a fired timer's callback; a timer cancelled meanwhile is ignored. */
  fire(timerId: number): void {
    const onFire = this.timers.get(timerId);
    if (!onFire) return;
    this.timers.delete(timerId);
    onFire();
  }

  /** The effects collected since the last drain. */
  drain(): Effect[] {
    const out = this.effects;
    this.effects = [];
    return out;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }
}
