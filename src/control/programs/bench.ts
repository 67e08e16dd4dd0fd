/**
 * `dynamo_bench_client`: the seed's benchmark client. `num_ops` operations, alternating put
 * and get over key0..key99, one at a time; each latency goes into an HDR histogram
 * (microseconds, 3 significant digits), and the program prints the percentiles of each kind
 * at the end, with a progress line every tenth of the run.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { ProgramRun } from '../../runtime/client-program.js';
import { EMPTY_CONTEXT } from '../../core/causal-context.js';

const KEYS = 100;
const PERCENTILES = [50, 90, 99, 99.9] as const;

export async function run({ client, args, print }: ProgramRun): Promise<boolean> {
  const numOps = (args as { numOps: number }).numOps;
  const histograms = { GET: newHistogram(), PUT: newHistogram() };
  let failures = 0;
  const startedAt = performance.now();
  const progressEvery = Math.max(1, Math.floor(numOps / 10));
  for (let i = 0; i < numOps; i++) {
    const key = `key${i % KEYS}`;
    const kind = i % 2 === 0 ? 'PUT' : 'GET';
    const opStart = performance.now();
    const outcome = kind === 'PUT' ? await client.put(key, `value${i}`, EMPTY_CONTEXT) : await client.get(key);
    const latencyUs = Math.max(1, Math.round((performance.now() - opStart) * 1000));
    if (outcome.ok) histograms[kind].recordValue(latencyUs);
    else if (failures++ < 5) print(`${kind} ${key} failed: ${outcome.code}: ${outcome.message}`);
    if ((i + 1) % progressEvery === 0) print(`progress: ${i + 1}/${numOps} operations`);
  }
  const seconds = (performance.now() - startedAt) / 1000;
  print(`${numOps} operations in ${seconds.toFixed(2)} s (${(numOps / seconds).toFixed(0)} ops/s), ${failures} failed`);
  for (const [kind, histogram] of Object.entries(histograms)) print(describeHistogram(kind, histogram));
  return failures === 0;
}

function newHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, autoResize: true, useWebAssembly: false });
}

/** `GET n=500 p50=312us p90=... max=...`: the seed's percentiles, in microseconds. */
function describeHistogram(kind: string, histogram: Histogram): string {
  if (histogram.totalCount === 0) return `${kind} n=0`;
  const percentiles = PERCENTILES.map((p) => `p${p}=${histogram.getValueAtPercentile(p)}us`).join(' ');
  return `${kind} n=${histogram.totalCount} ${percentiles} max=${histogram.maxValue}us mean=${histogram.mean.toFixed(0)}us`;
}
