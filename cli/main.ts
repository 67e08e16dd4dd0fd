/**
 * The `dynamo` command's entry (dist/cli.js imports it): checks that its packages are
 * installed, then loads the command line itself (cli.ts).
 */
import { missingCliPackages } from './packages.js';

const missing = missingCliPackages();
if (missing !== null) {
  process.stderr.write(`dynamo: ${missing}\n`);
  process.exitCode = 2;
} else {
  await import('./cli.js');
}
