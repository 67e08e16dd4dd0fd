/**
 * What a state machine of the core asks its host to do. The core never performs I/O or
 * reads a clock: it returns these, and the host (src/runtime/effect-host.ts, the same in a
 * worker, in the client and in the simulator) carries them out and feeds the results back in
 * as inputs. A new kind here is a compile error in the host until it is handled.
 */
import type { Message } from '../protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import { DueHeap } from './due-heap.js';
import { IdMap } from './id-map.js';

export type Effect =
  | { readonly kind: 'send'; readonly to: string; readonly msg: Message }
  /** `delayMs` is not rounded: the host fires no earlier than that (a real host rounds up). */
  | { readonly kind: 'setTimer'; readonly timerId: number; readonly delayMs: number }
  | { readonly kind: 'cancelTimer'; readonly timerId: number }
  /** The answer to a request made on this endpoint by a local caller (the client API). */
  | { readonly kind: 'settle'; readonly requestId: number; readonly outcome: GetOutcome | PutOutcome };

/** Inputs every state machine takes from its host: a message arrived, a timer fired. */
export type HostInput =
  | { readonly kind: 'receive'; readonly from: string; readonly msg: Message; readonly nowMs: number }
  | { readonly kind: 'timer'; readonly timerId: number; readonly nowMs: number };

/**
 * What a machine's step throws when handling its input threw (a broken invariant, a bug):
 * the error, and the effects the step had collected before it, for the host to carry out
 * anyway. Among them may be the one host timer the machine's other timers wait on; dropping
 * it would leave them waiting until some other input came.
 */
