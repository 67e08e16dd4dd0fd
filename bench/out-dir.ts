/**
 * The --out directory, made (or checked) before anything is measured: a path that cannot
 * hold the reports is the user's mistake, and finding it after a long run wastes the run.
 */
import { resolve } from 'node:path';
import { BenchArgsError } from './args.js';
import { DirectoryError, makeDirectory, probeWritable } from './make-directory.js';

/**
 * Makes `dir` and its missing parents, or finds it already there; then checks that a file can
 * be created in it. Throws BenchArgsError naming `dir` and what is wrong.
 */
export async function prepareOutDir(dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
    await probeWritable(resolve(dir));
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    throw new BenchArgsError(`--out ${dir} cannot hold the reports: ${error.message}`, { cause: error });
  }
}
