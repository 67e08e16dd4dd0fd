/**
 * The replicas one request talks to: who was asked, for which slot, who answered, who timed
 * out and who replaced them. Shared by gets and puts. Every attempt has a due time and the
 * preference list bounds the replacements, so a fan-out always ends.
 *
 * The fan-out sets no timer of its own: it says which of its launches times out next, and
 * when (`nextDue`), and times out a launch's attempts when asked (`expireWave`). Its request
 * keeps one timer for all it waits for (attempts, deadline, read-repair window): a timer for
 * each of them, set and nearly always cancelled a moment later, cost more than the rest of
 * the fan-out.
 *
 * A request has a handful of attempts (N, and a stand-in for each that went silent), so they
 * are kept in an array and scanned, and whether a slot was tried or filled is a scan of them
 * too: a Map and two Sets per request, and later an array of slot states and a copy of the
 * primaries, cost more to make than the scans (every request of the engine makes one
 * fan-out). The attempts' array is made at its size: one grown from empty by `push` gets room
 * for 17 elements at once.
 */
import type { FailureDetector } from './failure-detector.js';
import { chooseTargetsInto, replacementFor, type TargetSink } from './sloppy-quorum.js';

const WAITING = 0;
const ANSWERED = 1;
const TIMED_OUT = 2;

/** One replica asked. */
interface Attempt {
  readonly node: string;
  readonly hintFor: string | null;
  /** The index, in the preference list, of the primary whose slot the attempt is for. */
  readonly slot: number;
  /** When it times out if it has not answered. */
  readonly dueMs: number;
  /** Which launch sent it: 1 for the first targets, then one more for each set of stand-ins. */
  readonly wave: number;
  state: typeof WAITING | typeof ANSWERED | typeof TIMED_OUT;
}

/**
 * What a request does for its fan-out. The request itself implements these (get-request.ts,
 * put-request.ts), so a request makes no closures for its fan-out.
 */
export interface FanoutHooks {
  /** Send the request to `node` (or serve it locally); `hintFor` names the primary a stand-in holds a copy for. */
  dispatch(node: string, hintFor: string | null): void;
  /** An answer from `node` was taken; `counted` when it filled a slot. Called before `changed`. */
  recorded(node: string, counted: boolean): void;
  /** Called once per change of the attempts' states, after the fan-out updated itself. */
  changed(): void;
}

export class ReplicaFanout implements TargetSink {
  /** Every attempt, in the order sent; a node is asked at most once. Made at its size with the first targets. */
  private attempts: Attempt[] = [];
  /** The key's primaries (one slot each): the first `slotCount` of the preference list. */
  private readonly slotCount: number;
  private triedSlots = 0;
  private waitingCount = 0;
  /**
   * Nodes whose answer filled a slot, in the order they answered. Grown by `push`, not made at
   * its size: its copy goes into a reply, and a port serializes an array made by `new Array(n)`
   * (holey, to V8) element by element with its index, as a sparse one.
   */
  private readonly counted: string[] = [];
  /** True while the first targets are sent: local answers must not end the request early. */
  private starting = false;
  /** When the attempts being launched are due. */
  private launchDueMs = 0;
  /** Attempts recorded so far: the first ones fill the array made at their count, later ones are pushed. */
  private recordedAttempts = 0;
  /** Launches so far (the first targets, then each set of stand-ins). */
  private launches = 0;

  constructor(
    private readonly preferenceList: readonly string[],
    private readonly n: number,
    private readonly attemptTimeoutMs: number,
    private readonly detector: FailureDetector,
    private readonly hooks: FanoutHooks,
  ) {
    this.slotCount = Math.min(n, preferenceList.length);
  }

  /** Sends to the first targets (it is `nowMs`), then reports the state once. */
  start(nowMs: number): void {
    this.starting = true;
    this.attempts = new Array<Attempt>(this.slotCount);
    this.launches++;
    this.launchDueMs = nowMs + this.attemptTimeoutMs;
    chooseTargetsInto(this.preferenceList, this.n, this.detector.isSuspect, this);
    this.dispatchFrom(0);
    this.starting = false;
    this.hooks.changed();
  }

  /** A target chosen for the attempts being launched (TargetSink). */
  target(node: string, hintFor: string | null): void {
    const slot = this.slotOf(hintFor ?? node);
    if (!this.tried(slot)) this.triedSlots++;
    this.waitingCount++;
    const attempt: Attempt = { node, hintFor, slot, dueMs: this.launchDueMs, wave: this.launches, state: WAITING };
    if (this.recordedAttempts < this.attempts.length) this.attempts[this.recordedAttempts] = attempt;
    else this.attempts.push(attempt);
    this.recordedAttempts++;
  }

