/**
 * Real timers for a host, many on one: the core asks for a timer or two per request (its
 * deadline, its replicas' wave, a read-repair window), nearly all cancelled a moment later.
 * A Node timer each cost a Timeout object, a list insertion and its async-hook bookkeeping,
 * twice (set and clear), on every request. Here a timer is one small entry in a binary heap
 * and a cancel only marks it; one Node timer is armed for the earliest entry, and when it
 * fires every entry that is due runs in that one turn.
 */
import { DueHeap } from '../core/due-heap.js';
import type { Scheduler } from './effect-host.js';

/** One scheduled run; the handle `schedule` returns and `cancel` takes. */
export interface TimerEntry {
  readonly dueMs: number;
  /** Orders entries due at the same moment by when they were scheduled. */
  readonly seq: number;
  run: (() => void) | null;
}

/** This thread's start, read once: `performance.timeOrigin` is a getter that costs a call. */
const TIME_ORIGIN_MS = performance.timeOrigin;

/**
 * Real time for hosts on threads: milliseconds since the epoch with sub-millisecond
 * resolution, the same origin in every thread, so the times in clock entries compare across
 * nodes (pruning drops the oldest).
 */
export function realNowMs(): number {
  return TIME_ORIGIN_MS + performance.now();
}

export class TimerQueue implements Scheduler<TimerEntry> {
  private readonly heap = new DueHeap<TimerEntry>();
  private live = 0;
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;
  private armedForMs = Number.POSITIVE_INFINITY;

  constructor(
    /** Milliseconds since the epoch, as every host reads them (a test passes its own clock). */
    readonly nowMs: () => number = realNowMs,
  ) {}

  /** Entries scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.live;
  }

  schedule(delayMs: number, run: () => void): TimerEntry {
    const entry: TimerEntry = { dueMs: this.nowMs() + Math.max(0, delayMs), seq: this.seq++, run };
    this.heap.push(entry);
    this.live++;
    this.arm();
    return entry;
  }

  cancel(entry: TimerEntry): void {
    if (entry.run === null) return;
    entry.run = null;
    this.live--;
    if (this.live === 0) this.armed?.unref();
    this.heap.compactIfSparse(this.live, isLive);
  }

  /** Cancels everything and releases the Node timer. */
  clear(): void {
    for (const entry of this.heap.clear()) entry.run = null;
    this.live = 0;
    if (this.armed !== undefined) clearTimeout(this.armed);
    this.armed = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
  }

  /** Arms (or re-arms earlier) the one Node timer for the earliest live entry. */
  private arm(): void {
    this.heap.dropWhile(isCancelled);
    const head = this.heap.peek();
    if (head === undefined) return;
    if (this.armed !== undefined) {
      // Node timers have a granularity of 1 ms: an entry due within the armed time's
      // millisecond runs with it.
      if (head.dueMs >= this.armedForMs - 1) {
        if (this.live > 0) this.armed.ref();
        return;
      }
      clearTimeout(this.armed);
    }
    this.armedForMs = head.dueMs;
    this.armed = setTimeout(this.fire, Math.max(0, Math.ceil(head.dueMs - this.nowMs())));
  }

  private readonly fire = (): void => {
    this.armed = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
    // An entry not yet due by our clock (Node counts whole milliseconds from the start of its
    // loop turn) waits for the next arming: an entry never runs early.
    const nowMs = this.nowMs();
    for (let head = this.heap.peek(); head !== undefined && head.dueMs <= nowMs; head = this.heap.peek()) {
      this.heap.pop();
      const run = head.run;
      if (run === null) continue;
      head.run = null;
      this.live--;
      run();
    }
    this.arm();
  };
}

function isCancelled(entry: TimerEntry): boolean {
  return entry.run === null;
}

function isLive(entry: TimerEntry): boolean {
  return entry.run !== null;
}
