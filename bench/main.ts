/**
 * The bench CLI's entry (dist/bench.js imports it): checks that the bench's packages are
 * installed, then loads the CLI itself (cli.ts). They are optional peer dependencies, so an
 * installed package may lack them; importing the CLI statically would fail before any code
 * here ran, with a stack trace instead of the command that fixes it.
 */
import { BENCH_PACKAGES, missingPackages, missingPackagesMessage, readPackageManifest } from './packages.js';

const missing = missingPackages(BENCH_PACKAGES);
if (missing.length > 0) {
  process.stderr.write(`bench: ${missingPackagesMessage(missing, readPackageManifest(import.meta.url))}\n`);
  process.exitCode = 2;
} else {
  await import('./cli.js');
}
