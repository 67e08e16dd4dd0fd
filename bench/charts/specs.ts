import type { TopLevelSpec } from 'vega-lite';
import { latencyCdfSpec, latencyHistogramSpec, latencyPercentilesSpec } from './basic-specs.js';
import { configBoxplotSpec, configPercentileSpec, n20SweepRecords, n20SweepSpec } from './config-specs.js';
import { latencyVsNSpec, throughputVsConcurrencySpec } from './scaling-specs.js';
import type { ChartInputs } from './types.js';

export type { ChartInputs, Coordination, LatencyByNPoint, MeasuredCluster, ScalingData, ThroughputPoint } from './types.js';

/** One chart: its file base name (`${name}.vl.json`, `${name}.png`) and its Vega-Lite spec. */
export interface NamedChart {
  name: string;
  spec: TopLevelSpec;
}

/**
 * Builds every chart the inputs have data for, in a fixed order: the seed's four basic
 * charts when `basic` is non-empty; its six configuration charts when `configs` is non-empty
 * (each N=20 sweep only when at least two of its points were measured, since one point is
 * not a line); then throughput and latency-by-N when those datasets are given.
 */
export function buildCharts(inputs: ChartInputs): NamedChart[] {
  const charts: NamedChart[] = [];
  const { basic, configs } = inputs;
  if (basic.length > 0) {
    charts.push(
      { name: 'latency_read_histogram', spec: latencyHistogramSpec(basic, 'GET', inputs.basicCluster) },
      { name: 'latency_write_histogram', spec: latencyHistogramSpec(basic, 'PUT', inputs.basicCluster) },
      { name: 'latency_percentiles', spec: latencyPercentilesSpec(basic, inputs.basicCluster) },
      { name: 'latency_cdf', spec: latencyCdfSpec(basic, inputs.basicCluster) },
    );
  }
  if (configs.length > 0) {
    charts.push(
      { name: 'latency_config_get_boxplot', spec: configBoxplotSpec(configs, 'GET') },
      { name: 'latency_config_put_boxplot', spec: configBoxplotSpec(configs, 'PUT') },
      { name: 'latency_config_median', spec: configPercentileSpec(configs, 50) },
      { name: 'latency_config_p99', spec: configPercentileSpec(configs, 99) },
    );
    for (const sweep of ['R', 'W'] as const) {
      const points = new Set(n20SweepRecords(configs, sweep).map((rec) => (sweep === 'R' ? rec.r : rec.w)));
      if (points.size >= 2) {
        charts.push({ name: `latency_n20_varying_${sweep.toLowerCase()}`, spec: n20SweepSpec(configs, sweep) });
      }
    }
  }
  if (inputs.throughput !== undefined && inputs.throughput.length > 0) {
    charts.push({ name: 'throughput_vs_concurrency', spec: throughputVsConcurrencySpec(inputs.throughput) });
  }
  if (inputs.latencyByN !== undefined && inputs.latencyByN.length > 0) {
    charts.push({ name: 'latency_vs_n', spec: latencyVsNSpec(inputs.latencyByN) });
  }
  return charts;
}
