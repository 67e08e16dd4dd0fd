// Types of scripts/crash-check.mjs, for the tests.

export interface CrashValue {
  readonly cycle: number;
  readonly seq: number;
}

export interface CrashDot {
  readonly actor: string;
  readonly counter: number;
}

/** What a start read back for one key before writing. */
export interface CrashRead {
  readonly key: string;
  /** A get at R = N. */
  readonly values: readonly unknown[];
  /** Every version any node holds, with its dot (inspect). */
  readonly versions: readonly { readonly value: unknown; readonly dot: CrashDot }[];
  /** The actors of the read's context. */
  readonly actors: readonly string[];
}

/** A write the child reported once its put resolved. */
export interface CrashAck {
  readonly key: string;
  readonly value: CrashValue;
  readonly dot: CrashDot | null;
}

export type CrashProblemKind = 'lost' | 'dot-collision' | 'reused-actor' | 'unknown-dot' | 'boot' | 'foreign-value' | 'run';

export interface CrashProblem {
  readonly kind: CrashProblemKind;
  /** The start (1 for the first) during which it was found. */
  readonly cycle: number;
  readonly key?: string;
  readonly message: string;
}

export interface CrashCounts {
  readonly acknowledged: number;
  readonly reads: number;
  readonly readExactly: number;
  readonly superseded: number;
}

export declare function isCrashValue(value: unknown): value is CrashValue;

export declare class CrashChecker {
  readonly problems: CrashProblem[];
  readonly counts: CrashCounts;
  readonly keysAcknowledged: number;
  beginStart(start: number): void;
  checkBoots(boots: Readonly<Record<string, number | null>>): void;
  checkRead(read: CrashRead): void;
  recordAck(ack: CrashAck): void;
  fail(message: string): void;
}
