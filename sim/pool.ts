/**
 * Seeds in parallel: a piscina pool of worker threads, each running batches of seeds with
 * runSeed (pool-task.ts). Batches are small, so the threads stay busy to the end and progress
 * moves often; their tallies are merged here as they come back.
 */
import { Piscina } from 'piscina';
import { compiledSibling } from '../src/util/compiled-path.js';
import { workerExecArgv } from '../src/util/worker-argv.js';
import type { SeedBatch } from './pool-task.js';
import { EMPTY_TALLY, mergeTallies, type Tally } from './tally.js';

export interface PoolRun {
  /** The first seed, and how many seeds from it. */
  readonly from: number;
  readonly count: number;
  /** Worker threads. */
  readonly threads: number;
  /** Seeds per task; by default at most 10, and fewer when there are few seeds per thread. */
  readonly batchSize?: number;
  /** Called as each batch comes back, with its tally and the tally so far. */
  readonly onBatch?: (batch: Tally, total: Tally) => void;
}

/** Seeds per task: about a second of work, and at least eight tasks per thread when the run is small. */
export function batchSizeFor(count: number, threads: number): number {
  return Math.max(1, Math.min(10, Math.ceil(count / (threads * 8))));
}

/** Runs the seeds in a pool and tallies them. The pool is destroyed when done, also on error. */
export async function runSeedsInPool(run: PoolRun): Promise<Tally> {
  const size = run.batchSize ?? batchSizeFor(run.count, run.threads);
  const batches: SeedBatch[] = [];
  for (let offset = 0; offset < run.count; offset += size) batches.push({ from: run.from + offset, count: Math.min(size, run.count - offset) });
  const threads = Math.max(1, Math.min(run.threads, batches.length));
  const pool = new Piscina<SeedBatch, Tally>({
    // A worker must be a .js file: from the build this is the sibling, under vitest the same
    // file in dist/.
    filename: compiledSibling(import.meta.url, './pool-task.js').href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: workerExecArgv(),
  });
  let total = EMPTY_TALLY;
  try {
    await Promise.all(
      batches.map(async (batch) => {
        const tally = await pool.run(batch);
        total = mergeTallies(total, tally);
        run.onBatch?.(tally, total);
      }),
    );
    return total;
  } finally {
    await pool.destroy();
  }
}
