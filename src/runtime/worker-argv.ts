/**
 * Node flags for our worker threads. A Worker inherits the parent's execArgv, but some of
 * those flags are for the main script only: with `node --input-type=module -e ...` (an
 * embedding program run inline) every worker would fail to start. Those are left out.
 */
const MAIN_SCRIPT_ONLY = ['--input-type', '--eval', '-e', '--print', '-p', '--test'];

export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  return parent.filter((arg) => !MAIN_SCRIPT_ONLY.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}
