/**
 * The human summary of a run: the floor and the transport baseline it is compared with, GET
 * and PUT percentiles each with its multiple of the floor's p50, and with --hgrm the full HDR
 * percentile distributions (about 50 lines each, so they are only printed on request; the run
 * always writes them to files).
 */
import { join } from 'node:path';
import { describeStorage } from './cluster-data.js';
import { formatMultiple, toHgrm, type Histogram } from './hdr.js';
import type { RunSummary } from './summary.js';

const COLUMNS = ['count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'] as const;

/** What every "(1.23x)" of the report is a multiple of. */
export const MULTIPLES_LEGEND = "x = multiple of the floor's p50 (same N/W/R, nodes, coordination, concurrency)";

export function formatRunReport(summary: RunSummary, histograms: { get: Histogram; put: Histogram }, options: { hgrm: boolean }): string {
  const baseline = summary.baseline;
  const floorP50Us = baseline?.floor.p50_us;
  const lines: string[] = [];
  const mode = summary.rate_ops_s === null ? `closed loop, concurrency ${summary.concurrency}` : `open loop at ${summary.rate_ops_s} ops/s (max ${summary.concurrency} in flight)`;
  lines.push(`Dynamo bench: ${summary.ops} ops at N=${summary.N} W=${summary.W} R=${summary.R}, ${summary.nodes} nodes, ${summary.coordination} coordination, ${mode}`);
  lines.push(`keys ${summary.keys}, values ${summary.value_bytes} B, read ratio ${summary.read_ratio}, seed ${summary.seed}`);
  lines.push(describeStorage(summary.storage));
  if (baseline) {
    const { floor } = baseline;
    lines.push(`floor (same threads, N/W/R, nodes, coordination, concurrency; no Dynamo logic): p50 ${floor.p50_us} us, p99 ${floor.p99_us} us, ${floor.throughput_ops_s} ops/s (${floor.ops} requests, ${floor.messages_per_op} messages each)`);
    lines.push(`baseline: MessagePort round trip p50 ${baseline.rtt_p50_us} us (p99 ${baseline.rtt_p99_us} us), pipelined ${Math.round(baseline.pipelined_rt_per_s)} round trips/s`);
    lines.push(MULTIPLES_LEGEND);
  } else {
    lines.push('floor and baseline skipped (--no-baseline): no multiples');
  }
  lines.push('');
  lines.push(['op ', ...COLUMNS.map((c, i) => c.padStart(i === 0 ? 8 : 19))].join(''));
  for (const [name, s] of [['GET', summary.get], ['PUT', summary.put]] as const) {
    const cells = [s.count, s.mean_us, s.p50_us, s.p90_us, s.p99_us, s.p999_us, s.max_us].map((v, i) =>
      i === 0 ? String(v).padStart(8) : ` ${v.toFixed(1)}us${floorP50Us === undefined ? '' : ` (${formatMultiple(v, floorP50Us)})`}`.padStart(19),
    );
    lines.push([name, ...cells].join(''));
  }
  lines.push('');
  lines.push(`GET hits ${summary.get.hits}/${summary.get.count} (${(summary.get.hit_rate * 100).toFixed(1)}%), sibling reads ${summary.get.sibling_reads}, read repairs ${summary.read_repairs}`);
  const overFloor = summary.floor_multiples ? ` = ${summary.floor_multiples.throughput}x floor` : '';
  lines.push(`throughput ${summary.throughput_ops_s} ops/s${overFloor} over ${summary.duration_s} s; errors ${summary.errors}${summary.errors > 0 ? ` ${JSON.stringify(summary.errors_by_code)}` : ''}`);
  if (options.hgrm) {
    lines.push('');
    lines.push('GET latency distribution (us):');
    lines.push(toHgrm(histograms.get));
    lines.push('PUT latency distribution (us):');
    lines.push(toHgrm(histograms.put));
  }
  return lines.join('\n');
}

/**
 * The last line of a report: where the .hgrm distributions went, so that the short report
 * still leads to them; `mentionHgrmOption` adds that --hgrm prints them (when it applies and
 * was not given).
 */
export function hgrmFilesLine(outDir: string, files: readonly string[], mentionHgrmOption: boolean): string {
  return `latency distributions (HdrHistogram): ${files.map((file) => join(outDir, file)).join(' ')}${mentionHgrmOption ? ' (--hgrm prints them here)' : ''}`;
}
