import { Worker } from 'node:worker_threads';

/**
 * Flags that describe what the main thread does with its entry point, never how a worker
 * should run: evaluating or printing inline text (`-e`, `-p`, `-pe`, with that text), the
 * type of that text, running as the test runner, a syntax check, the REPL, processing a
 * profile log. Node accepts several of them in a worker's execArgv, but `--input-type=module`
 * makes an eval worker fail, and the others only have meaning for the entry script.
 *
 * `--inspect-brk`, `--inspect-wait` and `--inspect-brk-node` are here too: they wait for a
 * debugger before the *user script* runs. Kept, each worker would wait for a debugger session
 * of its own and, with a client that does not attach to workers (`node inspect`, a bare CDP
 * client), hang for ever. Without them a worker is still debuggable through the host's
 * inspector, and a debugger that wants workers paused at start asks for that itself
 * (`NodeWorker.enable({ waitForDebuggerOnStart: true })`). Plain `--inspect[=port]`,
 * `--inspect-port` and `--inspect-publish-uid` are harmless in a worker and pass.
 */
const MAIN_SCRIPT_ONLY: ReadonlySet<string> = new Set([
  '--eval', '-e', '--print', '-p', '-pe', '--input-type', '--test', '--check', '-c', '--interactive', '-i',
  '--prof-process', '--inspect-brk', '--inspect-wait', '--inspect-brk-node',
]);

/**
 * Node flags for our worker threads, taken from the host process's own flags.
 *
 * A Worker started with an explicit `execArgv` accepts only per-isolate and per-environment
 * Node options (`--enable-source-maps`, `--no-warnings`, `--conditions`, `-r`, `--import`,
 * `--loader`, `--unhandled-rejections`, `--inspect`, most `--experimental-*`, ...). It throws
 * ERR_WORKER_INVALID_EXEC_ARGV for V8 options (`--max-old-space-size`, `--expose-gc`,
 * `--stack-size`, `--trace-gc`, `--stack-trace-limit`, any unknown flag) and for per-process
 * options (`--title`, `--zero-fill-buffers`, `--disable-proto`, `--icu-data-dir`, ...). So this
 * keeps every host flag a worker accepts and leaves out the rest, never an error. Nothing is
 * lost by leaving them out: V8 and per-process options are process-wide and already govern
 * every worker (a worker of a host started with `--expose-gc` has `gc`, its heap limit is
 * the host's `--max-old-space-size`, its `process.title` the host's `--title`). Flags in
 * MAIN_SCRIPT_ONLY are left out too, with the inline script text that follows `-e`/`-p`.
 *
 * Which flags a worker accepts is not a fixed list: it changes between Node versions (Node 22
 * added per-environment flags such as `--experimental-strip-types`, which Node 20 treats as
 * V8 flags). So the verdict is Node's own, asked of the running Node: see nodeAccepts().
 *
 * Resource limits are deliberately not derived from the host's flags. A host's
 * `--max-old-space-size` is a V8 flag, so it already sets every worker's heap limit, and it
 * takes precedence over a Worker's `resourceLimits.maxOldGenerationSizeMb` (measured on Node
 * 20.20: host 256 MB, resourceLimits 64 or 1024, worker limit 304 MB either way); passing it
 * would change nothing. `--stack-size` sizes the main thread's V8 stack only; a worker's stack
 * comes from `resourceLimits.stackSizeMb` (default 4 MB, deeper than the main thread's usual
 * ~1 MB), and mapping a host's `--stack-size=2000` onto it would shrink it. Each worker keeps
 * Node's defaults.
 *
 * @param parent the host's flags as Node gives them in `process.execArgv`: options, each with
 *   its value as the same element (`--flag=value`) or as the next one (`--flag value`).
 */
export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const key = JSON.stringify(parent);
  if (lastAnswer?.key !== key) lastAnswer = { key, execArgv: filterForWorker(parent) };
  return [...lastAnswer.execArgv];
}

