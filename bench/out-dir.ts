/**
 * The --out directory, made (or checked) before anything is measured: a path that cannot
 * hold the reports is the user's mistake, and finding it after a long run wastes the run.
 */
import { mkdir } from 'node:fs/promises';
import { BenchArgsError } from './args.js';

export async function prepareOutDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new BenchArgsError(`--out ${dir} cannot hold the reports (${code}): give a directory path`, { cause: error });
  }
}
