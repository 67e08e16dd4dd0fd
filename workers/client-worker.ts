/**
 * The worker-thread shell of a client actor (`dynamo_client`, `dynamo_cart_client`,
 * `dynamo_bench_client`): a client state machine on the one effect host, reaching every node
 * through the uplink to the controller's switchboard, and the program the actor runs.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { EMPTY_CONTEXT } from '../src/core/causal-context.js';
import { ClientCore } from '../src/core/client.js';
import type { CausalContext } from '../src/protocol/data.js';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { ClientDriver } from '../src/runtime/client-driver.js';
import { LATENCY_REPORT_MS, type ClientProgram, type ClientWorkerCommand, type ClientWorkerData, type ClientWorkerReport, type ProgramClient } from '../src/runtime/client-program.js';
import { md5Hex } from '../src/util/md5.js';

const data = workerData as ClientWorkerData & { readonly uplink: MessagePort };
const driver = new ClientDriver(new ClientCore(data.clientId, 'node', data.tuning, [], md5Hex));
driver.setUplink(data.uplink);
driver.membership(data.ring);
driver.reachable(data.reachable);
driver.setChaos(data.chaos);
// The controller sends the job's chaos rules again whenever they change; the client's fault
// layer applies those that select what it receives.
parentPort?.on('message', (message: ClientWorkerCommand) => {
  if (message.kind === 'chaos') driver.setChaos(message.rules);
});

const { tuning } = data;
const client: ProgramClient = {
  clientId: data.clientId,
  get: (key: string): Promise<GetOutcome> => driver.get({ key, r: tuning.r, timeoutMs: tuning.requestTimeoutMs }),
  put: (key: string, value: unknown, context: CausalContext = EMPTY_CONTEXT): Promise<PutOutcome> =>
    driver.put({ key, value, deleted: false, context, w: tuning.w, timeoutMs: tuning.requestTimeoutMs }),
  delete: (key: string, context: CausalContext = EMPTY_CONTEXT): Promise<PutOutcome> =>
    driver.put({ key, value: null, deleted: true, context, w: tuning.w, timeoutMs: tuning.requestTimeoutMs }),
};

function report(message: ClientWorkerReport): void {
  parentPort?.postMessage(message);
}

function reportLatencies(): void {
  report({ kind: 'latency', latencies: driver.latencies });
}

async function main(): Promise<void> {
  // The program's own timers and requests keep the thread alive, not this one.
  const latencyTimer = setInterval(reportLatencies, LATENCY_REPORT_MS).unref();
  try {
    const module = (await import(data.programUrl)) as { run?: ClientProgram };
    if (typeof module.run !== 'function') throw new Error(`${data.programUrl} exports no run()`);
    const ok = await module.run({ client, args: data.args, print: (text) => report({ kind: 'line', text }) });
    // The last requests, up to the end: the main thread reads them before it learns the program ended.
    reportLatencies();
    report({ kind: 'done', ok });
  } catch (error) {
    reportLatencies();
    report({ kind: 'done', ok: false, error: error instanceof Error ? error.message : String(error) });
  } finally {
    clearInterval(latencyTimer);
    // Replies still in flight are dropped; the thread ends once its ports are closed.
    driver.close();
    parentPort?.close();
  }
}

void main();
