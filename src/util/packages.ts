/**
 * Optional peer packages, checked before a program loads them. The library needs only
 * comlink; the bench and the simulator's CLI need more, which the package declares as
 * optional peer dependencies: an embedder does not get them, and whoever runs one of those
 * programs from an installed package installs them first. A missing one would otherwise
 * surface as ERR_MODULE_NOT_FOUND with a stack trace, before any of the program's code ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Resolves a bare specifier as `import` would, throwing when it cannot. */
export type ResolveSpecifier = (specifier: string) => unknown;

/** The names among `names` that `resolve` does not resolve, in the given order. */
export function missingPackages(names: readonly string[], resolve: ResolveSpecifier): string[] {
  return names.filter((name) => {
    try {
      resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * One line naming the missing packages and the npm command that installs them, at the
 * version ranges the package's peerDependencies declare (bare names when unknown). `program`
 * names who needs them: "the bench".
 */
export function missingPackagesMessage(program: string, missing: readonly string[], manifest: PackageManifest | undefined): string {
  const ranges = manifest?.peerDependencies ?? {};
  // Quoted: `^` means something to some shells (zsh with extended globs, cmd.exe).
  const specs = missing.map((name) => (ranges[name] === undefined ? name : `"${name}@${ranges[name]}"`));
  const owner = manifest?.name ?? 'this package';
  const verb = missing.length === 1 ? 'is' : 'are';
  return `${program} needs ${missing.join(', ')}, which ${verb} not installed (optional peer dependencies of ${owner}): npm install ${specs.join(' ')}`;
}

/** The fields of package.json these programs read. */
export interface PackageManifest {
  readonly name?: string;
  readonly version: string;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/**
 * The package's own package.json. The directory depth differs between the source
 * (bench/*.ts) and the build (dist/bench/*.js), so the file is found by walking up from
 * `moduleUrl` to the first package.json with a version.
 */
export function readPackageManifest(moduleUrl: string): PackageManifest | undefined {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = toManifest(JSON.parse(readFileSync(candidate, 'utf8')));
      if (manifest !== undefined) return manifest;
      // A package.json without a version (e.g. one that only sets "type") is not the package's.
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The manifest's fields, or undefined when it has no version; odd peer entries are dropped. */
function toManifest(value: unknown): PackageManifest | undefined {
  if (typeof value !== 'object' || value === null || !('version' in value) || typeof value.version !== 'string') return undefined;
  const name = 'name' in value && typeof value.name === 'string' ? value.name : undefined;
  const peers = 'peerDependencies' in value && typeof value.peerDependencies === 'object' ? value.peerDependencies : null;
  const peerDependencies: Record<string, string> = {};
  for (const [peer, range] of Object.entries(peers ?? {})) if (typeof range === 'string') peerDependencies[peer] = range;
  return { version: value.version, ...(name === undefined ? {} : { name }), peerDependencies };
}
