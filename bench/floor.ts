/**
 * The replicated floor: what the engine's request path costs on this machine with the
 * Dynamo logic taken out. Same threads (the main thread is the client, one worker thread per
 * node, started with the engine's execArgv), same full MessagePort mesh (a channel per pair
 * of nodes and one per node to the client), same batching (a thread's messages to one peer
 * in one event-loop turn go as one postMessage), the same number of messages per request as
 * the engine's path for the coordination mode (forwarding aside), and real values of the
 * run's size, stored in a Map on every replica. It runs the run's own workload (bench/
 * workload.ts: keys, read ratio, value size, seed) closed loop at the run's concurrency.
 *
 * "GET p50 = 1.4x floor" then says what the engine adds to the least any implementation of
 * this design (a thread per node, structured clone per message) would pay. docs/PERFORMANCE.md,
 * "The floor", says exactly what it does and leaves out.
 *
 * A FloorMesh keeps its threads between measurements, so the suite starts one, as large as its
 * largest run, and measures each configuration on its first threads (floor-pool.ts); every
 * measurement sets the nodes up afresh.
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { compiledSibling } from '../src/util/compiled-path.js';
import { workerExecArgv } from '../src/util/worker-argv.js';
import { BaselineError, integerAtLeast } from './baseline.js';
import { FloorBatcher } from './floor-batcher.js';
import { FloorClient, type FloorQuorum } from './floor-client.js';
import { replicasOf } from './floor-placement.js';
import type { FloorBatch, FloorControl, FloorCoordination, FloorCounters, FloorFault, FloorReport, FloorWorkerData } from './floor-protocol.js';
import { createLatencyHistogram, summarize } from './hdr.js';
import { OpPlan } from './workload.js';
import { warmupPhases } from './warmup.js';

/** One measurement: the run's quorums, coordination, concurrency and workload. */
export interface FloorSpec {
  readonly N: number;
  readonly W: number;
  readonly R: number;
  readonly coordination: FloorCoordination;
  readonly concurrency: number;
  readonly keys: number;
  readonly valueBytes: number;
  readonly readRatio: number;
  readonly seed: number;
  /** Timed requests. */
  readonly ops: number;
  /** Requests run first and not recorded. */
  readonly warmupOps: number;
}

/** The floor's figures, named as in the bench's JSON summary (`baseline.floor`). */
export interface FloorFigures {
  readonly p50_us: number;
  readonly p99_us: number;
  readonly p999_us: number;
  readonly mean_us: number;
  /** Timed requests over the time from the first sent to the last answered. */
  readonly throughput_ops_s: number;
  /** Timed requests (gets and puts together, one histogram). */
  readonly ops: number;
  /** Messages sent by all threads together per request, late replies included. */
  readonly messages_per_op: number;
}

/** What the threads moved during one measurement (warm-up included), to check the floor is honest. */
export interface FloorTraffic {
  readonly requests: number;
  /** Messages sent by every thread; each one was received too (checked). */
  readonly messages: number;
  /** postMessage calls that carried them. */
  readonly batches: number;
  /** Characters of value strings carried (one byte each: the bench's values are ASCII). */
  readonly valueBytes: number;
  /** Values held over all nodes: keys x N after the preload, as puts only overwrite. */
  readonly copiesHeld: number;
}

export interface FloorMeasurement {
  readonly figures: FloorFigures;
  readonly traffic: FloorTraffic;
}

export interface FloorOptions {
  /** Fail when no thread sends anything for this long while the floor waits on them. */
  readonly stallTimeoutMs?: number;
  /** Test seam: make one node misbehave (see FloorFault). */
  readonly fault?: FloorFault;
}

const WORKER_FILE = compiledSibling(import.meta.url, './floor-worker.js');

/** Starts a mesh of `spec.nodes` threads, measures once, and stops it whatever happens. */
export async function measureFloor(spec: FloorSpec & { readonly nodes: number }, options: FloorOptions = {}): Promise<FloorMeasurement> {
  const mesh = await FloorMesh.start(spec.nodes, options);
  try {
    return await mesh.measure(spec);
  } finally {
    await mesh.close();
  }
}

