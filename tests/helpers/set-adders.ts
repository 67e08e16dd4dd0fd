/**
 * Clients of a Jepsen-style set test in the simulator: each adds one new element at a time to
 * its set key by get, merge every sibling, put with the read's context. What was acknowledged
 * must be in the final read.
 */
import type { GetOutcome, PutOutcome } from '../../src/protocol/outcomes.js';
import type { SimCluster } from '../../src/sim/sim-cluster.js';

type Phase =
  | { kind: 'idle' }
  | { kind: 'reading'; key: string; poll: () => GetOutcome | undefined }
  | { kind: 'writing'; key: string; element: number; poll: () => PutOutcome | undefined };

/** Every element of every live sibling, sorted. */
export function union(outcome: Extract<GetOutcome, { ok: true }>): number[] {
  return [...new Set(outcome.versions.filter((v) => !v.deleted).flatMap((v) => v.value as number[]))].sort((a, b) => a - b);
}

export class SetAdders {
  /** Elements whose put was acknowledged, per key. */
  readonly acknowledged = new Map<string, number[]>();
  /** Puts started. */
  attempts = 0;
  private readonly clients: Phase[];
  private nextElement = 1;

  constructor(
    private readonly sim: SimCluster,
    count: number,
    /** The key client `i` adds to. */
    private readonly keyOf: (client: number) => string,
  ) {
    this.clients = Array.from({ length: count }, () => ({ kind: 'idle' }));
  }

  /** Moves every client one step: start a read, put the merged set plus one, or note the ack. */
  step(): void {
    this.clients.forEach((phase, i) => {
      if (phase.kind === 'idle') {
        const key = this.keyOf(i);
        this.clients[i] = { kind: 'reading', key, poll: this.sim.getAsync(key) };
      } else if (phase.kind === 'reading') {
        const read = phase.poll();
        if (!read) return;
        if (!read.ok) {
          this.clients[i] = { kind: 'idle' };
          return;
        }
        const element = this.nextElement++;
        this.attempts++;
        this.clients[i] = { kind: 'writing', key: phase.key, element, poll: this.sim.putAsync(phase.key, [...union(read), element], read.context) };
      } else {
        const written = phase.poll();
        if (!written) return;
        if (written.ok) this.acknowledged.set(phase.key, [...(this.acknowledged.get(phase.key) ?? []), phase.element]);
        this.clients[i] = { kind: 'idle' };
      }
    });
  }
}
