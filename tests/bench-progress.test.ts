import { describe, expect, it } from 'vitest';
import { createProgress } from '../bench/progress.js';

function fakeStream(): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const stream = { write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('bench progress bar', () => {
  it('stays silent when disabled (stdout is not a terminal)', () => {
    const { stream, written } = fakeStream();
    const progress = createProgress(false, stream);
    progress.start('measuring', 10);
    progress.advance(10);
    progress.done();
    expect(written).toEqual([]);
  });

  it('draws a bar, redraws sparingly, shows the end and clears the line', () => {
    const { stream, written } = fakeStream();
    const progress = createProgress(true, stream);
    progress.start('measuring', 1000);
    for (let i = 0; i < 1000; i++) progress.advance();
    progress.done();
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.length).toBeLessThan(20);
    expect(written[0]).toMatch(/measuring\s+\[\s+\]\s+0% 0\/1000/);
    expect(written.at(-2)).toMatch(/\[#{30}\] 100% 1000\/1000/);
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });
});
