/**
 * Piscina worker: runs one batch of seeds, one after the other, and answers with their tally
 * (counts and the failing seeds), not their results: a batch's answer stays a few hundred
 * bytes whatever the runs did.
 */
import { runSeeds, type Tally } from './tally.js';

/** A batch: seeds `from` .. `from + count - 1`. */
export interface SeedBatch {
  readonly from: number;
  readonly count: number;
}

export default function runBatch(batch: SeedBatch): Tally {
  return runSeeds(batch.from, batch.count);
}
