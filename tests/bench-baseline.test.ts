import { describe, expect, it } from 'vitest';
import { measureBaseline } from '../bench/baseline.js';

describe('baseline - raw MessagePort round trips', () => {
  it('measures positive, finite figures from a real worker', async () => {
    const result = await measureBaseline({ roundTrips: 500, warmup: 100, pipelinedMessages: 5000, window: 64 });
    for (const value of Object.values(result)) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    expect(result.rtt_p50_us).toBeLessThan(10_000);
    expect(result.rtt_p50_us).toBeLessThanOrEqual(result.rtt_p99_us);
    expect(result.pipelined_rt_per_s).toBeGreaterThan(0);
  });

  it('works with a window larger than the message count and no warm-up', async () => {
    const result = await measureBaseline({ roundTrips: 10, warmup: 0, pipelinedMessages: 5, window: 64 });
    expect(result.pipelined_rt_per_s).toBeGreaterThan(0);
  });

  it('refuses options it cannot honour before starting a worker', async () => {
    await expect(measureBaseline({ roundTrips: 0 })).rejects.toThrow(RangeError);
    await expect(measureBaseline({ window: 1.5 })).rejects.toThrow(RangeError);
  });
});
