/**
 * The replicas one request talks to: who was asked, who answered, who timed out and who
 * replaced them. Shared by gets and puts. Every attempt is timed, and the preference list
 * bounds the replacements, so a fan-out always ends. Attempts sent together (the first N,
 * or one replacement) share one timer: a request costs one timer, not one per replica.
 */
import type { EffectSink } from './effects.js';
import type { FailureDetector } from './failure-detector.js';
import { chooseTargets, replacementFor, type Target } from './targets.js';

/** Attempts sent at the same moment, and the one timer that bounds them. */
interface Wave {
  readonly attempts: Attempt[];
  timerId: number;
  waiting: number;
}

interface Attempt {
  readonly target: Target;
  readonly wave: Wave;
  state: 'waiting' | 'answered' | 'timedOut';
}

export interface FanoutHooks {
  /** Send the request to this target (or serve it locally). */
  readonly dispatch: (target: Target) => void;
  /** Called once per attempt state change, after the fan-out updated itself. */
  readonly changed: () => void;
}

export class Fanout {
  private readonly attempts = new Map<string, Attempt>();
  private readonly primaries: ReadonlySet<string>;
  private readonly initialTargets: Target[];
  /** True while the initial targets are sent: local answers must not end the request early. */
  private starting = false;

  constructor(
    private readonly preferenceList: readonly string[],
    n: number,
    private readonly attemptTimeoutMs: number,
    private readonly sink: EffectSink,
    private readonly detector: FailureDetector,
    private readonly nowMs: () => number,
    private readonly hooks: FanoutHooks,
  ) {
    this.primaries = new Set(preferenceList.slice(0, n));
    this.initialTargets = chooseTargets(preferenceList, n, (node) => detector.isSuspect(node));
  }

  /** Sends to the initial targets, then reports the state once. */
  start(): void {
    this.starting = true;
    this.launch(this.initialTargets);
    this.starting = false;
    this.hooks.changed();
  }

  /**
   * Records an answer from `node`: `record` stores what it said, then the request re-evaluates.
   * An answer from a node never asked (or already counted) is ignored.
   */
  answered(node: string, record: () => void): void {
    const attempt = this.attempts.get(node);
    if (!attempt || attempt.state === 'answered') return;
    if (attempt.state === 'waiting' && --attempt.wave.waiting === 0) this.sink.cancelTimer(attempt.wave.timerId);
    attempt.state = 'answered';
    this.detector.heardFrom(node);
    record();
    if (!this.starting) this.hooks.changed();
  }

  /** True when `node` is one of the replicas first chosen for the request. */
  targets(node: string): boolean {
    return this.initialTargets.some((target) => target.node === node);
  }

  /** The key's first primary (the owner a coordinator outside the targets keeps a hint for). */
  get firstPrimary(): string | undefined {
    return this.preferenceList[0];
  }

  /** Attempts still waiting for an answer. */
  get waiting(): number {
    let count = 0;
    for (const attempt of this.attempts.values()) if (attempt.state === 'waiting') count++;
    return count;
  }

  /** Nodes of the preference list never asked: each could still stand in for a silent one. */
  get untried(): number {
    return this.preferenceList.length - this.attempts.size;
  }

  get primaryNodes(): ReadonlySet<string> {
    return this.primaries;
  }

  /** Stops every attempt timer (the request is over). */
  close(): void {
    for (const attempt of this.attempts.values()) {
      if (attempt.state === 'waiting' && attempt.wave.waiting > 0) {
        attempt.wave.waiting = 0;
        this.sink.cancelTimer(attempt.wave.timerId);
      }
    }
  }

  private launch(targets: readonly Target[]): void {
    if (targets.length === 0) return;
    const wave: Wave = { attempts: [], timerId: 0, waiting: targets.length };
    for (const target of targets) {
      const attempt: Attempt = { target, wave, state: 'waiting' };
      wave.attempts.push(attempt);
      this.attempts.set(target.node, attempt);
    }
    wave.timerId = this.sink.setTimer(this.attemptTimeoutMs, () => this.timedOut(wave));
    for (const target of targets) this.hooks.dispatch(target);
  }

  /** Every attempt of the wave still waiting is suspected and replaced, if anything is left. */
  private timedOut(wave: Wave): void {
    wave.waiting = 0;
    let changed = false;
    for (const attempt of wave.attempts) {
      if (attempt.state !== 'waiting') continue;
      attempt.state = 'timedOut';
      changed = true;
      this.detector.suspect(attempt.target.node, this.nowMs());
      const tried = new Set(this.attempts.keys());
      const replacement = replacementFor(attempt.target, this.preferenceList, tried, (node) => this.detector.isSuspect(node), this.primaries);
      if (replacement) this.launch([replacement]);
    }
    if (changed) this.hooks.changed();
  }
}
