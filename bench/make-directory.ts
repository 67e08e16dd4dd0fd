/**
 * `mkdir -p` without Node's recursive mkdir, and a check that a directory takes new files.
 *
 * Node's `mkdir(dir, { recursive: true })` reads ENOENT as "a parent is missing": it makes the
 * parent, which already exists (EEXIST counts as success), and tries the child again. procfs
 * answers ENOENT to every new name, so `mkdir('/proc/x', { recursive: true })` loops inside
 * Node for ever: the promise never settles (and mkdirSync never returns). Here the walk is
 * bounded: look the path up (stat) to find the deepest existing ancestor, then create the
 * missing components one at a time, forward only, so that any failure is final.
 */
import { lstat, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A directory that cannot be made or written; `message` is one line naming the path. */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
}

/**
 * `mkdir -p` that always terminates: a few system calls per path component at most, and no
 * retries. Throws DirectoryError when the directory cannot be had.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let path = target; ; ) {
    const info = await lookUp(path);
    if (info !== undefined) {
      if (!info.isDirectory()) throw new DirectoryError(`${path} is ${kindOf(info)}, not a directory`);
      break;
    }
    missing.push(path);
    const parent = dirname(path);
    // The root always exists; this guards the loop, whatever stat says about it.
    if (parent === path) throw new DirectoryError(`${path} does not exist`);
    path = parent;
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') {
        // Made by someone else in the meantime, or a name that stat cannot follow.
        const info = await lookUp(path);
        if (info?.isDirectory() === true) continue;
        const link = await lstat(path).catch(() => undefined);
        throw new DirectoryError(`${path} is ${link?.isSymbolicLink() === true ? 'a symbolic link to nothing' : 'in the way'}, not a directory`);
      }
      // The parent was just seen (or made) as a directory: ENOENT now means it does not take
      // new entries, as procfs does.
      if (code === 'ENOENT') throw new DirectoryError(`${dirname(path)} does not accept new directories (ENOENT)`);
      throw new DirectoryError(`cannot create ${path}: ${describe(code)}`);
    }
  }
}

/** stat, with "not there" (also "a parent is not a directory") as undefined. */
async function lookUp(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DirectoryError(`cannot look up ${path}: ${describe(code)}`);
  }
}

/**
 * Creates and removes an empty file in `dir`: a directory can exist and still refuse files
 * (procfs, a read-only mount, its mode bits). Throws DirectoryError when it refuses.
 */
export async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.dynamo-bench-probe-${process.pid}-${Date.now()}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') throw new DirectoryError(`${dir} does not accept new files (ENOENT)`);
    throw new DirectoryError(`cannot create files in ${dir}: ${describe(code)}`);
  }
  await unlink(probe);
}

function kindOf(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a pipe';
  if (info.isSocket()) return 'a socket';
  return 'something else';
}

const WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  ENOENT: 'no such file or directory',
};

function describe(code: string): string {
  const words = WORDS[code];
  return words === undefined ? code : `${words} (${code})`;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}
