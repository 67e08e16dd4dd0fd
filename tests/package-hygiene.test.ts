/**
 * What an embedder installs and loads: the tarball holds the build and nothing else, the
 * library's import graph never reaches the bench's packages, and those packages are optional
 * peers, so that the library runs without them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_PACKAGES, missingPackagesMessage, readPackageManifest } from '../bench/packages.js';
import { SIM_PACKAGES } from '../sim/packages.js';
import { CLI_PACKAGES } from '../cli/packages.js';
import { DASHBOARD_VENDOR_PACKAGES } from '../src/control/dashboard/assets.js';
import { REPO_ROOT, bareInstall } from './helpers/bare-install.js';
import { runNodeScript } from './helpers/run-bench.js';

const DIST = join(REPO_ROOT, 'dist');

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  files?: string[];
  bin?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/**
 * Module specifiers in emitted JavaScript: `import ... from '...'`, `export ... from '...'`,
 * `import '...'` and `import('...')` with a string literal. tsc writes one statement per
 * import, so a pattern is enough; a false match could only add an edge, never hide one.
 */
const SPECIFIERS = [
  /\b(?:import|export)\s[^;'"]*?\bfrom\s*(['"])([^'"]+)\1/g,
  /\bimport\s*(['"])([^'"]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/** The package a bare specifier names: `comlink/dist/x.mjs` is comlink, `@a/b/c` is @a/b. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Walks the static import graph from `roots`, following relative specifiers. */
function importGraph(roots: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [...roots];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const pattern of SPECIFIERS) {
      for (const match of text.matchAll(pattern)) {
        const specifier = match[2] ?? '';
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          expect(existsSync(target), `${relative(REPO_ROOT, file)} imports ${specifier}`).toBe(true);
          pending.push(target);
        } else if (!specifier.startsWith('node:')) {
          packages.add(packageOf(specifier));
        }
      }
    }
  }
  return { files, packages };
}

