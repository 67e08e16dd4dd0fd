/**
 * The bench's own `mkdir -p`, in process. Paths that once hung (procfs) are tested only
 * through the CLI, in a child process with a kill timeout (bench-cli.test.ts), since a
 * regression there would spin a thread of the test runner for ever. The permission cases are
 * there too: the child can run as an unprivileged user when the tests run as root.
 */
import { existsSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryError, makeDirectory, probeWritable } from '../bench/make-directory.js';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dynamo-mkdir-'));

describe('bench makeDirectory - creates what is missing, refuses what cannot be a directory', () => {
  it('creates every missing level of a deep path', async () => {
    const root = tempDir();
    const deep = join(root, 'a', 'b', 'c');
    await makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('accepts a directory that exists, and a relative path', async () => {
    const root = tempDir();
    await makeDirectory(root);
    const cwdRelative = relative(process.cwd(), join(root, 'rel'));
    await makeDirectory(cwdRelative);
    expect(existsSync(join(root, 'rel'))).toBe(true);
  });

  it('refuses a path under a regular file, naming the file', async () => {
    const file = join(tempDir(), 'plain');
    writeFileSync(file, 'x');
    await expect(makeDirectory(join(file, 'x', 'y'))).rejects.toThrow(new DirectoryError(`${file} is a file, not a directory`));
  });

  it('refuses a regular file and a device as they are, naming what they are', async () => {
    const file = join(tempDir(), 'plain');
    writeFileSync(file, 'x');
    await expect(makeDirectory(file)).rejects.toThrow(new DirectoryError(`${file} is a file, not a directory`));
    if (existsSync('/dev/null')) await expect(makeDirectory('/dev/null')).rejects.toThrow(new DirectoryError('/dev/null is a device, not a directory'));
  });

  it('refuses a symbolic link to nothing without creating its target', async () => {
    const root = tempDir();
    symlinkSync(join(root, 'gone'), join(root, 'link'));
    await expect(makeDirectory(join(root, 'link', 'out'))).rejects.toThrow(/link is a symbolic link to nothing, not a directory/);
    expect(existsSync(join(root, 'gone'))).toBe(false);
  });

  it('probeWritable leaves nothing behind in a writable directory', async () => {
    const root = tempDir();
    await probeWritable(root);
    expect(readdirSync(root)).toEqual([]);
  });
});
