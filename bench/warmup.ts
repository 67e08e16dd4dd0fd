/**
 * How a run warms up, the engine's and the floor's alike: most of it at concurrency 64, the
 * rest at the run's own concurrency (bench/run.ts `warmUp` runs the parts on a cluster).
 *
 * V8 optimizes a function after it has run a certain amount of bytecode, so what warms the
 * code is the number of requests, not the time they take; at concurrency 64 they take a
 * fraction of the time they take one at a time. `node scripts/deopt-count.mjs node 1 20000
 * 20000`, the old default warm-up of a run at concurrency 1: 86-88 functions optimized in the
 * measured phase, the request path's among them (`dotFor`, `fire`, `route`, `PutRequest`),
 * 440-617 ms of the compiler threads, which hold a core for milliseconds while the node
 * threads wait; after 54,000 requests at concurrency 64 and 6,000 at 1, in about the time the
 * 20,000 took (`... node 1 60000 20000 --bench-warmup`), 17-25 and 77-186 ms
 * (docs/PERFORMANCE.md, "The thirteenth round"). The last part at the run's own concurrency gives the code the shapes of
 * that concurrency too (a batch of one message, a quiet turn), and is what the measuring
 * follows. A --rate run's warm-up is closed loop, at its --concurrency, as before.
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
 * run's concurrency is that high already, or where nine tenths would not fill
 * WARMUP_CONCURRENCY clients once; none for no requests.
 */
export function warmupPhases(ops: number, concurrency: number): WarmupPhase[] {
  if (ops <= 0) return [];
  const own = Math.max(1, Math.round(ops / 10));
  if (concurrency >= WARMUP_CONCURRENCY || ops - own < WARMUP_CONCURRENCY) return [{ ops, concurrency }];
  return [
    { ops: ops - own, concurrency: WARMUP_CONCURRENCY },
    { ops: own, concurrency },
  ];
}
