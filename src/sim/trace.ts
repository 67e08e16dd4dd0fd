/**
 * A run's trace (`node dist/sim.js --seed S --trace`): one line per event, stamped with the
 * virtual time in milliseconds. Messages delivered, dropped by a cut, or lost to a node that
 * was down; the client's requests and their outcomes; and, from the sweep, faults and the
 * phases of the run.
 */
import type { ClientInput } from '../core/client.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import type { SimCluster, SimObserver } from './sim-cluster.js';

/** Gets each line of a trace, without its newline. */
export type TraceSink = (line: string) => void;

/** One trace line: the virtual time, then what happened. */
export function traceLine(atMs: number, text: string): string {
  return `${atMs.toFixed(3).padStart(10)} ${text}`;
}

/** The trace of one run: every message and client request of its cluster, and what the run adds. */
export class RunTrace {
  /** Lines held back while an action runs, to follow the lines that name the action. */
  private held: string[] | null = null;

  constructor(
    private readonly sim: SimCluster,
    private readonly sink: TraceSink,
  ) {
    const observer: SimObserver = {
      message: (atMs, from, to, msg, fate) => this.emit(traceLine(atMs, `${FATE[fate]} ${from} -> ${to} ${describeMessage(msg)}`)),
      request: (atMs, input) => this.emit(traceLine(atMs, describeRequest(input))),
      outcome: (atMs, requestId, outcome) => this.emit(traceLine(atMs, `client #${requestId} ${describeOutcome(outcome)}`)),
    };
    sim.observe(observer);
  }

  /** A line of the run's own (a fault, a phase), at the current virtual time. */
  note(text: string): void {
    this.emit(traceLine(this.sim.nowMs, text));
  }

  /**
   * Runs `act` (a fault, say), then notes what `describe` says it did, before the lines `act`
   * caused: a message dropped by a new cut follows the line naming the cut.
   */
  cause(act: () => void, describe: () => readonly string[]): void {
    const outer = this.held;
    this.held = [];
    let caused: string[];
    try {
      act();
    } finally {
      caused = this.held;
      this.held = outer;
    }
    for (const text of describe()) this.note(text);
    for (const line of caused) this.emit(line);
  }

  private emit(line: string): void {
    if (this.held) this.held.push(line);
    else this.sink(line);
  }
}

const FATE = { delivered: 'deliver', cut: 'drop(cut)', lost: 'drop(down)' } as const;

/** A message's kind, and its key and request id when it has them. */
export function describeMessage(msg: unknown): string {
  if (typeof msg !== 'object' || msg === null) return String(msg);
  const fields = msg as Record<string, unknown>;
  const parts = [String(fields['kind'])];
  if (typeof fields['key'] === 'string') parts.push(fields['key']);
  if (typeof fields['reqId'] === 'number') parts.push(`#${fields['reqId']}`);
  return parts.join(' ');
}

function describeRequest(input: ClientInput): string {
  switch (input.kind) {
    case 'get':
      return `client #${input.requestId} get ${input.spec.key} r=${input.spec.r}`;
    case 'put': {
      const { key, value, deleted, w } = input.spec;
      return `client #${input.requestId} ${deleted ? 'delete' : 'put'} ${key}${deleted ? '' : ` ${JSON.stringify(value)}`} w=${w}`;
    }
    default:
      return `client ${input.kind}`;
  }
}

function describeOutcome(outcome: GetOutcome | PutOutcome): string {
  if (!outcome.ok) return `${outcome.code}: ${outcome.message}`;
  if ('versions' in outcome) return `ok, ${outcome.versions.length} version(s) from ${outcome.repliedBy.join(',')}`;
  return `ok, acked by ${outcome.ackedBy.join(',')}`;
}
