import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { compiledSibling } from '../../src/util/compiled-path.js';
import { workerExecArgv } from '../../src/util/worker-argv.js';
import { makeDirectory } from '../make-directory.js';
import type { RenderResult, RenderTask } from './render-protocol.js';
import type { NamedChart } from './specs.js';

/** A chart written to disk: its spec file, its PNG and the PNG's size. */
export interface RenderedChart {
  name: string;
  specPath: string;
  pngPath: string;
  widthPx: number;
  heightPx: number;
}

/** Options of {@link renderCharts}. */
export interface RenderChartsOptions {
  /** Worker threads rendering PNGs at once; default 2 (the machines have 2 cores). */
  threads?: number;
}

/**
 * Writes `${name}.vl.json` (pretty JSON) for every chart into `outDir`, then renders each
 * to `${name}.png` in a piscina pool. The pool is destroyed when done, also on error, so a
 * failed render never leaves threads keeping the process alive.
 */
export async function renderCharts(
  charts: readonly NamedChart[],
  outDir: string,
  options: RenderChartsOptions = {},
): Promise<RenderedChart[]> {
  // Not Node's recursive mkdir, which loops for ever on a procfs path (make-directory.ts).
  await makeDirectory(outDir);
  const tasks: (RenderTask & { name: string })[] = [];
  for (const { name, spec } of charts) {
    const specPath = join(outDir, `${name}.vl.json`);
    await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
    tasks.push({ name, specPath, pngPath: join(outDir, `${name}.png`) });
  }
  if (tasks.length === 0) return [];

  const threads = Math.max(1, Math.min(options.threads ?? 2, tasks.length));
  const pool = new Piscina<RenderTask, RenderResult>({
    // A worker must be a .js file: from the build this is the sibling, under vitest the same
    // file in dist/.
    filename: compiledSibling(import.meta.url, './render-worker.js').href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: workerExecArgv(),
  });
  try {
    const results = await Promise.all(
      tasks.map(async ({ name, specPath, pngPath }) => {
        const result = await pool.run({ specPath, pngPath });
        return { name, specPath, pngPath: result.pngPath, widthPx: result.widthPx, heightPx: result.heightPx };
      }),
    );
    return results;
  } finally {
    await pool.destroy();
  }
}
