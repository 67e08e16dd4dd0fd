// What every lean path's node thread does around its handling (scripts/lean-path.mjs): the
// engine's batcher in short, and the thread's ports, sweep and reports.
import { setImmediate, setInterval } from 'node:timers';

/** One postMessage per peer per event-loop turn, as src/transport/batcher.ts sends. */
export function batcher(ports) {
  let outbox = new Map();
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const pending = outbox;
    outbox = new Map();
    for (const [peer, batch] of pending) ports.get(peer).postMessage(batch);
  };
  return (peer, wire) => {
    let queue = outbox.get(peer);
    if (queue === undefined) outbox.set(peer, (queue = []));
    queue.push(wire);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
}

/**
 * Listens on every port: batches go to `receive(peer, batch)`, a 'report' from the client is
 * answered with `report()`. Requests in `coordinating` (each with its `dueMs`) that are never
 * answered go at their deadline, in a sweep once a second rather than a timer each. Tells the
 * client the node is ready.
 */
export function serveNode({ ports, clientPort, coordinating, receive, report }) {
  setInterval(() => {
    const nowMs = Date.now();
    for (const [reqId, request] of coordinating) if (request.dueMs <= nowMs) coordinating.delete(reqId);
  }, 1000).unref();
  for (const [peer, port] of ports) {
    port.on('message', (data) => {
      if (Array.isArray(data)) receive(peer, data);
      else if (data === 'report') clientPort.postMessage(report());
    });
  }
  clientPort.postMessage('ready');
}
