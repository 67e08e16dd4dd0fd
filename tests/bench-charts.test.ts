import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { formatConfigLine, formatLatencyLine } from '../bench/logs.js';
import type { ConfigLatencyRecord, LatencyRecord, OpKind } from '../bench/logs.js';
import { buildCharts } from '../bench/charts/specs.js';
import type { ChartInputs, LatencyByNPoint, ThroughputPoint } from '../bench/charts/specs.js';
import { renderSpecToSvg, svgSize } from '../bench/charts/render.js';
import { renderCharts } from '../bench/charts/pool.js';
import { readChartInputs, renderChartsFromDir } from '../bench/charts/from-logs.js';
import { sharedHistogramBinStepMs } from '../bench/charts/basic-specs.js';

/** Deterministic PRNG (mulberry32), so that a failing chart can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log-normal latency around `medianUs` with a rare slow tail, like a real run. */
function latencyUs(random: () => number, medianUs: number): number {
  const u1 = Math.max(random(), 1e-12);
  const gauss = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
  const tail = random() < 0.01 ? 5 + 10 * random() : 1;
  return Math.max(1, Math.round(medianUs * Math.exp(0.35 * gauss) * tail));
}

/** The seed's 24 (N, W, R) configurations (DESIGN.md). */
const SEED_CONFIGS: readonly (readonly [number, number, number])[] = [
  [3, 1, 1], [3, 1, 2], [3, 2, 2], [3, 2, 3], [3, 3, 3],
  [5, 1, 1], [5, 2, 2], [5, 3, 3], [5, 3, 4], [5, 5, 5],
  [10, 1, 1], [10, 3, 3], [10, 5, 5], [10, 6, 6], [10, 10, 10],
  [20, 10, 1], [20, 10, 5], [20, 10, 10], [20, 10, 15], [20, 10, 20],
  [20, 1, 10], [20, 5, 10], [20, 15, 10], [20, 20, 10],
];

function generateInputs(): ChartInputs {
  const random = rng(42);
  const basic: LatencyRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const op: OpKind = i % 2 === 0 ? 'PUT' : 'GET';
    basic.push({ op, key: `key${i % 100}`, latencyUs: latencyUs(random, op === 'GET' ? 85 : 120) });
  }
  const configs: ConfigLatencyRecord[] = [];
  for (const [n, w, r] of SEED_CONFIGS) {
    for (let i = 0; i < 16; i++) {
      const op: OpKind = i % 2 === 0 ? 'PUT' : 'GET';
      // Bigger quorums wait for slower replicas: latency grows with the quorum size.
      const medianUs = 60 + 8 * (op === 'GET' ? r : w) + 2 * n;
      configs.push({ op, key: `key${i}`, latencyUs: latencyUs(random, medianUs), n, w, r });
    }
  }
  const throughput: ThroughputPoint[] = [];
  for (const concurrency of [1, 2, 4, 8, 16, 32, 64]) {
    const base = 8000 * Math.min(concurrency, 12) ** 0.8;
    throughput.push({ N: 3, W: 2, R: 2, nodes: 5, concurrency, coordination: 'node', throughput_ops_s: Math.round(base) });
    throughput.push({ N: 3, W: 2, R: 2, nodes: 5, concurrency, coordination: 'client', throughput_ops_s: Math.round(base * 1.4) });
  }
  const latencyByN: LatencyByNPoint[] = [];
  for (const n of [3, 5, 10, 20]) {
    for (const coordination of ['node', 'client'] as const) {
      for (const op of ['GET', 'PUT'] as const) {
        const p50Us = (coordination === 'node' ? 90 : 60) + 4 * n + (op === 'PUT' ? 20 : 0);
        const quorum = Math.floor(n / 2) + 1;
        latencyByN.push({ N: n, W: quorum, R: quorum, nodes: Math.max(n, 5), coordination, op, p50_us: p50Us, p99_us: p50Us * 3 });
      }
    }
  }
  return { basic, configs, throughput, latencyByN };
}

const ALL_CHARTS = [
  'latency_read_histogram',
  'latency_write_histogram',
  'latency_percentiles',
  'latency_cdf',
  'latency_config_get_boxplot',
  'latency_config_put_boxplot',
  'latency_config_median',
  'latency_config_p99',
  'latency_n20_varying_r',
  'latency_n20_varying_w',
  'throughput_vs_concurrency',
  'latency_vs_n',
];

/** Width and height from a PNG's IHDR chunk: big-endian u32s at bytes 16..24. */
function pngHeaderSize(png: Buffer): { widthPx: number; heightPx: number } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { widthPx: png.readUInt32BE(16), heightPx: png.readUInt32BE(20) };
}

type CompileLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** A vega-lite logger that keeps warnings and errors, which compile() reports instead of throwing. */
function collectingLogger(messages: string[]): CompileLogger {
  return {
    level: () => 0,
    error(...args: unknown[]) {
      messages.push(`error: ${args.map(String).join(' ')}`);
      return this;
    },
    warn(...args: unknown[]) {
      messages.push(`warn: ${args.map(String).join(' ')}`);
      return this;
    },
    info() {
      return this;
    },
    debug() {
      return this;
    },
  };
}

describe('bench charts - specs', () => {
  const inputs = generateInputs();

  it('builds all twelve charts from a full suite, in a fixed order', () => {
    expect(buildCharts(inputs).map((c) => c.name)).toEqual(ALL_CHARTS);
  });

  it('every spec compiles with vega-lite, without warnings', () => {
    for (const { name, spec } of buildCharts(inputs)) {
      const messages: string[] = [];
      expect(() => compile(spec, { logger: collectingLogger(messages) }), name).not.toThrow();
      expect(messages, name).toEqual([]);
    }
  });

  it('inlines its data: no spec refers to a URL', () => {
    for (const { name, spec } of buildCharts(inputs)) {
      const data: unknown = 'data' in spec ? spec.data : undefined;
      expect(data, name).toMatchObject({ values: expect.any(Array) });
    }
  });

  it('builds only the charts whose data is present', () => {
    expect(buildCharts({ basic: inputs.basic, configs: [] }).map((c) => c.name)).toEqual(ALL_CHARTS.slice(0, 4));
    const withoutN20 = inputs.configs.filter((c) => c.n !== 20);
    expect(buildCharts({ basic: [], configs: withoutN20 }).map((c) => c.name)).toEqual(ALL_CHARTS.slice(4, 8));
    expect(buildCharts({ basic: [], configs: [], throughput: inputs.throughput }).map((c) => c.name)).toEqual([
      'throughput_vs_concurrency',
    ]);
  });

  it('still compiles when one operation type is absent', () => {
    const onlyGets = inputs.basic.filter((r) => r.op === 'GET');
    for (const { name, spec } of buildCharts({ basic: onlyGets, configs: [] })) {
      expect(() => compile(spec), name).not.toThrow();
    }
  });
});

/** The parts of a single-view spec these tests look into. */
interface SpecParts {
  readonly title?: { readonly subtitle?: string | string[] };
  readonly encoding: {
    readonly x: { readonly sort?: string[]; readonly bin?: { readonly step?: number } };
    readonly y: { readonly scale?: unknown; readonly title?: string };
  };
}

/** A chart's spec by name, typed for what the tests look at. */
function specOf(charts: ReturnType<typeof buildCharts>, name: string): SpecParts {
  const chart = charts.find((c) => c.name === name);
  if (chart === undefined) throw new Error(`no chart ${name}`);
  return chart.spec as unknown as SpecParts;
}

/** A chart's subtitle, its lines joined by a space. */
function subtitleOf(charts: ReturnType<typeof buildCharts>, name: string): string {
  const subtitle = specOf(charts, name).title?.subtitle ?? '';
  return Array.isArray(subtitle) ? subtitle.join(' ') : subtitle;
}

