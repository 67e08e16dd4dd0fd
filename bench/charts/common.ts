import type { OpKind } from '../logs.js';
import type { MeasuredCluster } from './types.js';

/**
 * Pieces every chart shares: size, title layout, colours, the schema URL. Keeping them in
 * one place makes the twelve charts look like one family.
 */

/** Plot area width in pixels (axes, titles and legends come on top). */
export const CHART_WIDTH = 640;
/** Plot area height in pixels. */
export const CHART_HEIGHT = 400;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** GET is always blue and PUT always orange, in every chart. */
export const OP_COLOR_SCALE = { domain: ['GET', 'PUT'] satisfies OpKind[], range: ['#4c78a8', '#f58518'] };

/** The node / client coordination modes' colours, distinct from the operation colours. */
export const COORDINATION_COLOR_SCALE = { domain: ['node', 'client'], range: ['#54a24b', '#b279a2'] };

/**
 * Legend of a strokeDash channel on a line with points: drawn as line segments, because the
 * default circle symbols cannot show solid against dashed.
 */
export const DASH_LEGEND = { symbolType: 'stroke', symbolStrokeColor: '#555555', symbolStrokeWidth: 2, symbolSize: 400 } as const;

/**
 * Top-level properties of every chart: schema, white background (a PNG with a transparent
 * background is unreadable in dark-mode viewers), a left-aligned title with a subtitle,
 * and slightly larger fonts than Vega's defaults so the PNGs read well when scaled down.
 */
export function chartFrame(title: string, subtitle: string | string[]) {
  return {
    $schema: SCHEMA,
    background: 'white',
    padding: 12,
    title: { text: title, subtitle, anchor: 'start', fontSize: 16, subtitleFontSize: 12 },
    config: {
      axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
      legend: { labelFontSize: 11, titleFontSize: 12 },
      view: { stroke: '#cccccc' },
    },
  } as const;
}

/** Formats a millisecond figure for subtitles, with enough digits for sub-millisecond latencies. */
export function fmtMs(ms: number): string {
  return `${ms.toFixed(3)} ms`;
}

/** `N=3 W=2 R=2, 5 nodes`: what every subtitle states of the cluster its data ran on. */
export function clusterText(cluster: MeasuredCluster): string {
  return `N=${cluster.N} W=${cluster.W} R=${cluster.R}, ${cluster.nodes} node${cluster.nodes === 1 ? '' : 's'}`;
}

/**
 * What a set of points ran on, for a subtitle: one cluster when they share it, else each
 * distinct one in order (the latency-by-N sweep runs one per N).
 */
export function clustersText(clusters: readonly MeasuredCluster[]): string {
  return [...new Set(clusters.map(clusterText))].join('; ');
}
