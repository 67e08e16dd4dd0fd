/**
 * YCSB-shaped results: one `[SECTION], Metric, value` line per figure, as YCSB's text exporter
 * prints them, so that tools that read YCSB output read ours.
 */
import type { LatencySummary } from '../hdr.js';

/** What the report needs of one operation type: a latency summary and how many failed. */
export type YcsbOpStats = Pick<LatencySummary, 'count' | 'mean_us' | 'min_us' | 'max_us' | 'p50_us' | 'p95_us' | 'p99_us'> & {
  /** Operations among `count` that failed (timed out or lacked replicas). */
  readonly errors?: number;
};

/** The whole run: wall-clock time of the transaction phase and operations completed. */
export interface YcsbOverall {
  readonly runtimeMs: number;
  readonly operations: number;
}

/** The section YCSB prints for an operation kind (it spells this one with hyphens). */
export function ycsbSection(kind: string): string {
  return kind === 'READMODIFYWRITE' ? 'READ-MODIFY-WRITE' : kind;
}

/**
 * Formats the report, lines separated by `\n`, with a trailing newline: the [OVERALL] lines,
 * then for each operation type in the map's order: Operations, AverageLatency(us),
 * MinLatency(us), MaxLatency(us), 50th/95th/99thPercentileLatency(us), Return=OK and, when
 * some failed, Return=ERROR. `Operations` counts every measured operation, failed or not.
 */
export function formatYcsbReport(perOp: ReadonlyMap<string, YcsbOpStats>, overall: YcsbOverall): string {
  if (!(overall.runtimeMs > 0) || !Number.isFinite(overall.runtimeMs)) {
    throw new RangeError(`runtimeMs must be a positive finite number, got ${overall.runtimeMs}`);
  }
  const lines = [
    line('OVERALL', 'RunTime(ms)', Math.round(overall.runtimeMs)),
    line('OVERALL', 'Throughput(ops/sec)', overall.operations / (overall.runtimeMs / 1000)),
  ];
  for (const [kind, stats] of perOp) {
    const section = ycsbSection(kind);
    const errors = stats.errors ?? 0;
    lines.push(
      line(section, 'Operations', stats.count),
      line(section, 'AverageLatency(us)', stats.mean_us),
      line(section, 'MinLatency(us)', stats.min_us),
      line(section, 'MaxLatency(us)', stats.max_us),
      line(section, '50thPercentileLatency(us)', stats.p50_us),
      line(section, '95thPercentileLatency(us)', stats.p95_us),
      line(section, '99thPercentileLatency(us)', stats.p99_us),
      line(section, 'Return=OK', stats.count - errors),
    );
    if (errors > 0) lines.push(line(section, 'Return=ERROR', errors));
  }
  return `${lines.join('\n')}\n`;
}

function line(section: string, metric: string, value: number): string {
  // One decimal is within the histogram's own precision (3 significant digits); YCSB prints
  // full doubles, which only adds noise.
  return `[${section}], ${metric}, ${Math.round(value * 10) / 10}`;
}
