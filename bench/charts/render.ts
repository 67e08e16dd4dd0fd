import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite spec to SVG to PNG, entirely in Node: vega-lite compiles, a headless vega View
 * renders SVG, resvg rasterizes. No node-canvas, which needs native downloads these
 * machines do not allow.
 */

/** Compiles a Vega-Lite spec and renders it to an SVG document string. */
export async function renderSpecToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  // renderer 'none': nothing is drawn to a surface; toSVG builds the markup from the scene graph.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    // A view holds timers and listeners; finalize releases them so a worker can render many.
    view.finalize();
  }
}

/**
 * Rasterizes an SVG to PNG at its own width and height. Vega writes font-family
 * `sans-serif`; resvg maps that generic family to DejaVu Sans, the font installed here.
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Width and height in pixels declared on an SVG's root element. */
export function svgSize(svg: string): { widthPx: number; heightPx: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = /\swidth="([\d.]+)"/.exec(root)?.[1];
  const height = /\sheight="([\d.]+)"/.exec(root)?.[1];
  if (width === undefined || height === undefined) throw new Error('SVG root has no width/height');
  return { widthPx: Number(width), heightPx: Number(height) };
}

/** Width and height in pixels from a PNG's IHDR chunk (bytes 16..24, big-endian). */
export function pngSize(png: Uint8Array): { widthPx: number; heightPx: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { widthPx: view.getUint32(16), heightPx: view.getUint32(20) };
}
