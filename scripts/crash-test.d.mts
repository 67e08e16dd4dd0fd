// Types of scripts/crash-test.mjs, for the tests.
import type { CrashCounts, CrashProblem } from './crash-check.mjs';

export interface CrashSettings {
  readonly cycles: number;
  readonly minRunMs: number;
  readonly maxRunMs: number;
  readonly writers: number;
  readonly keysPerWriter: number;
  readonly durability: 'commit' | 'flush';
  readonly startTimeoutMs: number;
  readonly exitTimeoutMs: number;
}

export interface CrashTestOptions extends Partial<CrashSettings> {
  readonly seed?: number;
  /** Else a new temporary directory, removed at the end unless `keep`. */
  readonly dir?: string;
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
  /** Called between a kill and the next start. */
  readonly beforeRestart?: (dir: string, cycle: number) => void;
}

/** One kill cycle, as the parent saw it. */
export interface CrashCycle {
  readonly start: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly startMs: number;
  readonly readMs: number;
  readonly runMs: number;
}

export interface CrashSummary {
  readonly seed: number;
  readonly dir: string;
  readonly cycles: readonly CrashCycle[];
  readonly counts: CrashCounts;
  readonly keysAcknowledged: number;
  readonly problems: readonly CrashProblem[];
  readonly wallMs: number;
}

export declare const CRASH_DEFAULTS: Readonly<CrashSettings>;

export declare function runCrashTest(options?: CrashTestOptions): Promise<CrashSummary>;
