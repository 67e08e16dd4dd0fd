// Where the engine's core allocates, per request: the single-threaded core harness
// (scripts/core-harness.mjs) runs under V8's sampling heap profiler with the objects that
// collections freed included, so the figures are bytes allocated, not bytes still alive.
// Functions are V8's (an inlined function's allocations may show under its caller).
//
//   node scripts/alloc-sites.mjs [node|client] [requests] [top]   (after npm run build)
//
// Defaults: node, 32,000 requests after 32,000 of warm-up, the 30 largest sites.
// docs/PERFORMANCE.md ("The eleventh round") quotes it.
import { Session } from 'node:inspector/promises';
import { fileURLToPath, URL } from 'node:url';
import { coreHarness } from './core-harness.mjs';
import { checkMode, checkWholeNumbers } from './steady-workload.mjs';

const [mode = 'node'] = process.argv.slice(2);
const requests = Number(process.argv[3] ?? 32_000);
const top = Number(process.argv[4] ?? 30);
checkMode(mode);
checkWholeNumbers([['requests', requests], ['top', top]], 1);
if (requests % 16 !== 0) throw new Error(`requests must be a multiple of 16 (the harness's round), got ${requests}`);

const run = await coreHarness(fileURLToPath(new URL('..', import.meta.url)), mode);
run(32_000);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
run(requests);
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();

const bySite = new Map();
let total = 0;
const pending = [profile.head];
while (pending.length > 0) {
  const node = pending.pop();
  const { functionName, url, lineNumber } = node.callFrame;
  const site = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|scripts)\//, '$1/')}:${lineNumber + 1}`;
  bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  total += node.selfSize;
  pending.push(...node.children);
}
console.log(`${mode} coordination: ${Math.round(total / requests)} bytes allocated a request (sampled, ${requests} requests)`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${String(Math.round(bytes / requests)).padStart(7)}  ${(100 * bytes / total).toFixed(1).padStart(5)}%  ${site}`);
}
