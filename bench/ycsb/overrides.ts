/**
 * YCSB's `-p name=value` on the bench's command line. It is repeatable, as in YCSB, but the
 * bench's parser keeps only the last value of a repeated option (its house rule), so every
 * occurrence is read here from the command line itself.
 */
import type { PropertyOverride } from './properties.js';

/** The spellings yargs accepts for the option: `-p v`, `--p v`, `-p=v`, `--p=v`. */
const SPELLINGS = ['-p', '--p'];

/** The text after each `-p`, in order; nothing after `--`, where options end. */
export function propertyOverrideTexts(argv: readonly string[]): string[] {
  const texts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (SPELLINGS.includes(arg)) {
      const value = argv[i + 1];
      if (value !== undefined) texts.push(value);
      i++;
      continue;
    }
    const spelling = SPELLINGS.find((s) => arg.startsWith(`${s}=`));
    if (spelling !== undefined) texts.push(arg.slice(spelling.length + 1));
  }
  return texts;
}

/** `name=value` split at its first `=`; undefined when there is no `=` or no name. */
export function splitPropertyOverride(text: string): PropertyOverride | undefined {
  const separator = text.indexOf('=');
  const name = text.slice(0, Math.max(separator, 0)).trim();
  if (separator < 0 || name === '') return undefined;
  return { name, value: text.slice(separator + 1).trim() };
}
