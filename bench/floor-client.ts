/**
 * The client of the replicated floor, on the main thread: closed-loop clients that each send
 * their next request when the last one was answered, as bench/driver.ts drives the engine.
 *
 * It sends what the engine's client sends, through the same kind of batcher (the engine's
 * ClientDriver talks to the nodes through a PortMesh, batched per event-loop turn):
 * - node coordination: the request goes to the key's first replica, which coordinates it;
 *   one message out, one answer back. (The engine's client may pick a node that is not a
 *   replica, which then forwards the request; the floor leaves that hop out.)
 * - client coordination: a replica request to each of the key's N replicas; the request is
 *   answered at R (get) or W (put) replies, and the later replies are received and dropped.
 */
import type { FloorBatcher } from './floor-batcher.js';
import type { FloorCoordination, FloorMessage } from './floor-protocol.js';
import { performance } from 'node:perf_hooks';
import { recordLatencyUs, type Histogram } from './hdr.js';
import type { OpPlan } from './workload.js';

/** Who coordinates, and the quorums. */
export interface FloorQuorum {
  readonly coordination: FloorCoordination;
  readonly n: number;
  readonly w: number;
  readonly r: number;
}

/** A request sent and not yet done with: answered, or still waiting for late replies. */
interface OpenRequest {
  /** When it was sent (performance.now(), as the engine's bench driver times its requests). */
  readonly startMs: number;
  readonly needed: number;
  counted: number;
  outstanding: number;
  answered: boolean;
}

/** One closed-loop phase: the warm-up or the measured requests. */
interface Phase {
  toIssue: number;
  unanswered: number;
  readonly histogram: Histogram | undefined;
  endMs: number;
}

export class FloorClient {
  private readonly open = new Map<number, OpenRequest>();
  private phase: Phase | undefined;
  private nextId = 1;
  /** Messages received (every message sent to the client, late replies included). */
  messagesIn = 0;

  constructor(
    private readonly batcher: FloorBatcher,
    private readonly plan: OpPlan,
    private readonly placement: ReadonlyMap<string, readonly number[]>,
    private readonly quorum: FloorQuorum,
  ) {}

  /** Starts `ops` requests from `concurrency` clients; latencies go to `histogram` if given. */
  startPhase(ops: number, concurrency: number, histogram: Histogram | undefined): void {
    if (this.phase !== undefined && this.phase.unanswered > 0) throw new Error('a floor phase is still running');
    this.phase = { toIssue: ops, unanswered: ops, histogram, endMs: 0 };
    for (let client = 0; client < Math.min(concurrency, ops); client++) this.issue(this.phase);
  }

  /** True once every request of the phase was answered. */
  get phaseDone(): boolean {
    return this.phase !== undefined && this.phase.unanswered === 0;
  }

  /** When the phase's last request was answered (performance.now()). */
  get phaseEndMs(): number {
    return this.phase?.endMs ?? 0;
  }

  /** Requests still waiting for an answer or a late reply. */
  get openRequests(): number {
    return this.open.size;
  }

  /** Takes one message from a node; throws on one outside the protocol. */
  receive(msg: FloorMessage): void {
    this.messagesIn++;
    const expected = this.quorum.coordination === 'node' ? msg.k === 'got' || msg.k === 'putok' : msg.k === 'rgot' || msg.k === 'rputok';
    if (!expected) throw new Error(`the floor's client got ${JSON.stringify(msg.k)} in ${this.quorum.coordination} coordination`);
    const request = this.open.get(msg.id);
    if (!request) throw new Error(`the floor's client got an answer to request ${msg.id}, which it never sent or already closed`);
    request.counted++;
    request.outstanding--;
    if (!request.answered && request.counted >= request.needed) this.answered(request);
    if (request.outstanding === 0) this.open.delete(msg.id);
  }

  private answered(request: OpenRequest): void {
    request.answered = true;
    const phase = this.phase;
    if (!phase) throw new Error("the floor's client got an answer outside a phase");
    const endMs = performance.now();
    if (phase.histogram) recordLatencyUs(phase.histogram, (endMs - request.startMs) * 1000);
    phase.unanswered--;
    if (phase.unanswered === 0) phase.endMs = endMs;
    // The closed loop: this client's next request leaves in the same turn's batch.
    if (phase.toIssue > 0) this.issue(phase);
  }

  private issue(phase: Phase): void {
    phase.toIssue--;
    const { op, key, value } = this.plan.next();
    const replicas = this.placement.get(key);
    if (!replicas || replicas.length !== this.quorum.n) throw new Error(`the floor has no placement for ${key}`);
    const id = this.nextId++;
    const startMs = performance.now();
    if (this.quorum.coordination === 'node') {
      this.open.set(id, { startMs, needed: 1, counted: 0, outstanding: 1, answered: false });
      this.send(replicas[0], op === 'GET' ? { k: 'get', id, key } : { k: 'put', id, key, value });
      return;
    }
    this.open.set(id, { startMs, needed: op === 'GET' ? this.quorum.r : this.quorum.w, counted: 0, outstanding: replicas.length, answered: false });
    for (const replica of replicas) this.send(replica, op === 'GET' ? { k: 'rget', id, key } : { k: 'rput', id, key, value });
  }

  private send(node: number | undefined, msg: FloorMessage): void {
    if (node === undefined) throw new Error('the floor tried to send to no node');
    this.batcher.send(node, msg);
  }
}
