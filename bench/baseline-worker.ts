/**
 * Worker side of the transport baseline: echoes every ping it receives on its private port.
 *
 * It does nothing else on purpose. The bench compares the engine's latency with this round
 * trip, so the echo must cost no more than the transport itself: no validation beyond a
 * shape check, no allocation beyond the reply.
 *
 * The protocol types live here and the main side imports them with `import type`, so the
 * worker entry stays free of main-side code.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

/** What the worker receives through workerData: the port it must talk on. */
export interface BaselineWorkerData {
  readonly port: MessagePort;
}

/** Main thread to worker: one ping. */
export interface BaselinePing {
  readonly seq: number;
}

/** Worker to main thread: ready once listening, then one echo per ping. */
export type BaselineFromWorker = { readonly kind: 'ready' } | { readonly kind: 'echo'; readonly seq: number };

function isWorkerData(value: unknown): value is BaselineWorkerData {
  return typeof value === 'object' && value !== null && 'port' in value && typeof value.port === 'object' && value.port !== null;
}

function isPing(value: unknown): value is BaselinePing {
  return typeof value === 'object' && value !== null && 'seq' in value && typeof value.seq === 'number';
}

if (!isWorkerData(workerData)) {
  // Thrown errors surface as the Worker's 'error' event, which the main side turns into a rejection.
  throw new Error('baseline worker started without a port in workerData');
}
const { port } = workerData;
port.on('message', (message: unknown) => {
  if (!isPing(message)) return;
  const reply: BaselineFromWorker = { kind: 'echo', seq: message.seq };
  port.postMessage(reply);
});
const ready: BaselineFromWorker = { kind: 'ready' };
port.postMessage(ready);