/**
 * The answer for the last list asked about. Callers ask once per worker they start, always
 * about process.execArgv, and Node's verdict cannot change while the process runs; one entry
 * keeps the memory bounded when tests ask about many lists.
 */
let lastAnswer: { key: string; execArgv: readonly string[] } | undefined;

function filterForWorker(parent: readonly string[]): string[] {
  const accepts = nodeAccepts();
  const candidates = optionsOf(parent).filter((option) => !MAIN_SCRIPT_ONLY.has(optionName(option[0] ?? '')));
  const listed = (kept: ReadonlySet<number>): string[] => candidates.flatMap((option, i) => (kept.has(i) ? option : []));
  // An option is judged together with those already kept, so that the list handed to the
  // Worker is exactly one Node has accepted, rules about flags used together included. Some
  // options are valid only beside another that may come later (`--heap-prof-dir` needs
  // `--heap-prof`), so passes repeat while they keep more; each pass that repeats keeps at
  // least one more option, so there are at most candidates.length + 1 passes.
  const kept = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    for (let i = 0; i < candidates.length; i++) {
      if (kept.has(i) || !accepts(listed(new Set(kept).add(i)))) continue;
      kept.add(i);
      grew = true;
    }
  }
  return listed(kept);
}

/**
 * Splits an execArgv into options: an element that starts with `-` opens one, and the
 * elements after it that do not are its value. In a list Node produced this is exact, as Node
 * refuses a value that starts with `-` (it must be written `\-`) and keeps the script and its
 * arguments out of execArgv.
 */
function optionsOf(argv: readonly string[]): string[][] {
  const options: string[][] = [];
  for (const arg of argv) {
    const current = options.at(-1);
    if (arg.startsWith('-') || current === undefined) options.push([arg]);
    else current.push(arg);
  }
  return options;
}

/** The option's name as Node matches it: without `=value`, and `_` read as `-` in a long name. */
function optionName(arg: string): string {
  const name = arg.split('=', 1)[0] ?? arg;
  return name.startsWith('--') ? `--${name.slice(2).replaceAll('_', '-')}` : name;
}

/** Flags no Node version knows: Node rejects them in a worker, as it does any V8 flag. */
const PROBE_HEAD = '--dynamo-worker-argv-probe-head';
const PROBE_TAIL = '--dynamo-worker-argv-probe-tail';

/**
 * Asks the running Node whether a Worker would accept an execArgv, without starting a thread.
 *
 * Node checks a Worker's execArgv in its constructor, before any thread exists, and throws
 * ERR_WORKER_INVALID_EXEC_ARGV naming every flag it refused. The probe hands it the list
 * between two flags Node must refuse, so the constructor always throws; the list is accepted
 * when the error is the same as for the two unknown flags alone. The unknown flag in front is
 * refused before the list is read, so nothing in the list can start a worker; the one behind
 * shows that Node read the list to its end (an option that ends option parsing, such as a
 * stray positional value, makes Node ignore the rest, and is refused here). Node refuses
 * before it creates the native worker, so a probe costs no thread, port or thread id: only a
 * JavaScript object for the garbage collector, some 0.1 ms.
 *
 * Should a Node version ever accept the unknown flags, it cannot be asked this way: the one
 * worker that did start (running an empty script) is terminated, and every flag is kept, as
 * such a Node evidently does not check them.
 */
function nodeAccepts(): (execArgv: readonly string[]) => boolean {
  const baseline = refusal([PROBE_HEAD, PROBE_TAIL]);
  if (baseline === undefined) return () => true;
  return (execArgv) => refusal([PROBE_HEAD, ...execArgv, PROBE_TAIL]) === baseline;
}

/** The constructor's error for this execArgv as `code: message`, or undefined if it started. */
function refusal(execArgv: readonly string[]): string | undefined {
  let worker: Worker;
  try {
    worker = new Worker('', { eval: true, execArgv: [...execArgv], stdout: true, stderr: true });
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'no code';
    return `${code}: ${err instanceof Error ? err.message : String(err)}`;
  }
  worker.unref();
  void worker.terminate();
  return undefined;
}
