/**
 * Drives operations through a real cluster and times each one. Closed loop: `concurrency`
 * clients, each sending its next request when the last one answered. Open loop (`rate`):
 * request i is due at start + i/rate, and its latency counts from that intended time, so a
 * stall delays the requests behind it and shows in their latency (no coordinated omission).
 */
import { performance } from 'node:perf_hooks';
import type { Cluster, Context, GetResult, PutOptions, PutResult } from '../src/index.js';
import { DynamoError } from '../src/index.js';
import { createLatencyHistogram, recordLatencyUs, type Histogram } from './hdr.js';
import type { LatencyRecord, OpKind } from './logs.js';
import type { BenchOp, OpPlan } from './workload.js';

export interface PhaseOptions {
  readonly ops: number;
  readonly concurrency: number;
  readonly rateOpsPerS?: number | undefined;
  readonly timeoutMs: number;
  /** Read and write quorums per request (default: the cluster's R and W). */
  readonly r?: number | undefined;
  readonly w?: number | undefined;
  /** Called after each finished operation (the progress bar). */
  readonly onDone?: () => void;
}

export interface PhaseResult {
  readonly records: LatencyRecord[];
  readonly get: Histogram;
  readonly put: Histogram;
  /** GETs that found at least one value. */
  readonly hits: number;
  /** GETs that returned more than one concurrent value. */
  readonly siblingReads: number;
  /** Failed operations by error code. */
  readonly errors: Record<string, number>;
  readonly elapsedMs: number;
}

/**
 * The context of the last read or write of each key: a PUT carries it, as a client that
 * read before writing would, so writes supersede instead of piling up siblings.
 */
export type ContextCache = Map<string, Context>;

export async function runPhase(cluster: Cluster, plan: OpPlan, contexts: ContextCache, options: PhaseOptions): Promise<PhaseResult> {
  // Each operation's record goes into three columns, made into LatencyRecord objects only
  // once the phase is over: an object per operation, alive until the end of the run, was
  // copied by every scavenge of the client thread and then promoted (docs/PERFORMANCE.md).
  const recorded = { ops: [] as OpKind[], keys: [] as string[], latenciesUs: [] as number[] };
  const result = {
    get: createLatencyHistogram(),
    put: createLatencyHistogram(),
    hits: 0,
    siblingReads: 0,
    errors: {} as Record<string, number>,
  };
  const { timeoutMs, r, w } = options;
  const getOptions = r === undefined ? { timeoutMs } : { r, timeoutMs };
  const blindPutOptions = w === undefined ? { timeoutMs } : { w, timeoutMs };
  // Built as literals: V8 (Node 20) makes `{ ...options, context }` through its generic
  // path, about 1 us a put on the client thread, which the floor does not pay.
  const putOptions = (context: Context): PutOptions => (w === undefined ? { timeoutMs, context } : { w, timeoutMs, context });
  const steps: Steps = {
    issue: (op) => {
      if (op.op === 'GET') return cluster.get(op.key, getOptions);
      const context = contexts.get(op.key);
      return cluster.put(op.key, op.value, context ? putOptions(context) : blindPutOptions);
    },
    done: (op, startMs, answer) => {
      contexts.set(op.key, answer.context);
      if ('values' in answer) {
        if (answer.values.length > 0) result.hits++;
        if (answer.values.length > 1) result.siblingReads++;
      }
      const latencyUs = (performance.now() - startMs) * 1000;
      recordLatencyUs(op.op === 'GET' ? result.get : result.put, latencyUs);
      recorded.ops.push(op.op);
      recorded.keys.push(op.key);
      recorded.latenciesUs.push(latencyUs);
      options.onDone?.();
    },
    failed: (error) => {
      if (!(error instanceof DynamoError)) throw error;
      result.errors[error.code] = (result.errors[error.code] ?? 0) + 1;
      options.onDone?.();
    },
  };
  const started = performance.now();
  if (options.rateOpsPerS === undefined) await closedLoop(plan, options, steps);
  else await openLoop(plan, options, options.rateOpsPerS, started, steps);
  const elapsedMs = performance.now() - started;
  const records: LatencyRecord[] = recorded.ops.map((op, i) => ({ op, key: recorded.keys[i] as string, latencyUs: recorded.latenciesUs[i] as number }));
  return { ...result, records, elapsedMs };
}

/**
 * One operation in three steps: send it (the API's promise), then record its answer, timed
 * from `startMs` (performance.now()), or its failure. The closed loop awaits the API's promise
 * itself: an async function around each operation cost the client thread one more promise
 * and one more turn of the microtask queue per request, which the floor does not pay.
 */
interface Steps {
  issue(op: BenchOp): Promise<GetResult | PutResult>;
  done(op: BenchOp, startMs: number, answer: GetResult | PutResult): void;
  failed(error: unknown): void;
}

async function closedLoop(plan: OpPlan, options: PhaseOptions, steps: Steps): Promise<void> {
  let issued = 0;
  const client = async (): Promise<void> => {
    while (issued < options.ops) {
      issued++;
      const op = plan.next();
      const startMs = performance.now();
      let answer: GetResult | PutResult;
      try {
        answer = await steps.issue(op);
      } catch (error) {
        steps.failed(error);
        continue;
      }
      steps.done(op, startMs, answer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.ops) }, client));
}

async function openLoop(plan: OpPlan, options: PhaseOptions, rate: number, startMs: number, steps: Steps): Promise<void> {
  const intervalMs = 1000 / rate;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < options.ops; i++) {
    const intendedMs = startMs + i * intervalMs;
    await waitUntil(intendedMs);
    // At most `concurrency` requests in flight: a late one starts late, and its latency
    // still counts from its intended time.
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    const op = plan.next();
    const running: Promise<void> = steps
      .issue(op)
      .then((answer) => steps.done(op, intendedMs, answer), steps.failed)
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  }
  await Promise.all(inFlight);
}

/** Waits for the schedule: a timer for the bulk, then yields to the event loop until due. */
async function waitUntil(dueMs: number): Promise<void> {
  for (;;) {
    const aheadMs = dueMs - performance.now();
    if (aheadMs <= 0) return;
    if (aheadMs > 2) await new Promise((resolve) => setTimeout(resolve, Math.floor(aheadMs) - 1));
    else await new Promise((resolve) => setImmediate(resolve));
  }
}
