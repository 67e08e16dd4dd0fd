/**
 * The transport baseline the bench reports next to the engine's latencies: raw MessagePort
 * round trips between the main thread and one worker that echoes, measured in the same run
 * on the same machine. It is the cost of one message and its echo; a replicated request sends
 * 2N messages, over two thread crossings in a row when a node coordinates, so the report's
 * multiples are of the replicated floor (bench/floor.ts) and this stays beside it as the
 * transport's own figure (`baseline_multiples` in the JSON summary).
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { compiledSibling } from '../src/util/compiled-path.js';
import { workerExecArgv } from '../src/util/worker-argv.js';
import { createLatencyHistogram, elapsedUs, recordLatencyUs, summarize } from './hdr.js';
import type { BaselineFromWorker, BaselinePing, BaselineWorkerData } from './baseline-worker.js';

/** How much to measure. The defaults take well under a second on a laptop. */
export interface BaselineOptions {
  /** Timed one-at-a-time round trips. */
  readonly roundTrips?: number;
  /** Round trips (and pipelined messages) run first and not counted, to let the JIT settle. */
  readonly warmup?: number;
  /** Round trips in the pipelined phase. */
  readonly pipelinedMessages?: number;
  /** Messages in flight in the pipelined phase; 64 matches the bench's concurrency 64. */
  readonly window?: number;
  /** Fail when the worker sends nothing for this long. */
  readonly stallTimeoutMs?: number;
}

/** Baseline figures, named as in the bench's JSON summary. */
export interface BaselineResult {
  /** Median one-at-a-time round trip, microseconds. */
  readonly rtt_p50_us: number;
  readonly rtt_p99_us: number;
  readonly rtt_mean_us: number;
  /** Completed round trips per second with `window` messages in flight. */
  readonly pipelined_rt_per_s: number;
}

/** The baseline could not be measured (the worker failed, exited or stopped answering). */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
  readonly code = 'BASELINE_FAILED';
}

/**
 * Measures the baseline: a ping-pong phase (each round trip timed with
 * process.hrtime.bigint() into an HDR histogram), then a pipelined phase (throughput with
 * `window` messages in flight). The worker is always terminated, and the promise always
 * settles: a worker that stops answering rejects it after `stallTimeoutMs`.
 */
export async function measureBaseline(options: BaselineOptions = {}): Promise<BaselineResult> {
  const roundTrips = integerAtLeast('roundTrips', options.roundTrips ?? 2000, 1);
  const warmup = integerAtLeast('warmup', options.warmup ?? 200, 0);
  const pipelinedMessages = integerAtLeast('pipelinedMessages', options.pipelinedMessages ?? 20_000, 1);
  const window = integerAtLeast('window', options.window ?? 64, 1);
  const stallTimeoutMs = integerAtLeast('stallTimeoutMs', options.stallTimeoutMs ?? 5000, 1);

  const { port1, port2 } = new MessageChannel();
  const workerData: BaselineWorkerData = { port: port2 };
  const worker = new Worker(compiledSibling(import.meta.url, './baseline-worker.js'), {
    workerData,
    execArgv: workerExecArgv(),
    transferList: [port2],
  });
  const link = new EchoLink(port1, worker, stallTimeoutMs);
  try {
    await link.expect<void>((message, finish) => (message.kind === 'ready' ? finish() : 'unexpected'));

    const histogram = createLatencyHistogram();
    for (let seq = 0; seq < warmup + roundTrips; seq++) {
      const startNs = process.hrtime.bigint();
      await link.roundTrip(seq);
      const endNs = process.hrtime.bigint();
      if (seq >= warmup) recordLatencyUs(histogram, elapsedUs(startNs, endNs));
    }
    const rtt = summarize(histogram);
    histogram.destroy();

    if (warmup > 0) await link.pipelined(warmup, window);
    const pipelinedRtPerS = await link.pipelined(pipelinedMessages, window);

    return {
      rtt_p50_us: rtt.p50_us,
      rtt_p99_us: rtt.p99_us,
      rtt_mean_us: rtt.mean_us,
      pipelined_rt_per_s: Math.round(pipelinedRtPerS),
    };
  } finally {
    link.close();
    await worker.terminate();
  }
}

type Verdict = void | 'unexpected';
type Handler = (message: BaselineFromWorker) => Verdict;

