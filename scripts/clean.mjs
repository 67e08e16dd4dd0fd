// Removes dist/ before a build: tsc never deletes the output of a source file that was renamed
// or deleted, and such a stale file would ship in the package.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
