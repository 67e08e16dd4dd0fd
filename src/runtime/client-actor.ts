/**
 * The main thread's handle on one client actor's worker: starts it with its uplink to the
 * switchboard, relays what its program prints, and stops it. Every way the worker can end
 * (its program finishing, an error, `stop`) settles `finished` exactly once.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { compiledSibling } from '../util/compiled-path.js';
import { workerExecArgv } from '../util/worker-argv.js';
import { assertNever } from '../core/assert.js';
import type { ChaosRule } from '../transport/chaos.js';
import type { RequestLatencies } from './client-driver.js';
import type { ClientWorkerCommand, ClientWorkerData, ClientWorkerReport } from './client-program.js';
import { EngineError } from './engine-error.js';

const WORKER_FILE = compiledSibling(import.meta.url, '../../workers/client-worker.js');

export interface ClientActorEnd {
  readonly ok: boolean;
  readonly error?: string;
}

export class ClientActor {
  /** Settles once, when the program ends, the worker fails or the actor is stopped. */
  readonly finished: Promise<ClientActorEnd>;
  private finish: (end: ClientActorEnd) => void = () => undefined;
  private ended = false;
  private latest: RequestLatencies = { get: [], put: [], failures: 0 };

  private constructor(
    readonly clientId: string,
    private readonly worker: Worker,
    onLine: (text: string) => void,
  ) {
    this.finished = new Promise((resolve) => {
      this.finish = (end) => {
        if (this.ended) return;
        this.ended = true;
        resolve(end);
      };
    });
    worker.on('message', (report: ClientWorkerReport) => {
      switch (report.kind) {
        case 'line':
          onLine(report.text);
          break;
        case 'latency':
          this.latest = report.latencies;
          break;
        case 'done':
          this.finish(report.error === undefined ? { ok: report.ok } : { ok: report.ok, error: report.error });
          break;
        default:
          assertNever(report, 'client worker report');
      }
    });
    worker.on('error', (error) => this.finish({ ok: false, error: `the client's thread failed: ${error.message}` }));
    worker.once('exit', () => this.finish({ ok: false, error: 'the client stopped before its program ended' }));
  }

  static start(data: ClientWorkerData, uplink: MessagePort, onLine: (text: string) => void): ClientActor {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_FILE, { workerData: { ...data, uplink }, transferList: [uplink], execArgv: workerExecArgv() });
    } catch (error) {
      uplink.close();
      throw new EngineError('INTERNAL', `client ${data.clientId} could not start a worker thread: ${(error as Error).message}`, { cause: error });
    }
    return new ClientActor(data.clientId, worker, onLine);
  }

  /** The requests of the client's program so far (cumulative), as its worker last reported them; kept once it ended. */
  get latency(): RequestLatencies {
    return this.latest;
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Replaces the chaos rules the client's fault layer applies to what it receives. */
  setChaos(rules: readonly ChaosRule[]): void {
    if (!this.ended) this.worker.postMessage({ kind: 'chaos', rules } satisfies ClientWorkerCommand);
  }

  /** Stops the program where it is. */
  async stop(): Promise<void> {
    this.finish({ ok: false, error: 'stopped' });
    await this.worker.terminate();
  }
}