/** A pending wait for the threads: done when `done()` turns true, failed by any failure. */
interface Waiter {
  readonly what: string;
  readonly done: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class FloorMesh {
  private readonly batcher: FloorBatcher;
  private client: FloorClient | undefined;
  private measuring = false;
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private closed = false;
  private lastProgressMs = performance.now();
  private readonly watchdog: NodeJS.Timeout;
  private ready = 0;
  private setUp = 0;
  private drained = 0;
  private readonly counters = new Map<number, FloorCounters>();

  private constructor(
    readonly nodes: number,
    private readonly workers: readonly Worker[],
    private readonly ports: readonly MessagePort[],
    stallTimeoutMs: number,
  ) {
    this.batcher = new FloorBatcher((peer, batch) => this.portTo(peer).postMessage(batch));
    ports.forEach((port, node) => port.on('message', (data: unknown) => this.receive(node, data)));
    workers.forEach((worker, node) => {
      worker.on('error', (error) => this.fail(new BaselineError(`floor node ${node} failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new BaselineError(`floor node ${node} exited early with code ${code}`));
      });
    });
    // One interval for the whole mesh rather than a timer per request, which would add its
    // own cost to every timed message.
    this.watchdog = setInterval(
      () => {
        if (this.waiter !== undefined && performance.now() - this.lastProgressMs > stallTimeoutMs) {
          this.fail(new BaselineError(`floor: the node threads sent nothing for ${stallTimeoutMs} ms (waiting for ${this.waiter.what})`));
        }
      },
      Math.min(1000, Math.max(10, Math.floor(stallTimeoutMs / 4))),
    );
  }

  /** Starts `nodes` threads in a full mesh and waits until each listens. */
  static async start(nodes: number, options: FloorOptions = {}): Promise<FloorMesh> {
    integerAtLeast('nodes', nodes, 1);
    const stallTimeoutMs = integerAtLeast('stallTimeoutMs', options.stallTimeoutMs ?? 5000, 1);
    const peerPorts: (MessagePort | null)[][] = Array.from({ length: nodes }, () => Array.from({ length: nodes }, () => null));
    for (let a = 0; a < nodes; a++) {
      for (let b = a + 1; b < nodes; b++) {
        const { port1, port2 } = new MessageChannel();
        (peerPorts[a] ?? [])[b] = port1;
        (peerPorts[b] ?? [])[a] = port2;
      }
    }
    const clientPorts: MessagePort[] = [];
    const workers: Worker[] = [];
    try {
      for (let node = 0; node < nodes; node++) {
        const { port1, port2 } = new MessageChannel();
        clientPorts.push(port1);
        const ports = peerPorts[node] ?? [];
        const workerData: FloorWorkerData = { node, clientPort: port2, peerPorts: ports, fault: options.fault ?? null };
        const transferList = [port2, ...ports.filter((port): port is MessagePort => port !== null)];
        workers.push(new Worker(WORKER_FILE, { workerData, transferList, execArgv: workerExecArgv() }));
      }
    } catch (error) {
      for (const port of [...clientPorts, ...peerPorts.flat()]) port?.close();
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw new BaselineError(`floor: could not start ${nodes} node threads: ${(error as Error).message}`, { cause: error });
    }
    // Listeners go on before anything can happen: a worker that fails at once is reported, not unhandled.
    const mesh = new FloorMesh(nodes, workers, clientPorts, stallTimeoutMs);
    try {
      await mesh.until(() => mesh.ready === nodes, 'the node threads to start');
    } catch (error) {
      await mesh.close();
      throw error;
    }
    return mesh;
  }

  /**
   * Measures the floor for `spec` on the first `nodes` of these threads (all of them unless
   * said): sets those nodes up (placement, and every key preloaded on its N replicas), warms
   * up, times `spec.ops` requests, waits for the late replies and collects each thread's
   * counters. The threads past `nodes` take no part: no key is placed on them, so nothing is
   * sent to them, and they wait idle as a pooled engine thread does. Rejects with a
   * BaselineError if a thread fails, exits, stalls or breaks the protocol; the mesh is then
   * unusable (`usable`) and must be closed. A spec it cannot honour is refused with a
   * RangeError before anything is sent, and leaves the mesh as it was.
   */
  async measure(spec: FloorSpec, nodes: number = this.nodes): Promise<FloorMeasurement> {
    integerAtLeast('nodes', nodes, 1);
    if (nodes > this.nodes) throw new RangeError(`a floor of ${nodes} nodes does not fit a mesh of ${this.nodes} threads`);
    checkSpec(spec, nodes);
    if (this.closed) throw new BaselineError('floor: the mesh is closed');
    if (this.failure) throw this.failure;
    if (this.measuring) throw new BaselineError('floor: a measurement is already running on this mesh');
    // Made before anything is sent: a seed or value size they refuse leaves the mesh as it was.
    const plan = new OpPlan(spec.seed, spec.keys, spec.readRatio, spec.valueBytes);
    const placement = new Map(plan.keys.map((key) => [key, replicasOf(key, nodes, spec.N)] as const));
    this.measuring = true;
    try {
      const quorum = { coordination: spec.coordination, n: spec.N, w: spec.W, r: spec.R };
      await this.setUpNodes(nodes, plan, placement, quorum);
      const client = new FloorClient(this.batcher, plan, placement, quorum);
      this.client = client;

      for (const { ops, concurrency } of warmupPhases(spec.warmupOps, spec.concurrency)) {
        client.startPhase(ops, concurrency, undefined);
        await this.until(() => client.phaseDone, 'the warm-up requests');
      }
      const histogram = createLatencyHistogram();
      const startMs = performance.now();
      client.startPhase(spec.ops, spec.concurrency, histogram);
      await this.until(() => client.phaseDone, 'the measured requests');
      const latency = summarize(histogram);
      histogram.destroy();
      const seconds = (client.phaseEndMs - startMs) / 1000;

      const traffic = await this.collectTraffic(nodes, client, spec.warmupOps + spec.ops);
      return {
        figures: {
          p50_us: latency.p50_us,
          p99_us: latency.p99_us,
          p999_us: latency.p999_us,
          mean_us: latency.mean_us,
          throughput_ops_s: seconds > 0 ? Math.round((spec.ops / seconds) * 10) / 10 : 0,
          ops: spec.ops,
          messages_per_op: Math.round((traffic.messages / traffic.requests) * 100) / 100,
        },
        traffic,
      };
    } catch (error) {
      // Whatever stopped a measurement once it had begun (a thread, a stall, a broken count)
      // may have left the threads mid-run: the mesh takes no other.
      const failure = error instanceof BaselineError ? error : new BaselineError(`floor: the measurement failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      this.fail(failure);
      throw failure;
    } finally {
      this.client = undefined;
      this.measuring = false;
    }
  }

  /** False once a thread failed, a measurement failed after it began, or the mesh was closed. */
  get usable(): boolean {
    return !this.closed && this.failure === undefined;
  }

  /** Gives each of the first `nodes` nodes the run's quorums and placement, and the values of the keys it replicates (the preload). */
  private async setUpNodes(nodes: number, plan: OpPlan, placement: ReadonlyMap<string, readonly number[]>, quorum: FloorQuorum): Promise<void> {
    const held: [string, string][][] = Array.from({ length: nodes }, () => []);
    plan.keys.forEach((key, index) => {
      for (const node of placement.get(key) ?? []) held[node]?.push([key, plan.preloadValue(index)]);
    });
    this.setUp = 0;
    this.drained = 0;
    this.counters.clear();
    this.batcher.resetCounters();
    this.ports.slice(0, nodes).forEach((port, node) => this.control(port, { kind: 'setup', ...quorum, placement: [...placement], held: held[node] ?? [] }));
    await this.until(() => this.setUp === nodes, 'the nodes to set up');
  }

  /**
   * Waits until nothing of the run is in flight (the client's late replies, then every
   * coordinator's), then sums every thread's counters and checks that every message sent
   * was received.
   */
  private async collectTraffic(nodes: number, client: FloorClient, requests: number): Promise<FloorTraffic> {
    await this.until(() => client.openRequests === 0, "the client's late replies");
    const used = this.ports.slice(0, nodes);
    for (const port of used) this.control(port, { kind: 'drain' });
    await this.until(() => this.drained === nodes, "the coordinators' late replies");
    for (const port of used) this.control(port, { kind: 'report' });
    await this.until(() => this.counters.size === nodes, "the nodes' counters");

    const all = [...this.counters.values()];
    const sum = (pick: (c: FloorCounters) => number): number => all.reduce((total, c) => total + pick(c), 0);
    const messages = this.batcher.messages + sum((c) => c.messagesOut);
    const received = client.messagesIn + sum((c) => c.messagesIn);
    if (received !== messages) throw new BaselineError(`floor: ${messages} messages sent but ${received} received`);
    return {
      requests,
      messages,
      batches: this.batcher.batches + sum((c) => c.batchesOut),
      valueBytes: this.batcher.valueBytes + sum((c) => c.valueBytesOut),
      copiesHeld: sum((c) => c.keysHeld),
    };
  }

  /** Terminates every thread; safe to call twice, and after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.fail(new BaselineError('floor: the mesh was closed'));
    for (const port of this.ports) port.close();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private portTo(node: number): MessagePort {
    const port = this.ports[node];
    if (!port) throw new BaselineError(`floor: no node ${node}`);
    return port;
  }

  private control(port: MessagePort, msg: FloorControl): void {
    port.postMessage(msg);
  }

  private readonly receive = (node: number, data: unknown): void => {
    this.lastProgressMs = performance.now();
    try {
      if (Array.isArray(data)) {
        const client = this.client;
        if (!client) throw new Error(`node ${node} sent requests or replies between runs`);
        // Only our own threads hold these ports; the client checks each message's kind.
        for (const msg of data as FloorBatch) client.receive(msg);
      } else {
        this.report(data as FloorReport);
      }
    } catch (error) {
      this.fail(new BaselineError(`floor: ${(error as Error).message}`, { cause: error }));
      return;
    }
    const waiter = this.waiter;
    if (waiter?.done()) {
      this.waiter = undefined;
      waiter.resolve();
    }
  };

  private report(msg: FloorReport): void {
    switch (msg.kind) {
      case 'ready':
        this.ready++;
        return;
      case 'set-up':
        this.setUp++;
        return;
      case 'drained':
        this.drained++;
        return;
      case 'counters':
        this.counters.set(msg.node, msg.counters);
        return;
      default:
        throw new Error(`a node sent ${JSON.stringify(msg)}, outside the protocol`);
    }
  }

  /** Waits until `done()` holds, checked after each arrival; any failure rejects it. */
  private until(done: () => boolean, what: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.lastProgressMs = performance.now();
      this.waiter = { what, done, resolve, reject };
    });
  }

  private fail(error: Error): void {
    // The first failure is the cause; later ones (the exit after an error) are its consequences.
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

function checkSpec(spec: FloorSpec, nodes: number): void {
  integerAtLeast('N', spec.N, 1);
  if (spec.N > nodes) throw new RangeError(`N (${spec.N}) must not exceed the floor's ${nodes} nodes`);
  for (const [name, value] of [['W', spec.W], ['R', spec.R]] as const) {
    integerAtLeast(name, value, 1);
    if (value > spec.N) throw new RangeError(`${name} (${value}) must not exceed N (${spec.N})`);
  }
  integerAtLeast('concurrency', spec.concurrency, 1);
  integerAtLeast('keys', spec.keys, 1);
  integerAtLeast('valueBytes', spec.valueBytes, 0);
  integerAtLeast('ops', spec.ops, 1);
  integerAtLeast('warmupOps', spec.warmupOps, 0);
  if (!(spec.readRatio >= 0 && spec.readRatio <= 1)) throw new RangeError(`readRatio must be in [0, 1], got ${spec.readRatio}`);
}
