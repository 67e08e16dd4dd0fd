/**
 * Runs every transcript in tests/transcripts/ (see tests/helpers/transcript.ts for the
 * language) and compares each command's output with the one checked in beside it.
 * `UPDATE_TRANSCRIPTS=1` rewrites the files from the run instead.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTranscript, renderTranscript, TranscriptRunner } from './helpers/transcript.js';

const DIR = new URL('./transcripts/', import.meta.url);
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.txt')).sort();

describe('transcripts', () => {
  it('there are transcripts to run', () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  it.each(FILES)('%s', (name) => {
    const url = new URL(name, DIR);
    const text = readFileSync(url, 'utf8');
    const runner = new TranscriptRunner();
    const outputs = parseTranscript(text).map((block) => ({ ...block, actual: runner.run(block.command) }));
    if (process.env.UPDATE_TRANSCRIPTS === '1') {
      writeFileSync(url, renderTranscript(text, outputs.map((o) => o.actual)));
      return;
    }
    for (const { command, expected, actual } of outputs) expect(actual, command).toBe(expected);
  });
});
