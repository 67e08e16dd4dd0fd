// Bundles the node worker (dist/workers/node-worker.js, as tsc wrote it) into one file, in
// place, with a source map back to the TypeScript sources.
//
// Every node of a cluster is a worker thread that loads this file. Loaded as tsc leaves it,
// it is 44 modules of ours, each resolved, read, compiled and linked by Node's ESM loader in
// every worker: a node's thread cost about 150 ms of CPU to start, of which a worker with an
// empty script takes 50 (docs/PERFORMANCE.md, "Starting a node"). Node's builtins and comlink
// stay imports: comlink speaks to the main thread's copy of itself, and the main thread loads
// the one the user installed, so the worker loads that one too. lmdb stays an import (a native
// addon, found beside its package), loaded only by a durable node.
//
// Only the node worker: the client worker imports the user's program, which imports the
// engine from dist/src, and a bundled copy of the engine's classes beside that one would
// make `instanceof DynamoError` false across the two.
//
//   node scripts/bundle-workers.mjs   (run by `npm run build`, after tsc)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(root, 'dist/workers/node-worker.js');

/** Hands each compiled module to the bundler with tsc's map, so the bundle's map leads to the .ts files. */
const tscSourceMaps = {
  name: 'tsc-source-maps',
  load(id) {
    if (!id.endsWith('.js') || !existsSync(`${id}.map`)) return null;
    return { code: readFileSync(id, 'utf8'), map: readFileSync(`${id}.map`, 'utf8') };
  },
};

/** An import the bundler cannot resolve would stay an import of a file the bundle no longer has beside it. */
function failOnUnresolved(level, log, defaultHandler) {
  if (log.code === 'UNRESOLVED_IMPORT') throw new Error(`bundling the node worker: ${log.message}`);
  defaultHandler(level, log);
}

const bundle = await rolldown({ input: entry, platform: 'node', external: [/^node:/, /^comlink(\/|$)/, /^lmdb(\/|$)/], plugins: [tscSourceMaps], onLog: failOnUnresolved });
try {
  // Generated in memory and written after: the entry is an input until the bundle is made.
  const { output } = await bundle.generate({ file: entry, format: 'esm', sourcemap: true });
  const chunks = output.filter((item) => item.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`the node worker bundled into ${chunks.length} chunks, expected 1`);
  const [chunk] = chunks;
  const mapFile = `${basename(entry)}.map`;
  writeFileSync(entry, `${chunk.code.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '')}\n//# sourceMappingURL=${mapFile}\n`);
  writeFileSync(`${entry}.map`, chunk.map.toString());
} finally {
  await bundle.close();
}
