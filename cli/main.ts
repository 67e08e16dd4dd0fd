/**
 * The `dynamo` command's entry (dist/cli.js imports it): checks that its packages are
 * installed, then loads the command line itself (cli.ts). They are optional peer
 * dependencies of the package (src/util/packages.ts), as the bench's and the simulator's are.
 */
import { missingPackages, missingPackagesMessage, readPackageManifest } from '../src/util/packages.js';

const CLI_PACKAGES = ['yargs', 'hono', '@hono/node-server', 'zod', 'smol-toml', 'prom-client', 'hdr-histogram-js'] as const;

const missing = missingPackages(CLI_PACKAGES, (specifier) => import.meta.resolve(specifier));
if (missing.length > 0) {
  process.stderr.write(`dynamo: ${missingPackagesMessage('the dynamo command', missing, readPackageManifest(import.meta.url))}\n`);
  process.exitCode = 2;
} else {
  await import('./cli.js');
}