describe('package hygiene - the library does not load the bench', () => {
  // The library's entry, and the worker entries it starts threads from (by URL, not import).
  const libraryRoots = [
    join(DIST, 'index.js'),
    ...readdirSync(join(DIST, 'workers')).filter((f) => f.endsWith('.js')).map((f) => join(DIST, 'workers', f)),
  ];

  it('the import graph of dist/index.js and the workers reaches comlink and none of the bench packages', () => {
    const { files, packages } = importGraph(libraryRoots);
    expect(files).toContain(join(DIST, 'src', 'index.js'));
    expect(files).toContain(join(DIST, 'src', 'api', 'cluster.js'));
    expect(packages).toContain('comlink');
    for (const name of [...BENCH_PACKAGES, ...CLI_PACKAGES]) expect(packages, name).not.toContain(name);
    expect([...files].filter((file) => file.startsWith(join(DIST, 'bench')) || file.startsWith(join(DIST, 'sim')))).toEqual([]);
  });

  it('the walk from the simulator CLI and its pool task reaches its own packages and none of the bench-only ones', () => {
    const { files, packages } = importGraph([join(DIST, 'sim.js'), join(DIST, 'sim', 'pool-task.js')]);
    expect(files).toContain(join(DIST, 'src', 'sim', 'sweep.js'));
    expect([...packages].sort()).toEqual([...SIM_PACKAGES].sort());
    expect([...files].filter((file) => file.startsWith(join(DIST, 'bench')))).toEqual([]);
  });

  it('the same walk from the bench and its workers reaches every bench package (the walk sees what is there)', () => {
    const benchWorkers = readdirSync(join(DIST, 'bench'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('-worker.js'));
    const { packages } = importGraph([join(DIST, 'bench.js'), ...benchWorkers.map((f) => join(DIST, 'bench', f))]);
    for (const name of BENCH_PACKAGES) expect(packages, name).toContain(name);
  });

  it('an install with comlink alone starts a cluster, writes and reads', async () => {
    const root = bareInstall();
    const script = join(root, 'embed.mjs');
    writeFileSync(
      script,
      [
        "import { Cluster } from './dist/index.js';",
        'const cluster = await Cluster.start({ nodes: 3, n: 3, r: 2, w: 2 });',
        "try { await cluster.put('k', 'v'); console.log(JSON.stringify((await cluster.get('k')).values)); } finally { await cluster.stop(); }",
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runNodeScript(script, [], 30_000);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('["v"]');
  }, 60_000);
});

describe('package hygiene - the node worker is one module', () => {
  // scripts/bundle-workers.mjs, run by the build: every node of a cluster loads this file.
  const nodeWorker = join(DIST, 'workers', 'node-worker.js');

  it('imports nothing but node: builtins, comlink (the copy the main thread speaks to) and, when a node is durable, lmdb: the engine is inside it', () => {
    const text = readFileSync(nodeWorker, 'utf8');
    const specifiers = SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[2] ?? ''));
    expect(specifiers).toContain('comlink');
    expect(specifiers.filter((specifier) => !specifier.startsWith('node:') && packageOf(specifier) !== 'comlink')).toEqual(['lmdb']);
    // Only as a dynamic import: a node in memory never loads the optional native package.
    expect([...text.matchAll(SPECIFIERS[2]!)].map((match) => match[2])).toContain('lmdb');
  });

  it('names its source map, which leads to the TypeScript sources of the engine and nothing else', () => {
    expect(readFileSync(nodeWorker, 'utf8').trimEnd().endsWith('\n//# sourceMappingURL=node-worker.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(`${nodeWorker}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string };
    const sources = map.sources.map((source) => resolve(dirname(nodeWorker), map.sourceRoot ?? '', source));
    expect(sources).toContain(join(REPO_ROOT, 'workers', 'node-worker.ts'));
    expect(sources).toContain(join(REPO_ROOT, 'src', 'core', 'node.ts'));
    expect(sources).toContain(join(REPO_ROOT, 'src', 'transport', 'port-mesh.ts'));
    expect(sources.filter((source) => !existsSync(source))).toEqual([]);
    // What the import walk above cannot see inside the bundle: no package (a bench one above
    // all) was copied into it.
    const ours = [join(REPO_ROOT, 'src'), join(REPO_ROOT, 'workers')].map((dir) => `${dir}/`);
    expect(sources.filter((source) => !ours.some((dir) => source.startsWith(dir)))).toEqual([]);
  });

  it('the client worker stays as tsc wrote it: a program it runs imports the engine from dist/src, and must meet the same classes', () => {
    const text = readFileSync(join(DIST, 'workers', 'client-worker.js'), 'utf8');
    expect(text).toMatch(/from '\.\.\/src\//);
  });
});

describe('package hygiene - package.json', () => {
  it('comlink is the one runtime dependency; the packages of the bench, the dynamo command, the dashboard\'s charts and durable storage are optional peers, installed here as dev dependencies', () => {
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['comlink']);
    // lmdb: durable nodes' storage, loaded only by a node started with storage of kind 'lmdb'.
    const programPackages = [...new Set([...BENCH_PACKAGES, ...CLI_PACKAGES, ...DASHBOARD_VENDOR_PACKAGES, 'lmdb'])].sort();
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual(programPackages);
    for (const name of programPackages) {
      expect(manifest.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
      expect(manifest.devDependencies?.[name], name).toBe(manifest.peerDependencies?.[name]);
    }
    // The simulator's CLI needs a subset of them.
    for (const name of SIM_PACKAGES) expect(BENCH_PACKAGES as readonly string[], name).toContain(name);
  });

  it('three programs: the bench, the simulator and the dynamo command', () => {
    expect(manifest.bin).toEqual({ 'dynamo-bench': './dist/bench.js', 'dynamo-sim': './dist/sim.js', dynamo: './dist/cli.js' });
  });
});

describe('package hygiene - README', () => {
  it('the Embedding section gives the install command the bench prints when all its packages are missing', () => {
    const embedding = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('## Embedding')[1]?.split('\n## ')[0] ?? '';
    const command = /npm install .*$/.exec(missingPackagesMessage(BENCH_PACKAGES, readPackageManifest(import.meta.url)))?.[0];
    expect(command).toMatch(/^npm install "yargs@/);
    expect(embedding).toContain(`\n${command}\n`);
  });
});

describe('package hygiene - the tarball', () => {
  it('npm pack ships the build, README.md and package.json, and no sources, tests or CI files', () => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the feet of the other test files.
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(packed.status, packed.stderr).toBe(0);
    const [entry] = JSON.parse(packed.stdout) as { files: { path: string }[] }[];
    const paths = (entry?.files ?? []).map((file) => file.path);
    for (const needed of [
      ...['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/bench.js', 'dist/src/index.js', 'dist/workers/node-worker.js', 'dist/bench/main.js'],
      ...['dist/sim.js', 'dist/sim/main.js', 'dist/sim/pool-task.js'],
    ]) {
      expect(paths, needed).toContain(needed);
    }
    const unwanted = paths.filter(
      (path) =>
        /^(tests|src|bench|sim|workers|scripts|docs|reports|\.ci)\//.test(path) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')) ||
        !(path.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE'].includes(path)),
    );
    expect(unwanted).toEqual([]);
  });
});
