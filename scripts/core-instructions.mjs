// Instructions per request of the engine's core, counted by valgrind: the single-threaded core
// harness (scripts/core-harness.mjs: five nodes and a client, wire codec and structured clone
// included) runs under `valgrind --tool=callgrind` twice, for `from` and for `to` requests
// after the same set-up, with V8 on one thread (`--single-threaded`: compiling and collecting
// happen in line, so the count does not depend on when a helper thread got a core). The
// difference over the requests between is the count per request in steady state. V8's hash
// and random seeds are fixed; where collections and re-optimizations fall still moves the
// figure by a few percent between calls, where timings on this machine move by a fifth:
// compare builds over the same window, and read a ratio within about 5% of 1 as none. It
// counts instructions, not time: what the caches and the threads add (docs/PERFORMANCE.md,
// "The tenth round") is not in it.
//
//   node scripts/core-instructions.mjs [node|client] [from] [to] [build-dir ...]   (after npm run build)
//
// Defaults: node, 16,000 and 32,000, this checkout: past the JIT's warm-up, and a whole number
// of the harness's anti-entropy rounds (one a simulated second, 16,000 requests), which would
// otherwise fall in one window and not in another. Each build-dir is a built checkout; with
// two or more, each is counted in turn and compared with the first. Needs valgrind (Debian:
// apt-get install valgrind; callgrind_annotate comes with it); a build takes a few minutes.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

if (process.argv[2] === '--inner') {
  // Inside valgrind: set up one build's harness and run `count` requests.
  const [, , , root, mode, count] = process.argv;
  const { coreHarness } = await import(new URL('./core-harness.mjs', import.meta.url).href);
  const run = await coreHarness(root, mode);
  run(Number(count));
} else {
  const [mode = 'node', fromArg = '16000', toArg = '32000', ...dirs] = process.argv.slice(2);
  if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
  const from = Number(fromArg);
  const to = Number(toArg);
  // The harness runs 16 requests a round.
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 16 || to <= from || from % 16 !== 0 || to % 16 !== 0) {
    throw new Error(`from and to must be multiples of 16 with 16 <= from < to, got ${fromArg} and ${toArg}`);
  }
  const builds = (dirs.length > 0 ? dirs : [join(here, '..')]).map((dir) => resolve(dir));
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'core-instructions-'));
  try {
    /**
     * Instructions callgrind counted in one run: all of them, and those under V8's compilers'
     * entry points (inclusive). Compiling comes in lumps, when a function turns hot or is
     * optimized again after a deoptimization; one lump more in a window moves the total by a
     * tenth, so the figure compared is the rest: the requests' own execution, collection
     * included.
     */
    const count = async (root, requests) => {
      const out = join(scratch, `callgrind.${requests}.out`);
      await promisify(execFile)('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', fileURLToPath(import.meta.url), '--inner', root, mode, String(requests)], {
        maxBuffer: 1 << 26,
      });
      const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', out], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const total = /^\s*([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS/m.exec(annotated);
      if (total === null) throw new Error(`no program totals in callgrind's output for ${root}`);
      let compiling = 0;
      for (const [, ir] of annotated.matchAll(/^\s*([\d,]+) \([\d.]+%\)\s+\S*v8::internal::Runtime_Compile(?:Optimized|OptimizedOSR|Lazy|Baseline)\(/gm)) compiling += Number(ir.replaceAll(',', ''));
      return { total: Number(total[1].replaceAll(',', '')), compiling };
    };
    const perRequest = (a, b) => Math.round((b - a) / (to - from)).toLocaleString('en-US');
    let first;
    for (const root of builds) {
      // The two runs count instructions, not time: they may share the cores.
      const [before, after] = await Promise.all([count(root, from), count(root, to)]);
      const executing = (after.total - after.compiling - (before.total - before.compiling)) / (to - from);
      first ??= executing;
      const versus = root === builds[0] ? '' : `; ${(executing / first).toFixed(4)}x the first`;
      console.log(
        `${root}: ${Math.round(executing).toLocaleString('en-US')} instructions per request besides compiling` +
          ` (${perRequest(before.total, after.total)} with it; ${mode} coordination, requests ${from}-${to})${versus}`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
