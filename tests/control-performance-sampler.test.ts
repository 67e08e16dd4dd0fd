/**
 * The performance sampler over made-up sources: each sample counts what every source did
 * since the one before (a new source fully, an ended one until its last report), percentiles
 * in ms, null without requests, a bounded history, and a timer that stops.
 */
import { describe, expect, it } from 'vitest';
import { PerformanceSampler, SAMPLES_KEPT } from '../src/control/performance-sampler.js';
import type { PerformanceSample } from '../src/control/service.js';
import type { RequestLatencies } from '../src/runtime/client-driver.js';
import { LatencyHistogram } from '../src/util/latency-histogram.js';

/** A source whose requests the test records. */
class Source {
  readonly get = new LatencyHistogram();
  readonly put = new LatencyHistogram();
  failures = 0;

  record(kind: 'get' | 'put', latencyUs: number, times = 1, failed = false): void {
    for (let i = 0; i < times; i++) {
      this[kind].record(latencyUs);
      if (failed) this.failures++;
    }
  }

  get latencies(): RequestLatencies {
    return { get: this.get.snapshot(), put: this.put.snapshot(), failures: this.failures };
  }
}

/** Within the histogram's resolution (a bucket's middle is at most 2.2% off). */
function expectNear(actualMs: number | null, expectedMs: number): void {
  expect(Math.abs((actualMs ?? Number.NaN) - expectedMs) / expectedMs).toBeLessThanOrEqual(0.022);
}

function sampler(sources: Map<string, Source>, emitted: PerformanceSample[] = [], periodMs?: number): PerformanceSampler {
  let nowMs = 1_000;
  return new PerformanceSampler(
    () => [...sources].map(([name, source]): [string, RequestLatencies] => [name, source.latencies]),
    (sample) => emitted.push(sample),
    { now: () => (nowMs += 1000), ...(periodMs !== undefined && { periodMs }) },
  );
}

describe('performance sampler', () => {
  it('a sample counts what every source did since the last one, with percentiles in ms', () => {
    const kv = new Source();
    const sources = new Map([['kv', kv]]);
    const emitted: PerformanceSample[] = [];
    const performance = sampler(sources, emitted);
    kv.record('get', 2000, 99);
    kv.record('get', 50_000, 1);
    kv.record('put', 4000, 10, true);
    const first = performance.sample();
    expect(first).toMatchObject({ atMs: 2000, gets: 100, puts: 10, failures: 10 });
    expectNear(first.getP50Ms, 2);
    expectNear(first.getP99Ms, 2);
    expectNear(first.putP50Ms, 4);
    expect(Number.isInteger((first.getP50Ms ?? 0) * 1000)).toBe(true);
    kv.record('get', 50_000, 2);
    const second = performance.sample();
    expect(second).toMatchObject({ atMs: 3000, gets: 2, puts: 0, failures: 0, putP50Ms: null, putP99Ms: null });
    expectNear(second.getP99Ms, 50);
    expect(emitted).toEqual([first, second]);
    expect(performance.samples()).toEqual([first, second]);
  });

  it('a source seen for the first time counts fully, and one that ended counts until its last report', () => {
    const kv = new Source();
    const actor = new Source();
    const sources = new Map([['kv', kv]]);
    const performance = sampler(sources);
    kv.record('put', 1000, 3);
    expect(performance.sample()).toMatchObject({ gets: 0, puts: 3 });
    actor.record('get', 1000, 5);
    sources.set('actor reader', actor);
    expect(performance.sample()).toMatchObject({ gets: 5, puts: 0 });
    // Its last report (the program ended): read once more, it adds nothing.
    expect(performance.sample()).toMatchObject({ gets: 0, puts: 0, getP50Ms: null, getP99Ms: null });
  });

  it('keeps the last SAMPLES_KEPT samples, oldest first', () => {
    const performance = sampler(new Map());
    for (let i = 0; i < SAMPLES_KEPT + 5; i++) performance.sample();
    const samples = performance.samples();
    expect(samples).toHaveLength(SAMPLES_KEPT);
    expect(samples[0]?.atMs).toBe(7000);
  });

  it('samples on its timer until stopped', async () => {
    const emitted: PerformanceSample[] = [];
    const performance = sampler(new Map([['kv', new Source()]]), emitted, 20);
    performance.start();
    await new Promise((resolve) => setTimeout(resolve, 130));
    performance.stop();
    const count = emitted.length;
    expect(count).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(emitted).toHaveLength(count);
  });
});
