/**
 * The messages between the chart pool (main side) and its render worker, imported with
 * `import type` on both sides so that the two cannot drift apart.
 */

/** One chart to render: a `.vl.json` already on disk, and where its PNG goes. */
export interface RenderTask {
  specPath: string;
  pngPath: string;
}

/** What the worker produced. */
export interface RenderResult {
  pngPath: string;
  widthPx: number;
  heightPx: number;
}
