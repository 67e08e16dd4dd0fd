// What every lean path's node thread does around its handling (scripts/lean-path.mjs): the
// engine's batcher, and the thread's ports, sweep and reports.
import { setInterval } from 'node:timers';
import { Batcher } from '../dist/src/transport/batcher.js';

/** Sends to a peer through the engine's own batcher (src/transport/batcher.ts): one postMessage per peer per turn. */
export function batcher(ports) {
  const batches = new Batcher((peer, batch) => ports.get(peer).postMessage(batch));
  return (peer, wire) => batches.send(peer, wire);
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
