/**
 * The bench's own packages, and a check that they are installed before anything loads them
 * (src/util/packages.ts: they are optional peer dependencies of the package).
 */
import {
  missingPackages as missingFrom,
  missingPackagesMessage as messageFor,
  type PackageManifest,
  type ResolveSpecifier,
} from '../src/util/packages.js';

export { readPackageManifest, type PackageManifest, type ResolveSpecifier } from '../src/util/packages.js';

/** Everything the bench imports beyond the library and Node; each is an optional peer. */
export const BENCH_PACKAGES = ['yargs', 'hdr-histogram-js', 'piscina', 'vega', 'vega-lite', '@resvg/resvg-js'] as const;

/**
 * Resolution from this file's place: the bench's modules sit next to it, in the source tree
 * and in dist/ alike, so they find (or miss) exactly the same packages. It only locates the
 * package; nothing is loaded.
 */
const resolveFromBench: ResolveSpecifier = (specifier) => import.meta.resolve(specifier);

/** The names among `names` that do not resolve, in the given order. */
export function missingPackages(names: readonly string[], resolve: ResolveSpecifier = resolveFromBench): string[] {
  return missingFrom(names, resolve);
}

/** One line naming the missing packages and the npm command that installs them. */
export function missingPackagesMessage(missing: readonly string[], manifest: PackageManifest | undefined): string {
  return messageFor('the bench', missing, manifest);
}
