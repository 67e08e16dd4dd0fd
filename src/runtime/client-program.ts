/**
 * A client actor's program, as a node controller runs it in its own worker thread (after
 * Reactor's operator libraries: the worker loads the program's module by path, so the
 * runtime knows no program). The program talks to the ring through `ProgramClient` and
 * reports through `print`; it resolves true when every operation succeeded.
 */
import type { EngineTuning } from '../core/config.js';
import type { CausalContext } from '../protocol/data.js';
import type { ChaosRule } from '../transport/chaos.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import type { RequestLatencies } from './client-driver.js';

export interface ProgramClient {
  /** The client's endpoint id: unique in the ring, and the actor a program names its own changes by. */
  readonly clientId: string;
  get(key: string): Promise<GetOutcome>;
  put(key: string, value: unknown, context: CausalContext): Promise<PutOutcome>;
  delete(key: string, context: CausalContext): Promise<PutOutcome>;
}

export interface ProgramRun {
  readonly client: ProgramClient;
  /** The placement entry's program arguments (a script, num_ops), already validated by the job controller. */
  readonly args: unknown;
  print(line: string): void;
}

/** What a program module exports. */
export type ClientProgram = (run: ProgramRun) => Promise<boolean>;

/** What the main thread hands a client worker. */
export interface ClientWorkerData {
  readonly clientId: string;
  /** file: URL of the program's module; it exports `run: ClientProgram`. */
  readonly programUrl: string;
  readonly args: unknown;
  /** The ring's nodes, and those this client may send requests to. */
  readonly ring: readonly string[];
  readonly reachable: readonly string[];
  readonly tuning: EngineTuning;
  /** The chaos rules in force when the client starts. */
  readonly chaos: readonly ChaosRule[];
}

/** What the main thread posts to a client worker. */
export type ClientWorkerCommand = { readonly kind: 'chaos'; readonly rules: readonly ChaosRule[] };

/**
 * How often a client worker reports its requests' latencies: several times per second, so
 * that the controller's once-a-second sampler, on a timer of its own, always finds a report
 * of the second it samples (at one report a second the two drift in and out of step, and a
 * second of requests would land in the next sample).
 */
export const LATENCY_REPORT_MS = 200;

/** What a client worker posts to the main thread. */
export type ClientWorkerReport =
  | { readonly kind: 'line'; readonly text: string }
  /** Every LATENCY_REPORT_MS, and once more just before `done`: the client's requests so far (cumulative). */
  | { readonly kind: 'latency'; readonly latencies: RequestLatencies }
  | { readonly kind: 'done'; readonly ok: boolean; readonly error?: string };
