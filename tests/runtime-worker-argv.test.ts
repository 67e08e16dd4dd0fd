import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../src/util/worker-argv.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PRELOAD_CJS = join(FIXTURES, 'preload.cjs');
const PRELOAD_MJS = pathToFileURL(join(FIXTURES, 'preload.mjs')).href;
const LOADER = pathToFileURL(join(FIXTURES, 'loader.mjs')).href;

/** Host flags a Worker refuses: V8 options and per-process options, with their values. */
const REFUSED: ReadonlyArray<readonly string[]> = [
  ['--max-old-space-size=4096'],
  ['--max-semi-space-size=64'],
  ['--expose-gc'],
  ['--stack-size=2000'],
  ['--trace-gc'],
  ['--stack-trace-limit=50'],
  ['--jitless'],
  ['--abort-on-uncaught-exception'],
  ['--title=dynamo-test'],
  ['--title', 'dynamo-test'],
  ['--zero-fill-buffers'],
  ['--disable-proto=delete'],
  ['--v8-pool-size=2'],
  ['--tls-cipher-list', 'DEFAULT'],
  ['--trace-event-categories', 'node'],
  ['--icu-data-dir=/nowhere'],
  ['--openssl-config', '/dev/null'],
  ['--dynamo-not-a-flag'],
];

/** Host flags a Worker accepts: per-isolate and per-environment options, with their values. */
const ACCEPTED: ReadonlyArray<readonly string[]> = [
  ['--enable-source-maps'],
  ['--no-warnings'],
  ['--no-deprecation'],
  ['--trace-warnings'],
  ['--unhandled-rejections=strict'],
  ['--disable-warning', 'DEP0040'],
  ['--conditions', 'development'],
  ['--conditions=development'],
  ['-C', 'development'],
  ['-r', PRELOAD_CJS],
  ['--require', PRELOAD_CJS],
  ['--require=' + PRELOAD_CJS],
  ['--import', PRELOAD_MJS],
  ['--loader', LOADER],
  ['--experimental-loader=' + LOADER],
  ['--experimental-vm-modules'],
  ['--inspect'],
  ['--inspect=0'],
  ['--inspect-port=0'],
  ['--diagnostic-dir', '/tmp'],
  ['--frozen-intrinsics'],
  ['--enable_source_maps'],
];

/** Flags for the main script only, with the inline script text that belongs to them. */
const MAIN_SCRIPT_ONLY: ReadonlyArray<readonly string[]> = [
  ['--input-type=module'],
  ['--input-type', 'module'],
  ['--input_type=module'],
  ['-e', 'console.log(1)'],
  ['--eval', 'console.log(1)'],
  ['--eval=console.log(1)'],
  ['-p', '2+2'],
  ['--print', '2+2'],
  ['-pe', '2+2'],
  ['--test'],
  ['--check'],
  ['-i'],
  ['--inspect-brk'],
  ['--inspect-brk=0'],
  ['--inspect-wait=127.0.0.1:0'],
];

describe('worker flags - host flags a Worker refuses are left out, with their values', () => {
  it.each(REFUSED.map((flags) => [flags.join(' '), flags]))('%s -> nothing', (_name, flags) => {
    expect(workerExecArgv(flags)).toEqual([]);
  });
});

describe('worker flags - host flags a Worker accepts are kept, with their values', () => {
  it.each(ACCEPTED.map((flags) => [flags.join(' '), flags]))('%s -> kept', (_name, flags) => {
    expect(workerExecArgv(flags)).toEqual(flags);
  });
});

describe('worker flags - flags for the main script only are left out, with the script text', () => {
  it.each(MAIN_SCRIPT_ONLY.map((flags) => [flags.join(' '), flags]))('%s -> nothing', (_name, flags) => {
    expect(workerExecArgv(flags)).toEqual([]);
  });
});

describe('worker flags - mixed lists', () => {
  it('keeps the accepted flags of a mixed list, in order, and drops the rest', () => {
    expect(
      workerExecArgv([
        '--input-type=module', '-e', 'console.log(1)', '--enable-source-maps', '--max-old-space-size=512',
        '--conditions', 'development', '--title', 'dynamo-test', '--print', '2+2', '--expose-gc', '-r', PRELOAD_CJS,
        '--test', '--no-warnings',
      ]),
    ).toEqual(['--enable-source-maps', '--conditions', 'development', '-r', PRELOAD_CJS, '--no-warnings']);
  });

  it('keeps an option that is valid only beside another, even when that one comes later', () => {
    expect(workerExecArgv(['--heap-prof-dir=/tmp/profiles', '--heap-prof'])).toEqual(['--heap-prof-dir=/tmp/profiles', '--heap-prof']);
    expect(workerExecArgv(['--cpu-prof', '--cpu-prof-dir', '/tmp/profiles'])).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/profiles']);
    expect(workerExecArgv(['--heap-prof-dir=/tmp/profiles', '--expose-gc'])).toEqual([]);
  });

  it('keeps nothing from an empty list', () => {
    expect(workerExecArgv([])).toEqual([]);
  });

  it('drops a stray value that would make a Worker ignore the flags after it', () => {
    // Not a list Node produces (V8 flags need `=`), but a Worker would stop reading at `900`.
    expect(workerExecArgv(['--stack-size', '900', '--no-warnings'])).toEqual(['--no-warnings']);
    expect(workerExecArgv(['--enable-source-maps', 'stray', '--no-warnings'])).toEqual(['--no-warnings']);
  });

  it('gives each caller its own array, so one caller cannot change the next answer', () => {
    const first = workerExecArgv(['--enable-source-maps']);
    first.push('--expose-gc');
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps']);
  });

  it("answers for this process's own flags by default", () => {
    expect(workerExecArgv()).toEqual(workerExecArgv(process.execArgv));
  });
});
