// Where a request's time goes at concurrency 1, hop by hop: runs scripts/tail-latency.mjs
// under scripts/hop-timeline-patch.mjs, which times every batch each thread posts and every
// batch it handles, then reports over the last 40% of the run (the measured phase's steady
// state) per thread: how long its message handler ran, and how long after the handler ended
// its next post left (the batcher flushes on setImmediate); and across threads, how long a
// batch took from its post to the start of the next handler in another thread (at
// concurrency 1 that is nearly always its receiver waking up). Medians only: the patch's
// own writes disturb the tail.
//
//   node scripts/hop-timeline.mjs [node|client]   (after npm run build; Linux or macOS)
//
// docs/PERFORMANCE.md ("The fourth round") quotes it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mode = process.argv[2] ?? 'node';
if (mode !== 'node' && mode !== 'client') throw new Error(`mode must be node or client, got ${mode}`);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hop-timeline-'));
try {
  const out = execFileSync(process.execPath, ['--import', join(here, 'hop-timeline-patch.mjs'), join(here, 'tail-latency.mjs'), mode], {
    env: { ...process.env, HOP_TIMELINE_DIR: dir },
    encoding: 'utf8',
  });
  console.log(`${out.trim()}  (percentiles disturbed by the timeline's own writes)`);
  const events = [];
  for (const file of readdirSync(dir)) {
    const thread = Number(file.split('.')[0]);
    const flat = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (let i = 0; i < flat.length; i += 2) events.push({ atMs: flat[i + 1], thread, kind: flat[i] });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  const from = events[0].atMs + (events.at(-1).atMs - events[0].atMs) * 0.6;
  const median = (values) => (values.length === 0 ? NaN : values.sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  const threads = new Map();
  const wakeUs = [];
  let lastPost;
  for (const { atMs, thread, kind } of events) {
    if (atMs < from) continue;
    let t = threads.get(thread);
    if (!t) threads.set(thread, (t = { handlerUs: [], flushUs: [], startedMs: 0, endedMs: undefined }));
    if (kind === 2) {
      t.startedMs = atMs;
      if (lastPost && lastPost.thread !== thread) wakeUs.push((atMs - lastPost.atMs) * 1000);
    } else if (kind === 3) {
      t.handlerUs.push((atMs - t.startedMs) * 1000);
      t.endedMs = atMs;
    } else {
      if (t.endedMs !== undefined) t.flushUs.push((atMs - t.endedMs) * 1000);
      lastPost = { atMs, thread };
    }
  }
  for (const [thread, t] of [...threads].sort((a, b) => a[0] - b[0])) {
    const name = thread === 0 ? 'main thread' : `worker ${thread}`;
    console.log(`${name}: ${t.handlerUs.length} batches handled, handler median ${median(t.handlerUs).toFixed(1)} us, handler end to its next post median ${median(t.flushUs).toFixed(1)} us`);
  }
  console.log(`a post to the next handler start in another thread: median ${median(wakeUs).toFixed(1)} us over ${wakeUs.length} posts`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
