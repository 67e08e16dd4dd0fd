/**
 * Latency and failures per YCSB operation kind, for one phase of a run.
 */
import { DynamoError } from '../../src/index.js';
import { createLatencyHistogram, recordLatencyUs, summarize, type Histogram } from '../hdr.js';
import type { YcsbOpStats } from './report.js';
import type { YcsbOperationKind } from './workload.js';

/** YCSB's operation kinds, in the order the report lists them. */
const KINDS: readonly YcsbOperationKind[] = ['READ', 'UPDATE', 'INSERT', 'READMODIFYWRITE'];

interface OpTally {
  readonly histogram: Histogram;
  errors: number;
}

/** What a phase measured of each operation kind; kinds never run are left out. */
export type PhaseStats = ReadonlyMap<YcsbOperationKind, YcsbOpStats & { readonly errors: number }>;

export class PhaseTally {
  // Made before the clock starts, so that no operation pays for a histogram's allocation.
  private readonly tallies = new Map<YcsbOperationKind, OpTally>(KINDS.map((kind) => [kind, { histogram: createLatencyHistogram(), errors: 0 }]));

  /**
   * Runs one step and records its latency under `kind`; true when it succeeded. A DynamoError
   * (a timeout, too few replicas) counts as a failed operation, as YCSB counts Return=ERROR;
   * anything else is a bug and propagates.
   */
  async timed(kind: YcsbOperationKind, step: () => Promise<void>): Promise<boolean> {
    const started = process.hrtime.bigint();
    try {
      await step();
      this.record(kind, Number(process.hrtime.bigint() - started) / 1000);
      return true;
    } catch (error) {
      if (!(error instanceof DynamoError)) throw error;
      this.fail(kind);
      return false;
    }
  }

  /** Records a latency measured by the caller (a read-modify-write as a whole). */
  record(kind: YcsbOperationKind, latencyUs: number): void {
    recordLatencyUs(this.tally(kind).histogram, latencyUs);
  }

  fail(kind: YcsbOperationKind): void {
    this.tally(kind).errors++;
  }

  /** Each kind's summary, failed operations included in `count`, in the report's order. */
  stats(): PhaseStats {
    const stats = new Map<YcsbOperationKind, YcsbOpStats & { readonly errors: number }>();
    for (const [kind, { histogram, errors }] of this.tallies) {
      const s = summarize(histogram);
      if (s.count + errors > 0) stats.set(kind, { ...s, count: s.count + errors, errors });
    }
    return stats;
  }

  private tally(kind: YcsbOperationKind): OpTally {
    const tally = this.tallies.get(kind);
    if (tally === undefined) throw new Error(`no tally for ${kind}`);
    return tally;
  }
}
