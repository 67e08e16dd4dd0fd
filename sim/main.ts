/**
 * The simulator CLI's entry (dist/sim.js imports it): checks that its packages are installed,
 * then loads the CLI itself (cli.ts). They are optional peer dependencies, so an installed
 * package may lack them; importing the CLI statically would fail before any code here ran,
 * with a stack trace instead of the command that fixes it.
 */
import { missingSimPackages } from './packages.js';

const missing = missingSimPackages();
if (missing !== null) {
  process.stderr.write(`sim: ${missing}\n`);
  process.exitCode = 2;
} else {
  await import('./cli.js');
}
