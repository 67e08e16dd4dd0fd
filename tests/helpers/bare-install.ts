/**
 * The package as an embedder gets it: the built dist/ and package.json in a fresh directory
 * whose node_modules holds the runtime dependencies only (comlink), none of the bench's
 * optional peers. Node resolves packages from a module's real path, so a copy is needed: a
 * symbolic link to dist/ would find this repository's node_modules.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Makes the directory and returns its path; the caller's temp dir is left for the OS. */
export function bareInstall(): string {
  const root = mkdtempSync(join(tmpdir(), 'dynamo-bare-'));
  cpSync(join(REPO_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = join(root, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules', name)), link, 'dir');
  }
  return root;
}
