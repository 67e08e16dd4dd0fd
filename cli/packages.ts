/**
 * The `dynamo` command's own packages (yargs for its command line; hono, @hono/node-server
 * and zod for the HTTP API; smol-toml for job files; prom-client for /metrics;
 * hdr-histogram-js for the bench client), checked before anything loads them: like the
 * bench's, they are optional peer dependencies of the package (src/util/packages.ts).
 */
import { missingPackages, missingPackagesMessage, readPackageManifest, type ResolveSpecifier } from '../src/util/packages.js';

export const CLI_PACKAGES = ['yargs', 'hono', '@hono/node-server', 'zod', 'smol-toml', 'prom-client', 'hdr-histogram-js'] as const;

const resolveFromCli: ResolveSpecifier = (specifier) => import.meta.resolve(specifier);

/** The one line to print when some are missing, or null when all are installed. */
export function missingCliPackages(resolve: ResolveSpecifier = resolveFromCli): string | null {
  const missing = missingPackages(CLI_PACKAGES, resolve);
  return missing.length === 0 ? null : missingPackagesMessage('the dynamo command', missing, readPackageManifest(import.meta.url));
}
