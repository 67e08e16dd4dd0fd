import { readFile, writeFile } from 'node:fs/promises';
import type { TopLevelSpec } from 'vega-lite';
import { pngSize, renderSpecToSvg, svgToPng } from './render.js';
import type { RenderResult, RenderTask } from './render-protocol.js';

/**
 * Piscina worker: renders one `.vl.json` spec file to a PNG file. The task carries paths,
 * not specs, so that the large inlined data crosses the thread boundary once, through the
 * file system the main side had to write anyway.
 */
export default async function renderChartFile(task: RenderTask): Promise<RenderResult> {
  try {
    const spec = JSON.parse(await readFile(task.specPath, 'utf8')) as TopLevelSpec;
    const png = svgToPng(await renderSpecToSvg(spec));
    await writeFile(task.pngPath, png);
    return { pngPath: task.pngPath, ...pngSize(png) };
  } catch (err) {
    // vega-lite's own messages rarely say which chart they are about ("Cannot read
    // properties of undefined"): name the spec file so the failing chart can be found.
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`rendering ${task.specPath} failed: ${message}`, { cause: err });
  }
}
