import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigLog, parseLatencyLog } from '../logs.js';
import type { ConfigLatencyRecord, LatencyRecord } from '../logs.js';
import { renderCharts } from './pool.js';
import type { RenderedChart } from './pool.js';
import { buildCharts } from './specs.js';
import type { ChartInputs, ScalingData } from './specs.js';

/** The basic run's log file name. */
export const LATENCY_LOG = 'latency.log';
/** The suite's per-configuration log file name. */
export const CONFIG_LOG = 'latency_configs.log';
/** The suite's scaling measurements (throughput and latency by N). */
export const SCALING_JSON = 'scaling.json';

/**
 * Re-renders the charts from the logs in `dir` into `dir` (`node dist/bench.js --charts DIR`,
 * the seed's `make graphs`). Either log may be missing, not both; `scaling.json` is optional.
 */
export async function renderChartsFromDir(dir: string): Promise<RenderedChart[]> {
  return renderCharts(buildCharts(await readChartInputs(dir)), dir);
}

/** Reads and parses the chart inputs found in `dir`. */
export async function readChartInputs(dir: string): Promise<ChartInputs> {
  const latencyPath = join(dir, LATENCY_LOG);
  const configPath = join(dir, CONFIG_LOG);
  const hasBasic = existsSync(latencyPath);
  const hasConfigs = existsSync(configPath);
  if (!hasBasic && !hasConfigs) {
    throw new Error(`no latency logs in ${dir}: looked for ${LATENCY_LOG} and ${CONFIG_LOG}`);
  }
  const basic: LatencyRecord[] = hasBasic ? parseLatencyLog(await readFile(latencyPath, 'utf8')) : [];
  const configs: ConfigLatencyRecord[] = hasConfigs ? parseConfigLog(await readFile(configPath, 'utf8')) : [];
  const inputs: ChartInputs = { basic, configs };
  const scalingPath = join(dir, SCALING_JSON);
  if (existsSync(scalingPath)) {
    const scaling = parseScaling(await readFile(scalingPath, 'utf8'), scalingPath);
    inputs.throughput = scaling.throughput;
    inputs.latencyByN = scaling.latencyByN;
  }
  return inputs;
}

function parseScaling(text: string, path: string): ScalingData {
  const data: unknown = JSON.parse(text);
  // Only the shape is checked, not every field: the file is ours, written by the suite, and a
  // bad value inside shows up plainly on the chart.
  if (
    typeof data !== 'object' ||
    data === null ||
    !('throughput' in data) ||
    !Array.isArray(data.throughput) ||
    !('latencyByN' in data) ||
    !Array.isArray(data.latencyByN)
  ) {
    throw new Error(`${path}: expected { throughput: [...], latencyByN: [...] }`);
  }
  return data as ScalingData;
}