describe('bench charts - readable at a glance', () => {
  const inputs = { ...generateInputs(), basicCluster: { N: 3, W: 2, R: 2, nodes: 5 } };
  const charts = buildCharts(inputs);

  it('log scales where one slow p99 would flatten the rest: the p99 bars and both N=20 sweeps (the medians stay linear)', () => {
    expect(specOf(charts, 'latency_config_p99').encoding.y.scale).toEqual({ type: 'log' });
    expect(specOf(charts, 'latency_config_p99').encoding.y.title).toMatch(/log scale/);
    for (const name of ['latency_n20_varying_w', 'latency_n20_varying_r']) {
      expect(specOf(charts, name).encoding.y.scale, name).toEqual({ type: 'log' });
      expect(subtitleOf(charts, name), name).toMatch(/log scale/);
    }
    expect(specOf(charts, 'latency_config_median').encoding.y.scale).toBeUndefined();
  });

  it('the p99 bars on their log scale are drawn, one per configuration and operation', async () => {
    // A stacked bar starts at zero, which a log scale cannot place: Vega then draws none.
    const chart = charts.find((c) => c.name === 'latency_config_p99');
    if (chart === undefined) throw new Error('no p99 chart');
    const svg = await renderSpecToSvg(chart.spec);
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(48);
  });

  it('configurations sorted by N, W, R as numbers, whatever order the log lists them in', () => {
    const n20 = ['N20_W1_R10', 'N20_W5_R10', 'N20_W10_R1', 'N20_W10_R5', 'N20_W10_R10', 'N20_W10_R15', 'N20_W10_R20', 'N20_W15_R10', 'N20_W20_R10'];
    const reversed = buildCharts({ basic: [], configs: [...inputs.configs].reverse() });
    for (const name of ['latency_config_get_boxplot', 'latency_config_put_boxplot', 'latency_config_median', 'latency_config_p99']) {
      for (const set of [charts, reversed]) {
        const order = specOf(set, name).encoding.x.sort ?? [];
        expect(order, name).toHaveLength(24);
        expect(order.slice(0, 5), name).toEqual(['N3_W1_R1', 'N3_W1_R2', 'N3_W2_R2', 'N3_W2_R3', 'N3_W3_R3']);
        expect(order.indexOf('N5_W5_R5'), name).toBeLessThan(order.indexOf('N10_W1_R1'));
        expect(order.slice(-9), name).toEqual(n20);
      }
    }
  });

  it('every subtitle states N, W, R and the node count', () => {
    const basic = /N=3 W=2 R=2, 5 nodes\./;
    for (const name of ['latency_read_histogram', 'latency_write_histogram', 'latency_percentiles', 'latency_cdf']) {
      expect(subtitleOf(charts, name), name).toMatch(basic);
    }
    for (const name of ['latency_config_get_boxplot', 'latency_config_put_boxplot', 'latency_config_median', 'latency_config_p99']) {
      expect(subtitleOf(charts, name), name).toMatch(/\(N_W_R\) ran on its own cluster of max\(N, 5\) nodes/);
    }
    expect(subtitleOf(charts, 'latency_n20_varying_r')).toMatch(/^N=20 W=10 on 20 nodes; R in 1, 5, 10, 15, 20\./);
    expect(subtitleOf(charts, 'latency_n20_varying_w')).toMatch(/^N=20 R=10 on 20 nodes; W in 1, 5, 10, 15, 20\./);
    expect(subtitleOf(charts, 'throughput_vs_concurrency')).toMatch(/^N=3 W=2 R=2, 5 nodes\./);
    expect(subtitleOf(charts, 'latency_vs_n')).toMatch(
      /^N=3 W=2 R=2, 5 nodes; N=5 W=3 R=3, 5 nodes; N=10 W=6 R=6, 10 nodes; N=20 W=11 R=11, 20 nodes\./,
    );
    // latency.log alone does not say its cluster: the subtitle says so instead of guessing.
    const unknown = buildCharts({ basic: inputs.basic, configs: [] });
    expect(subtitleOf(unknown, 'latency_cdf')).toMatch(/^N, W, R and nodes not recorded \(no summary\.json\)/);
  });

  it('the read and write histograms share one bin width, computed from both', () => {
    const step = (set: ReturnType<typeof buildCharts>, name: string): number | undefined => specOf(set, name).encoding.x.bin?.step;
    expect(step(charts, 'latency_read_histogram')).toBe(step(charts, 'latency_write_histogram'));
    expect(step(charts, 'latency_read_histogram')).toBe(sharedHistogramBinStepMs(inputs.basic));
    // GETs within 0.1 ms, PUTs over 4 ms: the step comes from the wider range, for both.
    const skewed: LatencyRecord[] = [];
    for (let i = 0; i <= 100; i++) {
      skewed.push({ op: 'GET', key: 'k', latencyUs: 100 + i }, { op: 'PUT', key: 'k', latencyUs: 100 + 40 * i });
    }
    const set = buildCharts({ basic: skewed, configs: [] });
    expect(step(set, 'latency_read_histogram')).toBe(0.1);
    expect(step(set, 'latency_write_histogram')).toBe(0.1);
    expect(sharedHistogramBinStepMs(skewed.filter((r) => r.op === 'GET'))).toBe(0.005);
    expect(subtitleOf(set, 'latency_read_histogram')).toMatch(/Bins of 0\.100 ms, the same in the GET and PUT histograms/);
  });

  it('--charts reads the basic run\'s cluster from summary.json beside latency.log', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'bench-charts-summary-'));
    try {
      writeFileSync(join(logDir, 'latency.log'), inputs.basic.map((r) => `${formatLatencyLine(r)}\n`).join(''));
      expect((await readChartInputs(logDir)).basicCluster).toBeUndefined();
      writeFileSync(join(logDir, 'summary.json'), JSON.stringify({ ops: 400, N: 5, W: 3, R: 3, nodes: 7, seed: 1 }));
      expect((await readChartInputs(logDir)).basicCluster).toEqual({ N: 5, W: 3, R: 3, nodes: 7 });
      writeFileSync(join(logDir, 'summary.json'), JSON.stringify({ N: 5 }));
      await expect(readChartInputs(logDir)).rejects.toThrow(/summary\.json: expected N, W, R and nodes as numbers/);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});

