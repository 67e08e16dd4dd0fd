/**
 * Performance: live p50/p99 latency of gets and puts and their throughput, from the
 * `performance` events (one a second), over the last two minutes; GET /performance fills in
 * the history when a controller is selected.
 */
import { chartConfig, latencySpec, throughputSpec, LATENCY_DATASET, THROUGHPUT_DATASET, type LatencyRow, type ThroughputRow } from './chart-specs.js';
import type { PerformanceSample } from './contracts.js';
import { byId, setText } from './dom.js';
import { formatMs, formatRate, formatTime } from './format.js';
import { LiveChart } from './live-chart.js';
import type { Theme, ThemeControl } from './theme.js';
import type { ViewContext } from './view-context.js';

const WINDOW_MS = 120_000;

export class PerformanceTab {
  private readonly latency: LiveChart<LatencyRow>;
  private readonly throughput: LiveChart<ThroughputRow>;
  /** Times of the samples taken in: the history read at selection may overlap events already in. */
  private readonly seenMs = new Set<number>();
  private latest: PerformanceSample | null = null;

  constructor(
    private readonly context: ViewContext,
    theme: ThemeControl,
  ) {
    const onError = (error: unknown): void => context.report('Drawing a performance chart', error);
    this.latency = new LiveChart(byId('chart-latency', HTMLDivElement), LATENCY_DATASET, latencySpec, chartConfig, WINDOW_MS, onError);
    this.throughput = new LiveChart(byId('chart-throughput', HTMLDivElement), THROUGHPUT_DATASET, throughputSpec, chartConfig, WINDOW_MS, onError);
    const { data, router } = context;
    data.events.on('reset', () => {
      this.seenMs.clear();
      this.latest = null;
      this.latency.clear();
      this.throughput.clear();
      this.renderLatest();
      void this.readHistory();
    });
    data.events.on('performance', (sample) => this.add([sample]));
    // Samples the server had to skip on a slow stream are still in its history (add() skips those seen).
    data.events.on('dropped', () => void this.readHistory());
    router.onShow((view) => {
      if (view !== 'performance') return;
      this.latency.show(theme.current);
      this.throughput.show(theme.current);
      this.renderLatest();
    });
    theme.onChange((next: Theme) => {
      const visible = router.isShown('performance');
      this.latency.retheme(next, visible);
      this.throughput.retheme(next, visible);
    });
  }

  private async readHistory(): Promise<void> {
    const { data, report } = this.context;
    const controller = data.controller;
    try {
      const samples = await data.api.get<PerformanceSample[]>('/performance');
      if (data.controller === controller) this.add(samples);
    } catch (error) {
      report(`Reading the performance history of ${controller?.name}`, error);
    }
  }

  private add(samples: readonly PerformanceSample[]): void {
    const fresh = samples.filter((sample) => !this.seenMs.has(sample.atMs));
    if (fresh.length === 0) return;
    for (const sample of fresh) {
      this.seenMs.add(sample.atMs);
      if (this.latest === null || sample.atMs > this.latest.atMs) this.latest = sample;
    }
    // Only times inside the window can come again; the set stays as small as the window.
    const cutoff = (this.latest?.atMs ?? 0) - WINDOW_MS;
    for (const atMs of this.seenMs) if (atMs < cutoff) this.seenMs.delete(atMs);
    const visible = this.context.router.isShown('performance');
    this.latency.add(fresh.flatMap(latencyRows), visible);
    this.throughput.add(fresh.flatMap(throughputRows), visible);
    if (visible) this.renderLatest();
  }

  private renderLatest(): void {
    const sample = this.latest;
    const fields: Record<string, string> = {
      at: sample === null ? '—' : formatTime(sample.atMs),
      getsPerS: formatRate(sample?.gets),
      putsPerS: formatRate(sample?.puts),
      failuresPerS: formatRate(sample?.failures),
      getP50Ms: formatMs(sample?.getP50Ms),
      getP99Ms: formatMs(sample?.getP99Ms),
      putP50Ms: formatMs(sample?.putP50Ms),
      putP99Ms: formatMs(sample?.putP99Ms),
    };
    const latest = byId('perf-latest', HTMLElement);
    for (const [field, text] of Object.entries(fields)) {
      const cell = latest.querySelector(`[data-field="${field}"]`);
      if (cell !== null) setText(cell, text);
    }
  }
}

/** A sample's latencies as rows; a null percentile (no such request ended in that second) is no row. */
function latencyRows(sample: PerformanceSample): LatencyRow[] {
  const t = sample.atMs;
  const rows: LatencyRow[] = [];
  const push = (series: LatencyRow['series'], ms: number | null): void => {
    if (ms !== null) rows.push({ t, series, ms });
  };
  push('get p50', sample.getP50Ms);
  push('get p99', sample.getP99Ms);
  push('put p50', sample.putP50Ms);
  push('put p99', sample.putP99Ms);
  return rows;
}

/** Each sample covers one second, so its counts are per-second rates. */
function throughputRows(sample: PerformanceSample): ThroughputRow[] {
  return [
    { t: sample.atMs, series: 'gets/s', perS: sample.gets },
    { t: sample.atMs, series: 'puts/s', perS: sample.puts },
    { t: sample.atMs, series: 'failures/s', perS: sample.failures },
  ];
}
