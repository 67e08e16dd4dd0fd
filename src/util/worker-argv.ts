/**
 * Node flags for our worker threads. A Worker inherits the parent's execArgv, but some of
 * those flags are for the main script only: with `node --input-type=module -e ...` (an
 * embedding program run inline) every worker would fail to start. Those are left out, with
 * the script text that follows `-e` or `-p`.
 */
const MAIN_SCRIPT_ONLY = ['--input-type', '--test'];
const WITH_SCRIPT = ['--eval', '-e', '--print', '-p'];

export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] ?? '';
    const flag = arg.split('=')[0] ?? arg;
    if (WITH_SCRIPT.includes(flag)) {
      if (!arg.includes('=')) i++; // the script text is the next argument
      continue;
    }
    if (MAIN_SCRIPT_ONLY.includes(flag)) continue;
    out.push(arg);
  }
  return out;
}
