/**
 * The one effect host: it runs a state machine of the core (a node, or the client) over a
 * Transport and a Scheduler, and carries out every effect the machine returns. The worker
 * shell, the client driver and the simulator all use it, with real ports and timers in the
 * first two and a virtual network and clock in the third, so the core runs the same way in
 * all three. Every switch is exhaustive: a new kind of effect does not compile until it is
 * handled here.
 */
import { assertNever } from '../core/assert.js';
import { StepFailure, type Effect, type HostInput, type StateMachine } from '../core/effects.js';
import { IdMap } from '../core/id-map.js';
import { isMessage } from '../protocol/guards.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import type { Transport } from '../transport/transport.js';

/** Time and timers as a host has them: real in a thread, virtual in the simulator. */
export interface Scheduler<Handle = unknown> {
  nowMs(): number;
  /** Runs `run` after `delayMs`; returns a handle for `cancel`. */
  schedule(delayMs: number, run: () => void): Handle;
  cancel(handle: Handle): void;
}

export interface HostHooks<I> {
  /** A local caller's request was answered (the client's `settle` effect). */
  readonly settled: (requestId: number, outcome: GetOutcome | PutOutcome) => void;
  /** The machine threw on an input: a broken invariant, a bug. */
  readonly failed: (error: unknown, input: I | HostInput) => void;
}

export class EffectHost<I extends { readonly kind: string; readonly nowMs: number }, Handle = unknown> {
  private readonly timers = new IdMap<Handle>();
  private running = true;
  /** Arrivals that were not a well-formed message: dropped. */
  invalidMessages = 0;
  /** Inputs the machine threw on: dropped, and reported through `failed`. */
  internalErrors = 0;

  constructor(
    private readonly machine: StateMachine<I | HostInput>,
    private readonly transport: Transport,
    private readonly scheduler: Scheduler<Handle>,
    private readonly hooks: HostHooks<I>,
  ) {
    transport.onMessage((from, msg) => {
      if (!isMessage(msg)) {
        this.invalidMessages++;
        return;
      }
      this.input({ kind: 'receive', from, msg, nowMs: scheduler.nowMs() });
    });
  }

  get nowMs(): number {
    return this.scheduler.nowMs();
  }

  /** Feeds one input to the machine and performs what it asks for. */
  input(input: I | HostInput): void {
    if (!this.running) return;
    let effects: Effect[];
    try {
      effects = this.machine.step(input);
    } catch (error) {
      this.internalErrors++;
      // A core machine hands over what it had asked for before the error (its one host
      // timer among it): that input is lost, the rest of the machine goes on as it was.
      this.hooks.failed(error instanceof StepFailure ? error.failure : error, input);
      if (error instanceof StepFailure && this.running) this.perform(error.effects);
      return;
    }
    this.perform(effects);
  }

  /** Stops feeding the machine and cancels its timers; arrivals are ignored from now on. */
  stop(): void {
    this.running = false;
    for (const handle of this.timers.values()) this.scheduler.cancel(handle);
    this.timers.clear();
  }

  private perform(effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'send':
          this.transport.send(effect.to, effect.msg);
          break;
        case 'setTimer': {
          const { timerId } = effect;
          const handle = this.scheduler.schedule(effect.delayMs, () => {
            this.timers.delete(timerId);
            this.input({ kind: 'timer', timerId, nowMs: this.scheduler.nowMs() });
          });
          this.timers.set(timerId, handle);
          break;
        }
        case 'cancelTimer': {
          const handle = this.timers.get(effect.timerId);
          if (handle !== undefined) this.scheduler.cancel(handle);
          this.timers.delete(effect.timerId);
          break;
        }
        case 'settle':
          this.hooks.settled(effect.requestId, effect.outcome);
          break;
        default:
          assertNever(effect, 'effect');
      }
    }
  }
}
