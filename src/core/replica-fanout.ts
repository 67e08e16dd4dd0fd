/**
 * The replicas one request talks to: who was asked, for which slot, who answered, who timed
 * out and who replaced them. Shared by gets and puts. Every attempt is timed and the
 * preference list bounds the replacements, so a fan-out always ends. Attempts sent together
 * (the first N, or the replacements of one timeout) share one timer: a request costs one
 * timer, not one per replica.
 *
 * A request has a handful of attempts (N, and a stand-in for each that went silent), so they
 * are kept in an array and scanned, and the slots' states are bits in an array indexed like
 * the preference list: a Map and two Sets per request cost more to make and to hash into than
 * the scans (every request of the engine makes one fan-out). The arrays are made at their
 * size: one grown from empty by `push` gets room for 17 elements at once.
 */
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import { chooseTargets, replacementFor, slotOf, type Target } from './sloppy-quorum.js';

/** Attempts sent at the same moment, and the one timer that bounds them. */
interface Wave {
  timerId: number;
  waiting: number;
}

interface Attempt {
  readonly target: Target;
  /** The index, in the preference list, of the primary whose slot the attempt is for. */
  readonly slot: number;
  readonly wave: Wave;
  state: 'waiting' | 'answered' | 'timedOut';
}

/** Per slot: an attempt was sent for it, and an answer filled it. */
const TRIED = 1;
const FILLED = 2;

/**
 * What a request does for its fan-out. The request itself implements these (get-request.ts,
 * put-request.ts), so a request makes no closures for its fan-out.
 */
export interface FanoutHooks {
  /** Send the request to this target (or serve it locally). */
  dispatch(target: Target): void;
  /** An answer from `node` was taken; `counted` when it filled a slot. Called before `changed`. */
  recorded(node: string, counted: boolean): void;
  /** Called once per change of the attempts' states, after the fan-out updated itself. */
  changed(): void;
}

export class ReplicaFanout {
  /**
   * Every attempt, in the order sent; a node is asked at most once. Made at its exact size
   * with the first targets (an array grown from empty gets room for 17).
   */
  private attempts: Attempt[] = [];
  /** The key's primaries: one slot each. */
  private readonly slots: readonly string[];
  /** Per slot, TRIED and FILLED bits. */
  private readonly slotStates: number[];
  private triedSlots = 0;
  /**
   * Nodes whose answer filled a slot, in the order they answered. Grown by `push`, not made at
   * its size: its copy goes into a reply, and a port serializes an array made by `new Array(n)`
   * (holey, to V8) element by element with its index, as a sparse one.
   */
  private readonly counted: string[] = [];
  /** True while the first targets are sent: local answers must not end the request early. */
  private starting = false;

  constructor(
    private readonly preferenceList: readonly string[],
    private readonly n: number,
    private readonly attemptTimeoutMs: number,
    private readonly sink: EffectSink,
    private readonly detector: FailureDetector,
    private readonly nowMs: () => number,
    private readonly hooks: FanoutHooks,
  ) {
    this.slots = preferenceList.slice(0, n);
    this.slotStates = new Array<number>(this.slots.length).fill(0);
  }

  /** Sends to the first targets, then reports the state once. */
  start(): void {
    this.starting = true;
    this.launch(chooseTargets(this.preferenceList, this.n, this.detector.isSuspect));
    this.starting = false;
    this.hooks.changed();
  }

  /**
   * Records an answer from `node`: the hooks' `recorded` is told whether it filled a slot (a
   * second answer for one slot, from a primary and its stand-in, does not count again). An
   * answer from a node never asked, or already heard, is ignored.
   */
  answered(node: string): void {
    const attempt = this.attemptTo(node);
    if (!attempt || attempt.state === 'answered') return;
    if (attempt.state === 'waiting' && --attempt.wave.waiting === 0) this.sink.cancelTimer(attempt.wave.timerId);
    attempt.state = 'answered';
    this.detector.heardFrom(node);
    const counted = ((this.slotStates[attempt.slot] as number) & FILLED) === 0;
    if (counted) {
      this.slotStates[attempt.slot] = (this.slotStates[attempt.slot] as number) | FILLED;
      this.counted.push(node);
    }
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

  /** Attempts still waiting for an answer. */
  get waiting(): number {
    let count = 0;
    for (const attempt of this.attempts) if (attempt.state === 'waiting') count++;
    return count;
  }

  /** The nodes whose answers filled slots, fastest first (a copy, the caller's to keep). */
  countedNodes(): string[] {
    return this.counted.slice();
  }

  get primaries(): readonly string[] {
    return this.slots;
  }

  /** Stops every attempt timer (the request is over). */
  close(): void {
    for (const attempt of this.attempts) {
      if (attempt.state === 'waiting' && attempt.wave.waiting > 0) {
        attempt.wave.waiting = 0;
        this.sink.cancelTimer(attempt.wave.timerId);
      }
    }
  }

  /** The attempt sent to `node`, if any (the latest, should one ever be asked twice). */
  private attemptTo(node: string): Attempt | undefined {
    for (let i = this.attempts.length - 1; i >= 0; i--) {
      const attempt = this.attempts[i] as Attempt;
      if (attempt.target.node === node) return attempt;
    }
    return undefined;
  }

  private launch(targets: readonly Target[]): void {
    if (targets.length === 0) return;
    const wave: Wave = { timerId: 0, waiting: targets.length };
    const first = this.attempts.length === 0;
    if (first) this.attempts = new Array<Attempt>(targets.length);
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i] as Target;
      const slot = this.slots.indexOf(slotOf(target));
      if (((this.slotStates[slot] as number) & TRIED) === 0) {
        this.slotStates[slot] = (this.slotStates[slot] as number) | TRIED;
        this.triedSlots++;
      }
      const attempt: Attempt = { target, slot, wave, state: 'waiting' };
      if (first) this.attempts[i] = attempt;
      else this.attempts.push(attempt);
    }
    wave.timerId = this.sink.setTimer(this.attemptTimeoutMs, () => this.timedOut(wave));
    for (const target of targets) this.hooks.dispatch(target);
  }

  /** Every attempt of the wave still waiting is suspected; its slot gets a stand-in if one is left. */
  private timedOut(wave: Wave): void {
    wave.waiting = 0;
    const replacements: Target[] = [];
    for (const attempt of this.attempts) {
      if (attempt.wave !== wave || attempt.state !== 'waiting') continue;
      attempt.state = 'timedOut';
      this.detector.suspect(attempt.target.node, this.nowMs());
      if (((this.slotStates[attempt.slot] as number) & FILLED) !== 0) continue;
      const tried = new Set([...this.attempts.map((a) => a.target.node), ...replacements.map((target) => target.node)]);
      const replacement = replacementFor(this.slots[attempt.slot] as string, this.preferenceList, this.n, tried, this.detector.isSuspect);
      if (replacement) replacements.push(replacement);
    }
    this.launch(replacements);
    this.hooks.changed();
  }
}
