/**
 * Runs the client state machine on the main thread through the one effect host: a
 * MessagePort to each node (the same PortMesh the workers use, batched per event-loop turn),
 * the same fault layer, real timers, and a promise per request. Every promise settles: the
 * core answers each request by its deadline, and closing the driver answers the rest with
 * STOPPED.
 *
 * Each request is timed from the call to its outcome (failed ones too) into a latency
 * histogram per kind; `latencies` hands out the cumulative counts (the dashboard's
 * performance view diffs them once a second).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ClientCore, ClientInput, WriteSpec } from '../core/client.js';
import type { GetSpec } from '../core/get-request.js';
import { IdMap } from '../core/id-map.js';
import { failure, type GetOutcome, type PutOutcome } from '../protocol/outcomes.js';
import type { ChaosRule } from '../transport/chaos.js';
import { FaultLayer, type FaultCounters, type LinkCut } from '../transport/fault-layer.js';
import { PortMesh } from '../transport/port-mesh.js';
import { LatencyHistogram, type LatencyCounts } from '../util/latency-histogram.js';
import { EffectHost } from './effect-host.js';
import { TimerQueue } from './timer-queue.js';

/** A client's requests so far, cumulative: plain arrays and numbers, so it crosses a thread as it is. */
export interface RequestLatencies {
  /** Latencies of gets, in µs (util/latency-histogram.ts). */
  readonly get: LatencyCounts;
  /** Latencies of puts and deletes, in µs. */
  readonly put: LatencyCounts;
  /** Requests of either kind whose outcome was a failure (timeout, quorum failure, stopped). */
  readonly failures: number;
}

/** A request waiting for its outcome. */
interface Waiting {
  readonly resolve: (outcome: GetOutcome | PutOutcome) => void;
  readonly startedMs: number;
  readonly histogram: LatencyHistogram;
}

export class ClientDriver {
  private readonly mesh = new PortMesh();
  private readonly faults: FaultLayer;
  private readonly host: EffectHost<ClientInput>;
  private readonly waiting = new IdMap<Waiting>();
  private readonly getLatency = new LatencyHistogram();
  private readonly putLatency = new LatencyHistogram();
  private failures = 0;
  private nextRequestId = 1;
  private reportedError = false;

  constructor(readonly core: ClientCore) {
    // A reply held back by chaos must not keep the embedding program alive on its own: the
    // request it answers has its own timer.
    this.faults = new FaultLayer(this.mesh, (delayMs, run) => setTimeout(run, delayMs).unref(), { self: core.clientId, random: Math.random });
    this.host = new EffectHost<ClientInput>(core, this.faults, new TimerQueue(), {
      settled: (requestId, outcome) => this.settle(requestId, outcome),
      failed: (error, input) => {
        // A bug in the client core must not hang the request that hit it.
        if (input.kind === 'get' || input.kind === 'put') this.settle(input.requestId, failure('INTERNAL', `internal error: ${String(error)}`));
        if (!this.reportedError) {
          this.reportedError = true;
          console.error('dynamo client: internal error:', error);
        }
      },
    });
  }

  get invalidMessages(): number {
    return this.host.invalidMessages;
  }

  get internalErrors(): number {
    return this.host.internalErrors;
  }

  attach(nodeId: string, port: MessagePort): void {
    this.mesh.connect(nodeId, port);
  }

  /** Routes messages for nodes without a port of their own through the switchboard. */
  setUplink(port: MessagePort): void {
    this.mesh.setUplink(this.core.clientId, port);
  }

  detach(nodeId: string): void {
    this.mesh.disconnect(nodeId);
  }

  setCut(cut: LinkCut): void {
    this.faults.setCut(cut);
  }

  /** Chaos for the messages arriving at the client (rules of the whole cluster; it picks its own). */
  setChaos(rules: readonly ChaosRule[]): void {
    this.faults.setChaos(rules);
  }

  /** The requests' latencies so far (copies). */
  get latencies(): RequestLatencies {
    return { get: this.getLatency.snapshot(), put: this.putLatency.snapshot(), failures: this.failures };
  }

  get faultCounters(): FaultCounters {
    return this.faults.counters;
  }

  /** False when a partition cut the client off from `nodeId`. */
  canReach(nodeId: string): boolean {
    return this.faults.canSendTo(nodeId);
  }

  membership(nodes: readonly string[]): void {
    this.host.input({ kind: 'membership', nodes, nowMs: this.host.nowMs });
  }

  reachable(nodes: readonly string[]): void {
    this.host.input({ kind: 'reachable', nodes, nowMs: this.host.nowMs });
  }

  // The core settles a get with a get's outcome and a put with a put's: the casts below name
  // which half of the shared `settle` effect each request gets.
  get(spec: GetSpec): Promise<GetOutcome> {
    return this.request(this.getLatency, (requestId) => ({ kind: 'get', requestId, spec, nowMs: this.host.nowMs })) as Promise<GetOutcome>;
  }

  put(spec: WriteSpec): Promise<PutOutcome> {
    return this.request(this.putLatency, (requestId) => ({ kind: 'put', requestId, spec, nowMs: this.host.nowMs })) as Promise<PutOutcome>;
  }

  /** Settles every request still waiting with STOPPED and releases ports and timers. */
  close(): void {
    this.host.stop();
    this.mesh.closeAll();
    // Oldest first, as they were made.
    const waiting = this.waiting.keys().sort((a, b) => a - b);
    for (const requestId of waiting) this.settle(requestId, failure('STOPPED', 'the cluster was stopped'));
  }

  private request(histogram: LatencyHistogram, input: (requestId: number) => ClientInput): Promise<GetOutcome | PutOutcome> {
    const requestId = this.nextRequestId++;
    const startedMs = performance.now();
    return new Promise((resolve) => {
      this.waiting.set(requestId, { resolve, startedMs, histogram });
      this.host.input(input(requestId));
    });
  }

  private settle(requestId: number, outcome: GetOutcome | PutOutcome): void {
    const waiting = this.waiting.get(requestId);
    if (!waiting) return;
    this.waiting.delete(requestId);
    waiting.histogram.record((performance.now() - waiting.startedMs) * 1000);
    if (!outcome.ok) this.failures++;
    waiting.resolve(outcome);
  }
}
