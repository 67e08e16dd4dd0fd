/**
 * Request latencies as a log-bucketed histogram, in microseconds: 16 buckets per power of
 * two, so a bucket spans 2^(1/16) ≈ 4.4% of its value, and a percentile read back from it is
 * within about 2.2% of the exact one (a bucket answers with its geometric middle). Recording
 * is one logarithm and one increment; the counts are a plain dense array, so that a snapshot
 * crosses a thread (postMessage) or a merge costs nothing more than the array itself.
 *
 * Snapshots are cumulative: whoever wants one second's requests subtracts the snapshot taken
 * a second earlier. A source that is read late, or whose reports arrive late, then loses
 * nothing: its requests show up in the next difference instead.
 */

/** Bucket i counts latencies in [2^(i/16), 2^((i+1)/16)) µs; bucket 0 also those below 1 µs. Trailing zero buckets are left out. */
export type LatencyCounts = readonly number[];

/** Buckets per power of two. */
const SUB_BUCKETS = 16;
/** The last bucket: 2^40 µs is 12 days, so only a broken clock gets there, and it must not grow the array without end. */
const LAST_BUCKET = 40 * SUB_BUCKETS;

/** The bucket of a latency. */
export function bucketOf(latencyUs: number): number {
  return latencyUs <= 1 ? 0 : Math.min(LAST_BUCKET, Math.floor(Math.log2(latencyUs) * SUB_BUCKETS));
}

/** The value a bucket stands for: its geometric middle. */
export function bucketValueUs(bucket: number): number {
  return 2 ** ((bucket + 0.5) / SUB_BUCKETS);
}

/** A histogram being recorded into (one per request kind and source). */
export class LatencyHistogram {
  private readonly counts: number[] = [];

  /** Counts one request that took `latencyUs` (negative or NaN values, a clock gone wrong, count as 0). */
  record(latencyUs: number): void {
    const bucket = bucketOf(latencyUs > 0 ? latencyUs : 0);
    while (this.counts.length <= bucket) this.counts.push(0);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
  }

  /** A copy of the counts so far (cumulative). */
  snapshot(): number[] {
    return [...this.counts];
  }
}

/** The sum of two histograms. */
export function mergeCounts(a: LatencyCounts, b: LatencyCounts): number[] {
  const out = a.length >= b.length ? [...a] : [...b];
  const shorter = a.length >= b.length ? b : a;
  for (let i = 0; i < shorter.length; i++) out[i] = (out[i] ?? 0) + (shorter[i] ?? 0);
  return out;
}

/**
 * What `later` counted since `earlier` (two cumulative snapshots of one histogram). A bucket
 * that went down (the source started over) counts as 0 rather than negative.
 */
export function subtractCounts(later: LatencyCounts, earlier: LatencyCounts): number[] {
  const out = later.map((count, i) => Math.max(0, count - (earlier[i] ?? 0)));
  return trimmed(out);
}

/** Requests counted. */
export function countOf(counts: LatencyCounts): number {
  let total = 0;
  for (const count of counts) total += count;
  return total;
}

/**
 * The latency at `quantile` (0.5 for the median, 0.99 for p99) by nearest rank: the smallest
 * bucket holding at least that share of the requests. Null when nothing was counted.
 */
export function percentileUs(counts: LatencyCounts, quantile: number): number | null {
  const total = countOf(counts);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, quantile)) * total));
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket] ?? 0;
    if (seen >= rank) return bucketValueUs(bucket);
  }
  // Unreachable: the ranks run out at `total`, which the last bucket reaches.
  return bucketValueUs(counts.length - 1);
}

function trimmed(counts: number[]): number[] {
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end--;
  counts.length = end;
  return counts;
}
