import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Resolves the compiled JavaScript file that sits next to the calling module.
 *
 * Worker threads (node workers, piscina pools) need a `.js` entry file. In the build the
 * caller is itself in dist/ and the sibling is right there. Under vitest the caller runs from
 * its TypeScript source, so the sibling is taken from the same place in dist/ instead (the
 * test command builds first).
 */
export function compiledSibling(callerUrl: string, relativeJsPath: string): URL {
  const callerPath = fileURLToPath(callerUrl);
  if (!callerPath.endsWith('.ts')) return new URL(relativeJsPath, callerUrl);
  const root = findPackageRoot(dirname(callerPath));
  const inDist = join(root, 'dist', relative(root, dirname(callerPath)), relativeJsPath);
  return pathToFileURL(inDist);
}

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}
