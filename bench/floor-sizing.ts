/**
 * How long a run's floor measures (bench/floor.ts): as many requests as the run within
 * bounds, and a warm-up at least as long as the run's.
 */
import type { FloorSpec } from './floor.js';

/** How many requests a floor measures, and how many it runs first. */
export type FloorSizing = Pick<FloorSpec, 'ops' | 'warmupOps'>;

const FLOOR_MIN_OPS = 2000;
const FLOOR_MAX_OPS = 20_000;
const CONCURRENT_FLOOR_MAX_OPS = 60_000;

/**
 * The floor's size for a run of `runOps` operations at `concurrency` after `runWarmupOps` of
 * warm-up: cheap, enough requests to be stable, and at least as warm as the run. The floor's
 * threads compile their code as the engine's do (at concurrency 64 the floor's throughput
 * roughly doubles over its first 60,000 requests, docs/PERFORMANCE.md), so a floor warmed less
 * than the run would flatter the engine's multiples of it. Above concurrency 1 it measures as
 * many requests as the run, up to 60,000: its throughput over 20,000 requests (0.2 s) moved
 * from 73,000 to 124,000 a second between consecutive measurements on one mesh, over 60,000
 * from 95,000 to 125,000 ("The thirteenth round"). At concurrency 1, where the figures are
 * its percentiles, 20,000 are enough.
 */
export function floorSizing(runOps: number, runWarmupOps = 0, concurrency = 1): FloorSizing {
  const ops = Math.min(concurrency > 1 ? CONCURRENT_FLOOR_MAX_OPS : FLOOR_MAX_OPS, Math.max(FLOOR_MIN_OPS, runOps));
  return { ops, warmupOps: Math.max(200, Math.round(ops / 10), runWarmupOps) };
}