describe('bench charts - rendering', () => {
  const inputs = generateInputs();
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-charts-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every .vl.json and a PNG the size of the SVG vega renders', async () => {
    const charts = buildCharts(inputs);
    const rendered = await renderCharts(charts, dir);
    expect(rendered.map((r) => r.name)).toEqual(ALL_CHARTS);
    for (const chart of charts) {
      const specPath = join(dir, `${chart.name}.vl.json`);
      const written = JSON.parse(readFileSync(specPath, 'utf8')) as TopLevelSpec;
      expect(written, chart.name).toEqual(chart.spec);
      const svg = svgSize(await renderSpecToSvg(chart.spec));
      const png = pngHeaderSize(readFileSync(join(dir, `${chart.name}.png`)));
      expect(png, chart.name).toEqual(svg);
      expect(png.widthPx, chart.name).toBeGreaterThan(100);
      expect(png.heightPx, chart.name).toBeGreaterThan(100);
      const reported = rendered.find((r) => r.name === chart.name);
      expect(reported).toMatchObject({ specPath, widthPx: png.widthPx, heightPx: png.heightPx });
    }
  });

  it('re-renders the charts from the logs written to a directory', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'bench-charts-logs-'));
    try {
      writeFileSync(join(logDir, 'latency.log'), inputs.basic.map((r) => `${formatLatencyLine(r)}\n`).join(''));
      writeFileSync(join(logDir, 'latency_configs.log'), inputs.configs.map((r) => `${formatConfigLine(r)}\n`).join(''));
      writeFileSync(join(logDir, 'scaling.json'), JSON.stringify({ throughput: inputs.throughput, latency_by_N: inputs.latencyByN }));
      const rendered = await renderChartsFromDir(logDir);
      expect(rendered.map((r) => r.name)).toEqual(ALL_CHARTS);
      for (const name of ALL_CHARTS) {
        expect(existsSync(join(logDir, `${name}.vl.json`)), name).toBe(true);
        expect(pngHeaderSize(readFileSync(join(logDir, `${name}.png`))).widthPx, name).toBeGreaterThan(100);
      }
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('renders from a directory holding only the basic log', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'bench-charts-basic-'));
    try {
      writeFileSync(join(logDir, 'latency.log'), inputs.basic.map((r) => `${formatLatencyLine(r)}\n`).join(''));
      const rendered = await renderChartsFromDir(logDir);
      expect(rendered.map((r) => r.name)).toEqual(ALL_CHARTS.slice(0, 4));
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('rejects when a chart fails to render, and still shuts its pool down', async () => {
    const broken = { mark: 'no-such-mark', data: { values: [] } } as unknown as TopLevelSpec;
    await expect(renderCharts([{ name: 'broken', spec: broken }], dir)).rejects.toThrow(/rendering .*broken\.vl\.json failed/);
  });

  it('refuses a scaling.json in another shape (such as the camelCase one of earlier versions), saying what it expects', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'bench-charts-scaling-'));
    try {
      writeFileSync(join(logDir, 'latency.log'), inputs.basic.map((r) => `${formatLatencyLine(r)}\n`).join(''));
      writeFileSync(join(logDir, 'scaling.json'), JSON.stringify({ throughput: [{ concurrency: 1, coordination: 'node', throughputOpsS: 10 }], latencyByN: [] }));
      await expect(renderChartsFromDir(logDir)).rejects.toThrow(/scaling\.json: expected \{ throughput: \[\.\.\.\], latency_by_N: \[\.\.\.\] \}/);
      const { N: _N, ...withoutN } = inputs.throughput?.[0] ?? { N: 0 };
      writeFileSync(join(logDir, 'scaling.json'), JSON.stringify({ throughput: [withoutN], latency_by_N: [] }));
      await expect(renderChartsFromDir(logDir)).rejects.toThrow(/every point needs N, W, R, nodes/);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('refuses a directory without logs, naming the files it looked for', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bench-charts-empty-'));
    try {
      await expect(renderChartsFromDir(empty)).rejects.toThrow(/latency\.log.*latency_configs\.log/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
