import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/runtime/worker-argv.js';

describe('worker flags', () => {
  it('workers drop the flags that only apply to the main script and keep the rest', () => {
    expect(workerExecArgv(['--input-type=module', '-e', '--enable-source-maps', '--max-old-space-size=512', '--input-type', '--print'])).toEqual([
      '--enable-source-maps',
      '--max-old-space-size=512',
    ]);
  });
});
