/**
 * The dashboard's files: the browser app built into dist/dashboard/ (from dashboard/ at the
 * package root), and Vega, Vega-Lite and vega-embed's browser builds, read from their
 * packages in node_modules, so that the page never loads a script from another host. Files
 * are read once and kept (a few MB at most); a name not in the fixed lists is never looked up,
 * so no path from a request reaches the file system.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledSibling } from '../../util/compiled-path.js';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The packages the page's charts come from: optional peers, served when installed. */
export const DASHBOARD_VENDOR_PACKAGES = ['vega', 'vega-lite', 'vega-embed'] as const;

/** The vendored scripts: the name the page asks for, the package, and the file in it. */
const VENDOR: Record<string, { readonly pkg: string; readonly file: string }> = {
  'vega.min.js': { pkg: 'vega', file: 'build/vega.min.js' },
  'vega-lite.min.js': { pkg: 'vega-lite', file: 'build/vega-lite.min.js' },
  'vega-embed.min.js': { pkg: 'vega-embed', file: 'build/vega-embed.min.js' },
};

export class AssetMissing extends Error {
  override readonly name = 'AssetMissing';
}

function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return CONTENT_TYPES[dot < 0 ? '' : name.slice(dot)] ?? 'application/octet-stream';
}

export class DashboardAssets {
  private readonly cache = new Map<string, Asset>();
  private appFiles: ReadonlySet<string> | undefined;

  constructor(private readonly appDir: string = fileURLToPath(compiledSibling(import.meta.url, '../../../dashboard/'))) {}

  /** A file of the browser app (`index.html`, `main.js`, ...); undefined when there is none. */
  app(name: string): Asset | undefined {
    if (!this.listApp().has(name)) return undefined;
    return this.load(`app:${name}`, () => readFileSync(join(this.appDir, name)), name);
  }

  /**
   * A vendored script; undefined for a name not vendored. Throws AssetMissing, naming the
   * package to install, when its package is not installed (they are optional peers).
   */
  vendor(name: string): Asset | undefined {
    const source = Object.hasOwn(VENDOR, name) ? VENDOR[name] : undefined;
    if (source === undefined) return undefined;
    return this.load(`vendor:${name}`, () => readFileSync(join(packageRoot(source.pkg), source.file)), name);
  }

  private listApp(): ReadonlySet<string> {
    if (this.appFiles === undefined) {
      try {
        // Only plain file names: nothing a request names can climb out of the directory.
        this.appFiles = new Set(readdirSync(this.appDir).filter((name) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)));
      } catch {
        throw new AssetMissing(`the dashboard is not built (no ${this.appDir}): run npm run build`);
      }
    }
    return this.appFiles;
  }

  private load(key: string, read: () => Buffer, name: string): Asset {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const asset = { body: read(), contentType: contentTypeOf(name) };
    this.cache.set(key, asset);
    return asset;
  }
}

/** The directory of an installed package (its exports hide package.json, so walk up from its entry). */
function packageRoot(pkg: string): string {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(pkg));
  } catch {
    throw new AssetMissing(`the dashboard's charts need the package ${pkg}: npm install vega vega-lite vega-embed`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === pkg) return dir;
    } catch {
      // No package.json here: keep climbing.
    }
  }
  throw new AssetMissing(`cannot find the directory of the package ${pkg}`);
}
