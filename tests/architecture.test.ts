/**
 * The house rules, checked on the source: which layer may import which (nothing imports
 * upwards, the runtime never imports the API, the bench uses only the public API), no import
 * cycle between files, and a core that stays pure (no Node modules, clocks, timers or
 * randomness), so it runs unchanged in workers, in the client and in the simulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Layer = 'util' | 'protocol' | 'core' | 'storage' | 'transport' | 'runtime' | 'api' | 'control' | 'sim' | 'bench' | 'simcli' | 'cli';

/** What each layer may import from the project, itself included. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  util: ['util'],
  protocol: ['protocol'],
  core: ['core', 'protocol'],
  // Storage implements the interface the core defines (as etcd's raft defines Storage).
  storage: ['storage', 'core', 'protocol'],
  transport: ['transport', 'protocol'],
  runtime: ['runtime', 'core', 'protocol', 'storage', 'transport', 'util'],
  api: ['api', 'runtime', 'core', 'protocol', 'util'],
  // The control plane (node and job controllers, HTTP, TCP links): hosts the engine through
  // the API, and wires the runtime's switchboard and client actors to the network.
  control: ['control', 'api', 'runtime', 'core', 'protocol', 'transport', 'util'],
  sim: ['sim', 'runtime', 'core', 'protocol', 'storage', 'transport', 'util'],
  // The bench is a user of the engine: the public API, plus leaf helpers that know nothing of Dynamo.
  bench: ['bench', 'util'],
  // The simulator's CLI (sim/): runs the sweep of src/sim, with leaf helpers and its packages.
  simcli: ['simcli', 'sim', 'util'],
  // The `dynamo` command line (cli/): the control plane's commands, with leaf helpers.
  cli: ['cli', 'control', 'util'],
};

function layerOf(file: string): Layer | 'index' | null {
  if (file === 'src/index.ts') return 'index';
  if (file.startsWith('workers/')) return 'runtime';
  if (file.startsWith('bench/')) return 'bench';
  if (file.startsWith('sim/')) return 'simcli';
  if (file.startsWith('cli/')) return 'cli';
  const match = /^src\/(\w+)\//.exec(file);
  const layer = match?.[1];
  return layer !== undefined && layer in MAY_IMPORT ? (layer as Layer) : null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports: project files as paths from the root, others bare. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] as string);
  return specifiers.map((spec) => (spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts') : spec));
}

const FILES = [...sourceFiles('src'), ...sourceFiles('workers'), ...sourceFiles('bench'), ...sourceFiles('sim'), ...sourceFiles('cli')];
const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

describe('architecture - layers', () => {
  it('every source file belongs to a layer', () => {
    expect(FILES.filter((file) => layerOf(file) === null)).toEqual([]);
  });

  it('no layer imports one it may not: nothing upwards, the runtime never the API, the bench only the public API', () => {
    const broken: string[] = [];
    for (const [file, imports] of GRAPH) {
      const from = layerOf(file);
      for (const target of imports.filter((spec) => FILES.includes(spec))) {
        const to = layerOf(target);
        if (from === 'index') {
          if (to !== 'api' && to !== 'protocol' && to !== 'core') broken.push(`${file} -> ${target}`);
          continue;
        }
        if (from === null || to === null) continue;
        const allowed = to === 'index' ? from === 'bench' : MAY_IMPORT[from].includes(to);
        if (!allowed) broken.push(`${file} (${from}) -> ${target} (${to})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no import cycle between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of GRAPH.get(file) ?? []) if (GRAPH.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('only the runtime starts threads: other layers at most name the MessagePort type', () => {
    // The bench and the simulator's CLI are programs of their own with their own workers; the
    // worker-flags helper asks Node which flags a worker takes.
    const mayStartThreads = (file: string): boolean => ['runtime', 'bench', 'simcli'].includes(layerOf(file) ?? '') || file === 'src/util/worker-argv.ts';
    const valueImport = /^\s*import\s+(?!type\b)[^;]*from\s+'node:worker_threads'/m;
    const users = FILES.filter((file) => valueImport.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(users.filter((file) => !mayStartThreads(file))).toEqual([]);
  });
});

describe('architecture - a pure core', () => {
  const core = FILES.filter((file) => layerOf(file) === 'core' || layerOf(file) === 'protocol');

  it('the core and the protocol import no Node module and no package', () => {
    const outside = core.flatMap((file) => (GRAPH.get(file) ?? []).filter((spec) => !FILES.includes(spec)).map((spec) => `${file} -> ${spec}`));
    expect(outside).toEqual([]);
  });

  it('the core reads no clock, sets no timer and draws no random number: time comes in, timers go out', () => {
    const impure = /\b(Date\.now|new Date|performance\.|Math\.random|setTimeout|setInterval|setImmediate|queueMicrotask|process\.)/;
    const found = core.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.replace(/\/\/.*$|^\s*\*.*$/, ''), at: `${file}:${i + 1}` }))
        .filter(({ line }) => impure.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('no source file passes ~400 lines', () => {
    const long = FILES.map((file) => [file, readFileSync(join(ROOT, file), 'utf8').split('\n').length] as const);
    expect(long.filter(([, lines]) => lines > 400)).toEqual([]);
  });
});
