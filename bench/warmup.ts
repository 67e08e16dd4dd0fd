/**
 * How a run warms up, the engine's and the floor's alike: most of it at concurrency 64, the
 * rest at the run's own concurrency.
 *
 * V8 optimizes a function after it has run a certain amount of bytecode, so what warms the
 * code is the number of requests, not the time they take. At concurrency 1, 20,000 requests
 * (2 s) still left the measured phase compiling: 73 functions optimized in it, the request
 * path's among them (`dotFor`, `fire`, `route`, `PutRequest`), 392 ms of the compiler
 * threads, which take a core from the node threads for milliseconds at a time. After 54,000
 * requests at concurrency 64 and 6,000 at 1, in about the same time, 17-21 were
 * (docs/PERFORMANCE.md, "The thirteenth round"). The last part at the run's own concurrency
 * gives the code the shapes of that concurrency too (a batch of one message, a quiet turn).
 */

/** Concurrency of the first part of a warm-up, where the run's own is lower. */
export const WARMUP_CONCURRENCY = 64;

/** One part of a warm-up. */
export interface WarmupPhase {
  readonly ops: number;
  readonly concurrency: number;
}

/**
 * The parts of a warm-up of `ops` requests for a run at `concurrency`: nine tenths at
 * WARMUP_CONCURRENCY then a tenth (at least one request) at the run's own; one part where the
 * run's concurrency is that high already; none for no requests.
 */
export function warmupPhases(ops: number, concurrency: number): WarmupPhase[] {
  if (ops <= 0) return [];
  if (concurrency >= WARMUP_CONCURRENCY) return [{ ops, concurrency }];
  const own = Math.max(1, Math.round(ops / 10));
  return own < ops ? [{ ops: ops - own, concurrency: WARMUP_CONCURRENCY }, { ops: own, concurrency }] : [{ ops, concurrency }];
}