  /**
   * Records an answer from `node`: the hooks' `recorded` is told whether it filled a slot (a
   * second answer for one slot, from a primary and its stand-in, does not count again). An
   * answer from a node never asked, or already heard, is ignored.
   */
  answered(node: string): void {
    const attempt = this.attemptTo(node);
    if (!attempt || attempt.state === ANSWERED) return;
    if (attempt.state === WAITING) this.waitingCount--;
    const counted = !this.filledSlot(attempt.slot);
    attempt.state = ANSWERED;
    if (counted) this.counted.push(node);
    this.hooks.recorded(node, counted);
    if (!this.starting) this.hooks.changed();
  }

  /** Slots with an answer. */
  get filled(): number {
    return this.counted.length;
  }

  /**
   * The most slots that can still be filled: every slot that was tried. An attempt that timed
   * out may still answer (a slow replica, not a dead one), and its late answer counts, so only
   * the request's deadline, never a timeout, gives up on a slot.
   */
  get fillable(): number {
    return this.triedSlots;
  }

  /** Attempts still waiting for an answer (neither answered nor timed out). */
  get waiting(): number {
    return this.waitingCount;
  }

  /** When the earliest attempt still waiting times out; +Infinity when none is waiting. */
  get nextDueMs(): number {
    return this.nextDue()?.dueMs ?? Number.POSITIVE_INFINITY;
  }

  /**
   * The launch whose attempts time out next: the earliest due of the attempts still waiting,
   * and of those due together the first launched (the order their own timers ran in). Null
   * when none is waiting.
   */
  nextDue(): { readonly dueMs: number; readonly wave: number } | null {
    if (this.waitingCount === 0) return null;
    let next: Attempt | null = null;
    for (const attempt of this.attempts) {
      if (attempt.state !== WAITING) continue;
      if (next === null || attempt.dueMs < next.dueMs || (attempt.dueMs === next.dueMs && attempt.wave < next.wave)) next = attempt;
    }
    return next;
  }

  /** Launches so far: 1 for the first targets, then one more for each set of stand-ins. */
  get wavesLaunched(): number {
    return this.launches;
  }

  /** The nodes whose answers filled slots, fastest first (a copy, the caller's to keep). */
  countedNodes(): string[] {
    return this.counted.slice();
  }

  /** Whether `node` is one of the key's primaries. */
  isPrimary(node: string): boolean {
    return this.slotOf(node) >= 0;
  }

  /**
   * The attempts of launch `wave` still waiting time out (it is `nowMs`; the request decides
   * that they are due, see `nextDue`): each node is suspected, and each slot, unless filled,
   * gets a stand-in if one is left; the stand-ins are sent together as a new launch, due one
   * attempt's time from now. Reports the state once if anything timed out.
   */
  expireWave(wave: number, nowMs: number): void {
    if (this.waitingCount === 0) return;
    const known = this.attempts.length;
    const launch = this.launches + 1;
    let expired = false;
    for (let i = 0; i < known; i++) {
      const attempt = this.attempts[i] as Attempt;
      if (attempt.state !== WAITING || attempt.wave !== wave) continue;
      if (!expired) {
        this.launches = launch;
        this.launchDueMs = nowMs + this.attemptTimeoutMs;
      }
      attempt.state = TIMED_OUT;
      this.waitingCount--;
      expired = true;
      this.detector.suspect(attempt.node, nowMs);
      if (this.filledSlot(attempt.slot)) continue;
      // Every node asked so far, the stand-ins chosen in this pass included.
      const tried = new Set(this.attempts.map((a) => a.node));
      const replacement = replacementFor(this.preferenceList[attempt.slot] as string, this.preferenceList, this.n, tried, this.detector.isSuspect);
      if (replacement) this.target(replacement.node, replacement.hintFor);
    }
    if (!expired) return;
    this.dispatchFrom(known);
    this.hooks.changed();
  }

  /** The slot of primary `node` (its index in the preference list), or -1. */
  private slotOf(node: string): number {
    for (let i = 0; i < this.slotCount; i++) if (this.preferenceList[i] === node) return i;
    return -1;
  }

  /** Whether an attempt was recorded for `slot`. */
  private tried(slot: number): boolean {
    for (let i = 0; i < this.recordedAttempts; i++) if ((this.attempts[i] as Attempt).slot === slot) return true;
    return false;
  }

  /** Whether an answer filled `slot`. */
  private filledSlot(slot: number): boolean {
    for (let i = 0; i < this.recordedAttempts; i++) {
      const attempt = this.attempts[i] as Attempt;
      if (attempt.slot === slot && attempt.state === ANSWERED) return true;
    }
    return false;
  }

  /** The attempt sent to `node`, if any. */
  private attemptTo(node: string): Attempt | undefined {
    for (let i = this.attempts.length - 1; i >= 0; i--) {
      const attempt = this.attempts[i] as Attempt;
      if (attempt.node === node) return attempt;
    }
    return undefined;
  }

  /** Sends the attempts from index `first` on (after they are all recorded: a local answer may come at once). */
  private dispatchFrom(first: number): void {
    const end = this.attempts.length;
    for (let i = first; i < end; i++) {
      const attempt = this.attempts[i] as Attempt;
      this.hooks.dispatch(attempt.node, attempt.hintFor);
    }
  }
}
