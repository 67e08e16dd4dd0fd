/**
 * Tokens and secrets given as files (--token-file, --cluster-secret-file), never on the
 * command line, where `ps` would show them. The first line, trimmed, is the secret; error
 * messages name the file and what is wrong with it, never its content.
 */
import { readFileSync } from 'node:fs';

export function readSecretFile(option: string, path: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new Error(`cannot read ${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const secret = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (secret === '') throw new Error(`${option} ${path} is empty`);
  return secret;
}
