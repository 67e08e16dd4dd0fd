// Loaded with `node --import` by scripts/hop-timeline.mjs, in the main thread and (as
// execArgv is inherited) in every worker: times every batch a MessagePort sends and every
// batch a 'message' listener handles, on the clock all threads share (timeOrigin + now), and
// writes this thread's events to HOP_TIMELINE_DIR/<threadId>.json once a second. The writes
// block their thread for a moment, so a run under this patch is only good for medians.
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { MessagePort, threadId } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.HOP_TIMELINE_DIR;
if (dir) {
  const origin = performance.timeOrigin;
  /** Flat pairs: kind (1 posted, 2 handler started, 3 handler ended), time in ms. */
  const events = [];
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (value, transfer) {
    if (Array.isArray(value)) events.push(1, origin + performance.now());
    return post.call(this, value, transfer);
  };
  const on = MessagePort.prototype.on;
  MessagePort.prototype.on = function (name, listener) {
    if (name !== 'message') return on.call(this, name, listener);
    return on.call(this, name, function (data) {
      const startedMs = origin + performance.now();
      const result = listener.call(this, data);
      if (Array.isArray(data)) events.push(2, startedMs, 3, origin + performance.now());
      return result;
    });
  };
  setInterval(() => {
    if (events.length < 4_000_000) writeFileSync(join(dir, `${threadId}.json`), JSON.stringify(events));
  }, 1000).unref();
}
