// What cold caches cost the engine's core: the single-threaded core harness
// (scripts/core-harness.mjs) runs rounds of 16 requests, plainly and with `mb` megabytes
// written between rounds (64-byte stride: every cache line of the buffer), phase after
// phase. The cost a request with the buffer written is the phase's time less the time of the
// writes alone (measured in their own phase). On the engine's threads each thread finds its
// caches as the other five left them; this asks how much that alone would cost the same
// JavaScript on one thread (docs/PERFORMANCE.md, "The eleventh round").
//
//   node scripts/cold-cache.mjs [node|client] [mb] [rounds]   (after npm run build)
//
// Defaults: node, 32 MB (past the 4 MB second-level cache of this machine's cores), 5 rounds
// of 32,000 requests a phase, after 32,000 of warm-up.
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';
import { coreHarness } from './core-harness.mjs';
import { checkMode, checkWholeNumbers } from './steady-workload.mjs';

const [mode = 'node'] = process.argv.slice(2);
const mb = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 5);
checkMode(mode);
checkWholeNumbers([['mb', mb], ['rounds', rounds]], 1);

const REQUESTS = 32_000;
/** The harness runs 16 requests a round. */
const ROUND = 16;
const run = await coreHarness(fileURLToPath(new URL('..', import.meta.url)), mode);
run(REQUESTS);
const buffer = new Uint8Array(mb * 1024 * 1024);
let sink = 0;
function writeBuffer() {
  for (let i = 0; i < buffer.length; i += 64) {
    sink += buffer[i];
    buffer[i] = sink & 0xff;
  }
}
function phase(work) {
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i += ROUND) work();
  return ((performance.now() - started) * 1000) / REQUESTS;
}
const ratios = [];
for (let r = 1; r <= rounds; r++) {
  const warm = phase(() => run(ROUND));
  const cold = phase(() => {
    run(ROUND);
    writeBuffer();
  });
  const writesAlone = phase(writeBuffer);
  const coldRequest = cold - writesAlone;
  ratios.push(coldRequest / warm);
  console.log(`round ${r}: warm ${warm.toFixed(2)} us a request, with ${mb} MB written between rounds ${coldRequest.toFixed(2)} us (${(coldRequest / warm).toFixed(2)}x)`);
}
ratios.sort((a, b) => a - b);
console.log(`${mode} coordination: cold / warm, median of ${rounds} rounds: ${ratios[Math.floor(rounds / 2)].toFixed(2)}x`);
