/**
 * The bench's packages are optional peers: without them the bench says which are missing and
 * how to install them, and exits 2, instead of dying in the module loader with a stack trace.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_PACKAGES, missingPackages, missingPackagesMessage, readPackageManifest } from '../bench/packages.js';
import { bareInstall } from './helpers/bare-install.js';
import { runNodeScript } from './helpers/run-bench.js';

const MISSING = 'dynamo-workers-no-such-package';

describe('bench packages - which are missing', () => {
  it('finds every bench package installed in this repository', () => {
    expect(missingPackages(BENCH_PACKAGES)).toEqual([]);
  });

  it('names a package that does not resolve, and only that one', () => {
    expect(missingPackages(['yargs', MISSING, 'vega', `@${MISSING}/scoped`])).toEqual([MISSING, `@${MISSING}/scoped`]);
  });

  it('asks the resolver, and counts any failure to resolve as missing', () => {
    const asked: string[] = [];
    const resolve = (name: string): string => {
      asked.push(name);
      if (name === 'piscina') throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' });
      return `file:///node_modules/${name}/index.js`;
    };
    expect(missingPackages(['vega', 'piscina'], resolve)).toEqual(['piscina']);
    expect(asked).toEqual(['vega', 'piscina']);
  });
});

describe('bench packages - the message', () => {
  it('is one line with the npm command, at the ranges package.json declares', () => {
    const manifest = readPackageManifest(import.meta.url);
    const message = missingPackagesMessage(['vega', 'piscina'], manifest);
    expect(message).not.toMatch(/\n/);
    expect(message).toMatch(/^the bench needs vega, piscina, which are not installed \(optional peer dependencies of dynamo-workers\)/);
    expect(message).toContain(`npm install "vega@${manifest?.peerDependencies?.['vega']}" "piscina@${manifest?.peerDependencies?.['piscina']}"`);
  });

  it('falls back to bare names without a manifest', () => {
    expect(missingPackagesMessage([MISSING], undefined)).toMatch(new RegExp(`needs ${MISSING}, which is not installed .*: npm install ${MISSING}$`));
  });
});

describe('bench packages - the CLI without them', () => {
  it('exits 2 naming every missing package and the install command, with no stack trace', async () => {
    const root = bareInstall();
    const { code, stdout, stderr } = await runNodeScript(join(root, 'dist', 'bench.js'), ['10', '3', '2', '2', '--out', join(root, 'out')], 30_000);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    for (const name of BENCH_PACKAGES) expect(stderr).toContain(name);
    expect(stderr).toMatch(/npm install "(@resvg\/resvg-js|yargs|vega)@\^/);
    expect(stderr).not.toMatch(/\n\s+at |ERR_MODULE_NOT_FOUND/);
  }, 60_000);
});
