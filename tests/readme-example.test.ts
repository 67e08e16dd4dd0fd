/**
 * The README's embedding example, run exactly as written, against the built package
 * (imported by its package name, as a user would).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function embeddingExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Embedding')[1] ?? '';
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README has no js example under "## Embedding"');
  return code;
}

describe('README', () => {
  it('the embedding example runs as written', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', embeddingExample()], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/name: 'Alice'/);
    expect(lines[1]).toBe('2');
    expect(lines[2]).toBe('INVALID_ARGUMENT');
    expect(lines[3]).toMatch(/node-\d/);
  });

  it('the quick start has exactly the two commands', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const quick = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n');
    expect(quick).toEqual(['npm ci && node dist/bench.js 500 5 3 3', 'npm ci && npm test']);
  });
});
