import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/util/worker-argv.js';

describe('worker flags', () => {
  it('workers drop the flags that only apply to the main script, with the inline script, and keep the rest', () => {
    expect(
      workerExecArgv(['--input-type=module', '-e', 'console.log(1)', '--enable-source-maps', '--max-old-space-size=512', '--print', '2+2', '--test']),
    ).toEqual(['--enable-source-maps', '--max-old-space-size=512']);
  });
});
