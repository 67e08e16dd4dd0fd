/**
 * The shapes a simulated cluster takes and gives: its options, what a node holds, the options
 * of a put, and the observer a trace plugs in.
 */
import type { ClientInput, CoordinationMode } from '../core/client.js';
import type { EngineTuning } from '../core/config.js';
import type { NodeKeyView } from '../core/node.js';
import type { CausalContext } from '../protocol/data.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly mode?: CoordinationMode;
  readonly tuning?: Partial<EngineTuning>;
  /** Message delay bounds; each message draws its delay from the PRNG. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface Holding extends NodeKeyView {
  readonly node: string;
}

/** Sees a run as it goes (a trace): every message's fate, and the client's requests and outcomes. */
export interface SimObserver {
  /** Delivered; dropped by a cut (one-way or partition); or lost to an endpoint that was down. */
  message(atMs: number, from: string, to: string, msg: unknown, fate: 'delivered' | 'cut' | 'lost'): void;
  request(atMs: number, input: ClientInput): void;
  outcome(atMs: number, requestId: number, outcome: GetOutcome | PutOutcome): void;
}

export interface PutOptions {
  readonly context?: CausalContext;
  readonly w?: number;
  readonly timeoutMs?: number;
  readonly deleted?: boolean;
}