export class StepFailure extends Error {
  constructor(
    readonly failure: unknown,
    readonly effects: Effect[],
  ) {
    super(`a step of the state machine threw: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
    this.name = 'StepFailure';
  }
}

/** A state machine of the core: one input in, the effects out. */
export interface StateMachine<I> {
  step(input: I): Effect[];
}

/** One timer the core asked for. `onFire` is null once it ran or was cancelled. */
interface CoreTimer {
  readonly dueMs: number;
  /** The timer's id: ids increase, so among timers due together the older runs first. */
  readonly seq: number;
  onFire: (() => void) | null;
}

/**
 * A host adds the delay the sink asked for to its own reading of the time; floating-point
 * rounding may land that a hair before the due time, and a timer that close counts as due.
 */
const DUE_SLACK_MS = 1e-6;

/** Whether a moment due at `dueMs` has come at `nowMs`, as the sink decides it for its timers. */
export function isDue(dueMs: number, nowMs: number): boolean {
  return dueMs <= nowMs + DUE_SLACK_MS;
}

/**
 * Collects effects during one step and keeps the timers the core asked for.
 *
 * A request sets two or three timers (its deadline, its replicas' wave, a read-repair window)
 * and nearly always cancels them a moment later. Each used to be a host timer: an effect to
 * set it and one to cancel it, a callback and a map entry on each side. Now the sink keeps the
 * core's timers in a heap of its own and asks its host for one timer only, due when the
 * earliest of them is; when it fires, every timer due by then runs in that one step, in due
 * order. Cancelling a timer costs no effect at all; the host timer is moved only when a new
 * timer is due before it, or dropped when no timer is left. A machine runs every step through
 * `step`, which tells the sink the time first, so due times are in the host's clock, real or
 * virtual.
 */
export class EffectSink {
  /**
   * The effects of the step running; null until its first. Made at its first effect as a
   * one-element literal: most steps emit one effect (a replica's answer, a client's request),
   * and an array grown from empty by `push` gets room for 17 at once.
   */
  private effects: Effect[] | null = null;
  private readonly timers = new IdMap<CoreTimer>();
  private readonly due = new DueHeap<CoreTimer>();
  private nextTimerId = 1;
  private nowMs = 0;
  /** The one host timer asked for (0: none), and when the core timer it is for is due. */
  private armedId = 0;
  private armedForMs = Number.POSITIVE_INFINITY;
  private nextHostTimerId = 1;

  /** The time of the step about to run, as the host's input says. */
  begin(nowMs: number): void {
    this.nowMs = nowMs;
  }

  send(to: string, msg: Message): void {
    this.emit({ kind: 'send', to, msg });
  }

  settle(requestId: number, outcome: GetOutcome | PutOutcome): void {
    this.emit({ kind: 'settle', requestId, outcome });
  }

  /** Asks for `onFire` to run after `delayMs`; returns the id to cancel it with. */
  setTimer(delayMs: number, onFire: () => void): number {
    return this.setTimerAt(this.nowMs + Math.max(0, Math.ceil(delayMs)), onFire);
  }

  /**
   * Asks for `onFire` to run at `dueMs` (the host's clock), not rounded: for a moment computed
   * earlier, which must come when it is due and not up to a millisecond later. One already
   * past runs at the next host timer. Returns the id to cancel it with.
   */
  setTimerAt(dueMs: number, onFire: () => void): number {
    const timer: CoreTimer = { dueMs: Math.max(dueMs, this.nowMs), seq: this.nextTimerId++, onFire };
    this.timers.set(timer.seq, timer);
    this.due.push(timer);
    if (timer.dueMs < this.armedForMs) this.arm(timer.dueMs);
    return timer.seq;
  }

  cancelTimer(timerId: number): void {
    const timer = this.timers.get(timerId);
    if (timer === undefined) return;
    this.timers.delete(timerId);
    // Let go of the callback now: a cancelled timer waits in the heap until it surfaces, and
    // must not keep its request alive meanwhile.
    timer.onFire = null;
    if (this.timers.size === 0) {
      this.disarm();
      this.due.clear();
    } else this.due.compactIfSparse(this.timers.size, isPending);
  }

  /**
   * The host's timer `hostTimerId` fired: every core timer due by now runs, earliest first.
   * Timers set meanwhile wait for the next host timer, even those due at once (a zero delay
   * means "after other inputs", as it did when each timer was the host's). A host timer that
   * is no longer the one asked for (cancelled, or replaced by an earlier one) is ignored.
   */
  fire(hostTimerId: number): void {
    if (hostTimerId !== this.armedId) return;
    this.armedId = 0;
    this.armedForMs = Number.POSITIVE_INFINITY;
    const firstLater = this.nextTimerId;
    try {
      for (let timer = this.due.peek(); timer !== undefined; timer = this.due.peek()) {
        if (timer.onFire !== null && (!isDue(timer.dueMs, this.nowMs) || timer.seq >= firstLater)) break;
        this.due.pop();
        const onFire = timer.onFire;
        if (onFire === null) continue;
        timer.onFire = null;
        this.timers.delete(timer.seq);
        onFire();
      }
    } finally {
      // Also when a callback threw (a bug the host reports and survives): the timers left
      // must still get their host timer, or none of them would ever fire.
      this.due.dropWhile(isCancelled);
      const next = this.due.peek();
      if (next !== undefined && next.dueMs < this.armedForMs) this.arm(next.dueMs);
    }
  }

  /**
   * One step of a machine: its time, then `handle(input)`, then the effects it collected. If
   * `handle` throws, throws a StepFailure with the error and the effects collected until then.
   */
  step<I>(nowMs: number, handle: (input: I) => void, input: I): Effect[] {
    this.begin(nowMs);
    try {
      handle(input);
    } catch (error) {
      throw new StepFailure(error, this.drain());
    }
    return this.drain();
  }

  /** The effects collected since the last drain. */
  drain(): Effect[] {
    const out = this.effects ?? [];
    this.effects = null;
    return out;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Timers the heap holds, cancelled ones not yet dropped included (what compaction bounds). */
  get heldTimers(): number {
    return this.due.size;
  }

  private emit(effect: Effect): void {
    if (this.effects === null) this.effects = [effect];
    else this.effects.push(effect);
  }

  /** One host timer, due at `dueMs`, in place of the one asked for before (if any). */
  private arm(dueMs: number): void {
    this.disarm();
    this.armedId = this.nextHostTimerId++;
    this.armedForMs = dueMs;
    // Not rounded: after a fire the host timer is re-armed for a timer set at another time, and
    // must fire when that timer is due, not up to a millisecond later.
    this.emit({ kind: 'setTimer', timerId: this.armedId, delayMs: Math.max(0, dueMs - this.nowMs) });
  }

  private disarm(): void {
    if (this.armedId === 0) return;
    this.emit({ kind: 'cancelTimer', timerId: this.armedId });
    this.armedId = 0;
    this.armedForMs = Number.POSITIVE_INFINITY;
  }
}

function isPending(timer: CoreTimer): boolean {
  return timer.onFire !== null;
}

function isCancelled(timer: CoreTimer): boolean {
  return timer.onFire === null;
}