/**
 * The main side of the channel: at most one phase waits at a time, and whatever goes wrong
 * (worker error, exit, a stall, a message out of protocol) rejects that phase.
 */
class EchoLink {
  private handler: Handler | undefined;
  private rejectPending: ((error: Error) => void) | undefined;
  private failure: Error | undefined;
  private lastProgressMs = performance.now();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly port: MessagePort,
    private readonly worker: Worker,
    stallTimeoutMs: number,
  ) {
    port.on('message', this.receive);
    worker.on('error', this.onError);
    worker.on('exit', this.onExit);
    // One interval for the whole measurement rather than a timer per round trip, which
    // would add its own cost to every timed message.
    this.watchdog = setInterval(
      () => {
        if (this.handler !== undefined && performance.now() - this.lastProgressMs > stallTimeoutMs) {
          this.fail(new BaselineError(`baseline worker sent nothing for ${stallTimeoutMs} ms`));
        }
      },
      Math.min(1000, Math.max(10, Math.floor(stallTimeoutMs / 4))),
    );
  }

  /**
   * Waits for the messages of one phase. `onMessage` calls `finish` to end the phase, or
   * returns 'unexpected' for a message the phase did not expect, which fails it.
   */
  expect<T>(onMessage: (message: BaselineFromWorker, finish: (value: T) => void) => Verdict): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.lastProgressMs = performance.now();
      const settle = (): void => {
        this.handler = undefined;
        this.rejectPending = undefined;
      };
      this.rejectPending = (error) => {
        settle();
        reject(error);
      };
      this.handler = (message) =>
        onMessage(message, (value) => {
          settle();
          resolve(value);
        });
    });
  }

  /** One ping and its echo. */
  roundTrip(seq: number): Promise<void> {
    const echoed = this.expect<void>((message, finish) =>
      message.kind === 'echo' && message.seq === seq ? finish() : 'unexpected',
    );
    this.post(seq);
    return echoed;
  }

  /** `total` round trips with `window` in flight; resolves to completed round trips per second. */
  async pipelined(total: number, window: number): Promise<number> {
    let sent = 0;
    let received = 0;
    const done = this.expect<bigint>((message, finish) => {
      // The port delivers in order, so echo number k must carry seq k.
      if (message.kind !== 'echo' || message.seq !== received) return 'unexpected';
      received++;
      if (sent < total) this.post(sent++);
      if (received === total) finish(process.hrtime.bigint());
    });
    const startNs = process.hrtime.bigint();
    while (sent < Math.min(window, total)) this.post(sent++);
    const endNs = await done;
    return total / (Number(endNs - startNs) / 1e9);
  }

  /** Stops listening; the caller terminates the worker. */
  close(): void {
    clearInterval(this.watchdog);
    this.port.off('message', this.receive);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    this.port.close();
    this.fail(new BaselineError('baseline measurement closed'));
  }

  private post(seq: number): void {
    const ping: BaselinePing = { seq };
    this.port.postMessage(ping);
  }

  private readonly receive = (message: unknown): void => {
    this.lastProgressMs = performance.now();
    if (!isFromWorker(message)) {
      this.fail(new BaselineError('baseline worker sent a message outside the protocol'));
      return;
    }
    const verdict = this.handler === undefined ? 'unexpected' : this.handler(message);
    if (verdict === 'unexpected') {
      this.fail(new BaselineError(`baseline worker sent an unexpected ${JSON.stringify(message)}`));
    }
  };

  private readonly onError = (error: Error): void => {
    this.fail(new BaselineError(`baseline worker failed: ${error.message}`, { cause: error }));
  };

  private readonly onExit = (exitCode: number): void => {
    this.fail(new BaselineError(`baseline worker exited early with code ${exitCode}`));
  };

  private fail(error: Error): void {
    // The first failure is the cause; later ones (e.g. the exit that follows an error) are
    // its consequences.
    this.failure ??= error;
    this.rejectPending?.(this.failure);
  }
}

function isFromWorker(value: unknown): value is BaselineFromWorker {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return false;
  if (value.kind === 'ready') return true;
  return value.kind === 'echo' && 'seq' in value && typeof value.seq === 'number';
}

/** Checks a count given in options: a safe integer, at least `min`. */
export function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}
