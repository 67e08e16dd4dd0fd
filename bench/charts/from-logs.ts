import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfigLog, parseLatencyLog } from '../logs.js';
import type { ConfigLatencyRecord, LatencyRecord } from '../logs.js';
import { renderCharts } from './pool.js';
import type { RenderedChart } from './pool.js';
import { buildCharts } from './specs.js';
import type { ChartInputs, MeasuredCluster, ScalingData } from './specs.js';

/** The logs in a --charts directory cannot be charted: a user's mistake, not a crash. */
export class ChartInputError extends Error {
  override readonly name = 'ChartInputError';
}

/** The basic run's log file name. */
export const LATENCY_LOG = 'latency.log';
/** The suite's per-configuration log file name. */
export const CONFIG_LOG = 'latency_configs.log';
/** The suite's scaling measurements (throughput and latency by N). */
export const SCALING_JSON = 'scaling.json';
/** The basic run's summary, read for the N, W, R and nodes that latency.log does not record. */
export const SUMMARY_JSON = 'summary.json';

/**
 * Re-renders the charts from the logs in `dir` into `dir` (`node dist/bench.js --charts DIR`,
 * the seed's `make graphs`). Either log may be missing, not both; `scaling.json` and
 * `summary.json` are optional.
 */
export async function renderChartsFromDir(dir: string): Promise<RenderedChart[]> {
  const charts = buildCharts(await readChartInputs(dir));
  if (charts.length === 0) throw new ChartInputError(`nothing to chart in ${dir}: the logs hold no operations`);
  return renderCharts(charts, dir);
}

/** Reads and parses the chart inputs found in `dir`. */
export async function readChartInputs(dir: string): Promise<ChartInputs> {
  const latencyPath = join(dir, LATENCY_LOG);
  const configPath = join(dir, CONFIG_LOG);
  const hasBasic = existsSync(latencyPath);
  const hasConfigs = existsSync(configPath);
  if (!hasBasic && !hasConfigs) {
    throw new ChartInputError(`no latency logs in ${dir}: looked for ${LATENCY_LOG} and ${CONFIG_LOG}`);
  }
  const basic: LatencyRecord[] = hasBasic ? parseLog(latencyPath, await readFile(latencyPath, 'utf8'), parseLatencyLog) : [];
  const configs: ConfigLatencyRecord[] = hasConfigs ? parseLog(configPath, await readFile(configPath, 'utf8'), parseConfigLog) : [];
  const inputs: ChartInputs = { basic, configs };
  const summaryPath = join(dir, SUMMARY_JSON);
  if (hasBasic && existsSync(summaryPath)) inputs.basicCluster = parseSummaryCluster(await readFile(summaryPath, 'utf8'), summaryPath);
  const scalingPath = join(dir, SCALING_JSON);
  if (existsSync(scalingPath)) {
    const scaling = parseScaling(await readFile(scalingPath, 'utf8'), scalingPath);
    inputs.throughput = scaling.throughput;
    inputs.latencyByN = scaling.latency_by_N;
  }
  return inputs;
}

function parseLog<T>(path: string, text: string, parse: (text: string) => T[]): T[] {
  try {
    return parse(text);
  } catch (error) {
    throw new ChartInputError(`${path}: ${(error as Error).message}`);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isFiniteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
const isMode = (x: unknown): boolean => x === 'node' || x === 'client';
const hasCluster = (p: Record<string, unknown>): boolean => ['N', 'W', 'R', 'nodes'].every((key) => isFiniteNumber(p[key]));

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ChartInputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/** The N, W, R and nodes of a summary.json, which the basic charts' subtitles state. */
function parseSummaryCluster(text: string, path: string): MeasuredCluster {
  const data = parseJson(text, path);
  if (!isObject(data) || !hasCluster(data)) throw new ChartInputError(`${path}: expected N, W, R and nodes as numbers, as a run writes them`);
  return { N: data['N'] as number, W: data['W'] as number, R: data['R'] as number, nodes: data['nodes'] as number };
}

function parseScaling(text: string, path: string): ScalingData {
  const data = parseJson(text, path);
  if (!isObject(data) || !Array.isArray(data['throughput']) || !Array.isArray(data['latency_by_N'])) {
    throw new ChartInputError(`${path}: expected { throughput: [...], latency_by_N: [...] }, as the suite writes it`);
  }
  const throughputOk = data['throughput'].every(
    (p: unknown) => isObject(p) && hasCluster(p) && isFiniteNumber(p['concurrency']) && isMode(p['coordination']) && isFiniteNumber(p['throughput_ops_s']),
  );
  const latencyOk = data['latency_by_N'].every(
    (p: unknown) =>
      isObject(p) && hasCluster(p) && isMode(p['coordination']) && (p['op'] === 'GET' || p['op'] === 'PUT') && isFiniteNumber(p['p50_us']) && isFiniteNumber(p['p99_us']),
  );
  if (!throughputOk || !latencyOk) {
    throw new ChartInputError(`${path}: every point needs N, W, R, nodes and its figures as numbers, and a coordination of "node" or "client" (as the suite writes them)`);
  }
  return data as unknown as ScalingData;
}
