/** The performance view's two charts, as Vega-Lite specs over named datasets that rows stream into. */
import type { Config, TopLevelSpec } from 'vega-lite';
import type { Theme } from './theme.js';

export const LATENCY_DATASET = 'latency';
export const THROUGHPUT_DATASET = 'throughput';

export const LATENCY_SERIES = ['get p50', 'get p99', 'put p50', 'put p99'] as const;
export const THROUGHPUT_SERIES = ['gets/s', 'puts/s', 'failures/s'] as const;

export interface LatencyRow {
  readonly t: number;
  readonly series: (typeof LATENCY_SERIES)[number];
  readonly ms: number;
}

export interface ThroughputRow {
  readonly t: number;
  readonly series: (typeof THROUGHPUT_SERIES)[number];
  readonly perS: number;
}

const TIME_AXIS = { field: 't', type: 'temporal', title: 'time', axis: { format: '%H:%M:%S', labelOverlap: true, tickCount: 6 } } as const;

interface Series {
  readonly names: readonly string[];
  readonly colours: readonly string[];
  /** Dash patterns per series ([] is a solid line). */
  readonly dashes: readonly (readonly number[])[];
}

function lineChart(title: string, dataset: string, y: { readonly field: string; readonly title: string }, series: Series): TopLevelSpec {
  const legend = { orient: 'top' } as const;
  return {
    title,
    width: 'container',
    height: 240,
    autosize: { type: 'fit-x', contains: 'padding' },
    background: 'transparent',
    data: { name: dataset },
    // Straight lines between the samples: a smoothed curve would draw values no second had.
    mark: { type: 'line', interpolate: 'linear', strokeWidth: 2 },
    encoding: {
      x: TIME_AXIS,
      y: { field: y.field, type: 'quantitative', title: y.title },
      // Fixed domains: the legend shows every series from the start, always in the same colours.
      // Colour and dash share field and title, so Vega-Lite draws them as one legend.
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: [...series.names], range: [...series.colours] }, legend },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: [...series.names], range: series.dashes.map((dash) => [...dash]) }, legend },
    },
  };
}

export function latencySpec(): TopLevelSpec {
  // Each kind of request has its hue; p99 is the lighter, dashed line of the two.
  return lineChart('Latency (p50 and p99)', LATENCY_DATASET, { field: 'ms', title: 'latency (ms)' }, {
    names: LATENCY_SERIES,
    colours: ['#4e79a7', '#6fa8dc', '#f28e2b', '#ffb26b'],
    dashes: [[1, 0], [6, 3], [1, 0], [6, 3]],
  });
}

export function throughputSpec(): TopLevelSpec {
  return lineChart('Throughput', THROUGHPUT_DATASET, { field: 'perS', title: 'requests per second' }, {
    names: THROUGHPUT_SERIES,
    colours: ['#4e79a7', '#f28e2b', '#e15759'],
    dashes: [[1, 0], [1, 0], [4, 2]],
  });
}

/**
 * The charts' colours for each theme, close to the page's own (style.css): text in the
 * page's text colours, quiet grid lines, the card showing through the background.
 */
export function chartConfig(theme: Theme): Config {
  const ink = theme === 'dark' ? { text: '#e4e7eb', muted: '#98a2b0', grid: '#2c323c', line: '#4a5260' } : { text: '#1b1f24', muted: '#5f6b7a', grid: '#e6e9ee', line: '#b5bdc8' };
  return {
    background: 'transparent',
    title: { color: ink.text },
    axis: { labelColor: ink.muted, titleColor: ink.text, gridColor: ink.grid, domainColor: ink.line, tickColor: ink.line },
    legend: { labelColor: ink.text, titleColor: ink.text },
    view: { stroke: ink.line },
  };
}
