/**
 * One timer per request. A request waits for several moments: its attempts' time-outs, its
 * deadline, the end of a get's read-repair window. A core timer for each, set as the request
 * started and cancelled a moment later when the replicas answered, cost a timer entry, a
 * closure and a cancellation each, on every request. A request instead keeps one timer, for
 * the earliest moment it waits for, and moves it only when something earlier comes up; when
 * it fires, the request looks at the clock and does whatever is due (get-request.ts,
 * put-request.ts). A wake-up for a moment that no longer matters costs one look.
 */
import type { EffectSink } from './effects.js';

export abstract class TimedRequest {
  /** The core timer set (0: none), and the moment it is due. */
  private timerId = 0;
  private wakeAtMs = Number.POSITIVE_INFINITY;

  protected constructor(
    private readonly timerSink: EffectSink,
    /** The time now, as the request's host last said. */
    private readonly nowMs: () => number,
  ) {}

  /**
   * The request's work when its timer fires: everything due by `nowMs` (as `isDue` says, the
   * sink's own test), in the order its separate timers ran. `rearm` follows it.
   */
  protected abstract due(nowMs: number): void;

  /** The earliest moment the request still waits for; +Infinity for none. */
  protected abstract nextWakeMs(): number;

  /** Be woken at the next moment the request waits for (after it started, and after each wake-up). */
  protected rearm(): void {
    this.wakeBy(this.nextWakeMs());
  }

  /**
   * Be woken at `dueMs` at the latest; an earlier wake-up already set stays. The moment is
   * kept as it is, not rounded to a whole delay: a moment computed earlier (a read-repair
   * window, an attempt's time-out) comes when it is due, as it did with a timer of its own.
   */
  protected wakeBy(dueMs: number): void {
    if (dueMs >= this.wakeAtMs || dueMs === Number.POSITIVE_INFINITY) return;
    if (this.timerId !== 0) this.timerSink.cancelTimer(this.timerId);
    this.wakeAtMs = dueMs;
    this.timerId = this.timerSink.setTimerAt(dueMs, this.wake);
  }

  /** No more wake-ups (the request is over). */
  protected stopTimer(): void {
    if (this.timerId === 0) return;
    this.timerSink.cancelTimer(this.timerId);
    this.timerId = 0;
    this.wakeAtMs = Number.POSITIVE_INFINITY;
  }

  /** A field, made once per request: the timer's callback. */
  private readonly wake = (): void => {
    this.timerId = 0;
    this.wakeAtMs = Number.POSITIVE_INFINITY;
    this.due(this.nowMs());
    this.rearm();
  };
}
