/**
 * What a run of many seeds adds up to, kept small enough to cross a thread boundary: counts,
 * sums, and the failing seeds in full. A pool task tallies its batch of seeds (pool-task.ts);
 * the main thread merges the tallies (pool.ts) and reports them (report.ts).
 */
import { runSeed, type RunOptions, type SweepResult } from '../src/sim/sweep.js';

/** The kinds of fault the sweep injects; the report lists each, even at zero. */
export const FAULT_KINDS = ['partition', 'cut', 'slow', 'heal', 'crash', 'restart', 'join', 'leave', 'chaos', 'chaos-clear'] as const;

export interface SeedFailure {
  readonly seed: number;
  /** The checkers' violations; a run that threw has one, `threw`, with the error's message. */
  readonly violations: readonly { readonly check: string; readonly detail: string }[];
}

export interface Tally {
  readonly seeds: number;
  /** Failing seeds, in seed order. */
  readonly failures: readonly SeedFailure[];
  /** Faults injected, by kind (the first word of each fault the sweep reports). */
  readonly faults: Readonly<Record<string, number>>;
  /** Writes acknowledged to the clients, and writes attempted. */
  readonly acknowledged: number;
  readonly attempted: number;
  /** Virtual time simulated, summed over the seeds. */
  readonly virtualMs: number;
}

export const EMPTY_TALLY: Tally = { seeds: 0, failures: [], faults: {}, acknowledged: 0, attempted: 0, virtualMs: 0 };

/** One seed's tally: its result, or the error it threw (a broken invariant in the simulator). */
export function tallyOf(seed: number, outcome: SweepResult | { readonly error: unknown }): Tally {
  if ('error' in outcome) {
    const { error } = outcome;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ...EMPTY_TALLY, seeds: 1, failures: [{ seed, violations: [{ check: 'threw', detail }] }] };
  }
  const faults: Record<string, number> = {};
  for (const fault of outcome.faults) {
    const kind = fault.split(' ', 1)[0] ?? fault;
    faults[kind] = (faults[kind] ?? 0) + 1;
  }
  return {
    seeds: 1,
    failures: outcome.violations.length === 0 ? [] : [{ seed, violations: outcome.violations.map(({ check, detail }) => ({ check, detail })) }],
    faults,
    acknowledged: outcome.acknowledged,
    attempted: outcome.attempted,
    virtualMs: outcome.virtualMs,
  };
}

/** Two tallies as one. */
export function mergeTallies(a: Tally, b: Tally): Tally {
  const faults: Record<string, number> = { ...a.faults };
  for (const [kind, count] of Object.entries(b.faults)) faults[kind] = (faults[kind] ?? 0) + count;
  return {
    seeds: a.seeds + b.seeds,
    failures: [...a.failures, ...b.failures].sort((x, y) => x.seed - y.seed),
    faults,
    acknowledged: a.acknowledged + b.acknowledged,
    attempted: a.attempted + b.attempted,
    virtualMs: a.virtualMs + b.virtualMs,
  };
}

/** Runs seeds `from` .. `from + count - 1` one after the other, here, and tallies them. */
export function runSeeds(from: number, count: number, options: RunOptions = {}): Tally {
  let tally = EMPTY_TALLY;
  for (let seed = from; seed < from + count; seed++) {
    let outcome: SweepResult | { readonly error: unknown };
    try {
      outcome = runSeed(seed, {}, options);
    } catch (error) {
      outcome = { error };
    }
    tally = mergeTallies(tally, tallyOf(seed, outcome));
  }
  return tally;
}
