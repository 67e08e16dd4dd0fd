/**
 * The dashboard's performance view: once a period (a second), the client requests that ended
 * here in it, from every source's latency histograms (the controller's KV client, each
 * client actor). Sources hand out cumulative snapshots, and the sampler keeps the previous one
 * of each to take the difference: a source read late loses nothing, and an actor that ended
 * still counts its last second (its final snapshot is read once more, then differs by zero).
 */
import type { RequestLatencies } from '../runtime/client-driver.js';
import { countOf, mergeCounts, percentileUs, subtractCounts, type LatencyCounts } from '../util/latency-histogram.js';
import type { PerformanceSample } from './service.js';

/** Every source's cumulative latencies now, keyed by a name that stays the source's own. */
export type LatencySources = () => Iterable<readonly [name: string, latencies: RequestLatencies]>;

export interface PerformanceSamplerOptions {
  /** The period of the samples (default 1000 ms). */
  readonly periodMs?: number;
  /** Stamps the samples (default Date.now). */
  readonly now?: () => number;
}

/** Samples kept: five minutes at the default period. */
export const SAMPLES_KEPT = 300;
const DEFAULT_PERIOD_MS = 1000;
const NOTHING: RequestLatencies = { get: [], put: [], failures: 0 };

export class PerformanceSampler {
  private readonly previous = new Map<string, RequestLatencies>();
  private readonly kept: PerformanceSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: LatencySources,
    private readonly emit: (sample: PerformanceSample) => void,
    private readonly options: PerformanceSamplerOptions = {},
  ) {}

  /** Samples every period until `stop`; the timer keeps no process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    const periodMs = this.options.periodMs ?? DEFAULT_PERIOD_MS;
    if (!Number.isSafeInteger(periodMs) || periodMs < 1) throw new Error(`periodMs must be a positive integer, got ${periodMs}`);
    this.timer = setInterval(() => this.sample(), periodMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The samples kept, oldest first (copies of the list; the samples themselves are frozen). */
  samples(): PerformanceSample[] {
    return [...this.kept];
  }

  /** Takes one sample now: what every source counted since the last one. */
  sample(): PerformanceSample {
    let get: LatencyCounts = [];
    let put: LatencyCounts = [];
    let failures = 0;
    for (const [name, now] of this.sources()) {
      const before = this.previous.get(name) ?? NOTHING;
      this.previous.set(name, now);
      get = mergeCounts(get, subtractCounts(now.get, before.get));
      put = mergeCounts(put, subtractCounts(now.put, before.put));
      failures += Math.max(0, now.failures - before.failures);
    }
    const sample: PerformanceSample = Object.freeze({
      atMs: (this.options.now ?? Date.now)(),
      gets: countOf(get),
      puts: countOf(put),
      failures,
      getP50Ms: inMs(percentileUs(get, 0.5)),
      getP99Ms: inMs(percentileUs(get, 0.99)),
      putP50Ms: inMs(percentileUs(put, 0.5)),
      putP99Ms: inMs(percentileUs(put, 0.99)),
    });
    this.kept.push(sample);
    if (this.kept.length > SAMPLES_KEPT) this.kept.shift();
    this.emit(sample);
    return sample;
  }
}

/** µs to ms, to the µs (three decimals). */
function inMs(latencyUs: number | null): number | null {
  return latencyUs === null ? null : Math.round(latencyUs) / 1000;
}
