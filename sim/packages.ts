/**
 * The simulator CLI's own packages (yargs for its command line, piscina for its pool), and a
 * check that they are installed before anything loads them: like the bench's, they are
 * optional peer dependencies of the package (src/util/packages.ts).
 */
import { missingPackages, missingPackagesMessage, readPackageManifest, type ResolveSpecifier } from '../src/util/packages.js';

/** Everything the simulator's CLI imports beyond the package itself and Node. */
export const SIM_PACKAGES = ['yargs', 'piscina'] as const;

/** Resolution from this file's place, where the CLI's modules are, in the sources and in dist/. */
const resolveFromSim: ResolveSpecifier = (specifier) => import.meta.resolve(specifier);

/** The one line to print when some are missing, or null when all are installed. */
export function missingSimPackages(resolve: ResolveSpecifier = resolveFromSim): string | null {
  const missing = missingPackages(SIM_PACKAGES, resolve);
  return missing.length === 0 ? null : missingPackagesMessage('the simulator', missing, readPackageManifest(import.meta.url));
}
