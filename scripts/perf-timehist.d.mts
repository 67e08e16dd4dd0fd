// Types of scripts/perf-timehist.mjs, for the tests.

export interface TimehistLine {
  readonly endS: number;
  readonly cpu: number;
  readonly idle: boolean;
  /** Undefined for the idle task, and for a task whose ids perf cut off. */
  readonly tid: number | undefined;
  readonly delayMs: number;
  readonly runMs: number;
}

export declare function parseTimehistLine(line: string): TimehistLine | null;
