/**
 * A ControllerService in memory, for the HTTP layer's tests: a key-value map with opaque
 * contexts and siblings (two blind puts of one key make two), keys that fail on purpose
 * (`err-<CODE>` throws a DynamoError with that code, `err-plain` a plain Error), stats made
 * up from counters, a record of every control call (partitions and chaos included), key
 * placements walked from the node list, stored performance samples, and jobs that only
 * record their text.
 */
import type { ClusterStats } from '../../src/api/cluster.js';
import { DynamoError } from '../../src/api/errors.js';
import type { ErrorCode } from '../../src/protocol/outcomes.js';
import type { WorkerStats } from '../../src/runtime/control-api.js';
import type {
  ActorInfo,
  ActorSpawn,
  ChaosEffect,
  ClientOutput,
  ControllerEvent,
  ControllerService,
  ControllerStatus,
  KvReadOptions,
  KvReadResult,
  KvWriteOptions,
  KvWriteResult,
  JobRun,
  KeyPlacement,
  PerformanceSample,
  RingView,
} from '../../src/control/service.js';
import type { ChaosRule, ChaosSelector, InspectEntry } from '../../src/api/cluster.js';

interface Version {
  readonly id: number;
  readonly value: unknown;
  readonly deleted: boolean;
}

/** One recorded call: the method and its arguments. */
export type Call = readonly [method: string, ...args: unknown[]];

/** A secret a failing call puts in its message: the 500 answer must not carry it. */
export const INTERNAL_DETAIL = 'disk at /var/secret/path is on fire';

export class FakeControllerService implements ControllerService {
  readonly calls: Call[] = [];
  readonly kvOptions: (KvReadOptions | KvWriteOptions)[] = [];
  private readonly data = new Map<string, Version[]>();
  private readonly listeners = new Set<(event: ControllerEvent) => void>();
  private nextId = 1;
  /** What stats() answers: null before a job placed anything here. */
  hasCluster = true;
  statsCalls = 0;
  nodes = ['nodeA', 'nodeB', 'nodeC'];
  /** What performance() answers. */
  samples: PerformanceSample[] = [];
  /** Jobs submitted, newest last; each records its text in its first line. */
  readonly jobRuns: JobRun[] = [];

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: ControllerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async status(): Promise<ControllerStatus> {
    return {
      actors: [...this.nodes],
      loaded_libs: { dynamo: ['dynamo_node', 'dynamo_client'] },
      controller: 'ctl1',
      peer_port: 4100,
      cluster: 'cluster-1',
      actor_states: this.nodes.map((name) => ({ name, operator: 'dynamo_node', state: 'running' as const })),
      peers_connected: [],
    };
  }

  async startActor(spawn: ActorSpawn): Promise<ActorInfo> {
    this.calls.push(['startActor', spawn]);
    this.failFor(spawn.actor_name);
    return { name: spawn.actor_name, hostname: '127.0.0.1', port: 4200 };
  }

  async stopActor(name: string): Promise<void> {
    this.calls.push(['stopActor', name]);
    this.failFor(name);
    if (name === 'ghost') throw new DynamoError('INVALID_ARGUMENT', 'no actor named ghost');
  }

  async stopAllActors(): Promise<void> {
    this.calls.push(['stopAllActors']);
  }

  async chaos(rule: ChaosRule): Promise<void> {
    this.calls.push(['chaos', rule]);
    this.failFor(rule.node ?? rule.to ?? '');
  }

  async clearChaos(selector: ChaosSelector, effects: readonly ChaosEffect[]): Promise<void> {
    this.calls.push(['clearChaos', selector, effects]);
    this.failFor(selector.node ?? selector.to ?? '');
  }

  async ring(): Promise<RingView> {
    return {
      nodes: [...this.nodes],
      placement: Object.fromEntries(this.nodes.map((node) => [node, 'ctl1'])),
      clients: {},
      vnodes: this.nodes.map((node, i) => ({ token: i * 1000, node })),
      n: 3,
      r: 2,
      w: 2,
    };
  }

  async inspect(key: string): Promise<InspectEntry[]> {
    this.failFor(key);
    return [
      {
        node: 'nodeA',
        clock: { a: { counter: 1, timeMs: 5 } },
        versions: [{ value: new Uint8Array([1, 2, 3]), deleted: false, dot: { actor: 'a', counter: 1 } }],
      },
      { node: 'nodeB', hintFor: 'nodeC', clock: {}, versions: [{ value: { n: 1 }, deleted: false, dot: { actor: 'a', counter: 1 } }] },
    ];
  }

  async kvGet(key: string, options: KvReadOptions): Promise<KvReadResult> {
    this.failFor(key);
    this.kvOptions.push(options);
    const versions = this.data.get(key) ?? [];
    return { values: versions.filter((v) => !v.deleted).map((v) => v.value), context: contextOf(versions) };
  }

  async kvPut(key: string, value: unknown, options: KvWriteOptions): Promise<KvWriteResult> {
    this.failFor(key);
    this.kvOptions.push(options);
    return this.write(key, value, false, options);
  }

  async kvDelete(key: string, options: KvWriteOptions): Promise<KvWriteResult> {
    this.failFor(key);
    this.kvOptions.push(options);
    return this.write(key, null, true, options);
  }

  async stats(): Promise<ClusterStats | null> {
    this.statsCalls += 1;
    return this.hasCluster ? fakeStats(this.nodes) : null;
  }

  async clientOutput(name: string, fromSeq: number): Promise<ClientOutput> {
    this.failFor(name);
    const lines = [0, 1, 2, 3].map((seq) => ({ seq, text: `line ${seq}` }));
    return { name, lines: lines.filter((line) => line.seq >= fromSeq), state: 'running' };
  }

  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    this.calls.push(['partition', groups]);
    for (const group of groups) for (const node of group) this.failFor(node);
  }

  async heal(): Promise<void> {
    this.calls.push(['heal']);
  }

  /** The first N (3) nodes from the key's length on, the rest as fallbacks: not the engine's ring, only its shape. */
  async preference(key: string): Promise<KeyPlacement> {
    this.failFor(key);
    const start = key.length % this.nodes.length;
    const walk = [...this.nodes.slice(start), ...this.nodes.slice(0, start)];
    return { key, token: key.length * 1000, preferenceList: walk.slice(0, 3), fallbacks: walk.slice(3) };
  }

  async performance(): Promise<PerformanceSample[]> {
    return [...this.samples];
  }

  async submitJob(toml: string): Promise<Omit<JobRun, 'lines'>> {
    this.calls.push(['submitJob', toml]);
    if (this.jobRuns.some((job) => job.state === 'running')) throw new DynamoError('INVALID_ARGUMENT', 'a job started here still runs');
    const job: JobRun = { id: `job-${this.jobRuns.length + 1}`, state: 'running', exitCode: null, startedAtMs: 1_700_000_000_000, lines: [toml] };
    this.jobRuns.push(job);
    const { lines: _lines, ...summary } = job;
    return summary;
  }

  async jobs(): Promise<JobRun[]> {
    return this.jobRuns.slice(-10);
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The values stored for a key (test's view). */
  stored(key: string): unknown[] {
    return (this.data.get(key) ?? []).filter((v) => !v.deleted).map((v) => v.value);
  }

  private write(key: string, value: unknown, deleted: boolean, options: KvWriteOptions): KvWriteResult {
    const seen = options.context === undefined ? new Set<number>() : parseContext(options.context);
    const kept = (this.data.get(key) ?? []).filter((v) => !seen.has(v.id));
    const version = { id: this.nextId++, value, deleted };
    this.data.set(key, [...kept, version]);
    return { context: contextOf([version]) };
  }

  private failFor(name: string): void {
    if (name === 'err-plain') throw new Error(INTERNAL_DETAIL);
    if (name.startsWith('err-')) throw new DynamoError(name.slice(4) as ErrorCode, `failed on purpose: ${name.slice(4)}`);
  }
}

/** An opaque context: the ids of the versions a read saw, as base64url. */
function contextOf(versions: readonly Version[]): string {
  return Buffer.from(JSON.stringify(versions.map((v) => v.id))).toString('base64url');
}

function parseContext(context: string): Set<number> {
  try {
    const ids = JSON.parse(Buffer.from(context, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(ids) && ids.every((id) => typeof id === 'number')) return new Set(ids);
  } catch {
    // Falls through to the refusal.
  }
  throw new DynamoError('INVALID_ARGUMENT', 'context must be a context returned by get, put or delete');
}

function workerStats(nodeId: string, i: number): WorkerStats {
  return {
    nodeId,
    actorId: `${nodeId}-1`,
    keys: 10 + i,
    hintsPending: i,
    hintsDelivered: 2,
    handoffsPending: 0,
    handedOff: 0,
    tombstonesReaped: 1,
    reapedRemembered: 0,
    mintedKeys: 3,
    forwarded: 4,
    rerouted: 0,
    suspects: [],
    inFlight: 1,
    gets: 100,
    puts: 50,
    quorumFailures: 1,
    readRepairs: 7,
    clockPrunes: 0,
    siblingReads: 2,
    antiEntropyExchangesStarted: 6,
    antiEntropyExchangesCompleted: 5,
    antiEntropyKeysSent: 9,
    antiEntropyKeysReceived: 8,
    antiEntropyMaxSinceMatchMs: 1500,
    antiEntropyRanges: [],
    messagesDropped: 0,
    messagesLost: 3,
    messagesDuplicated: 4,
    messagesDelayed: 5,
    messagesIn: 1000 + i,
    messagesOut: 900 + i,
    batchesOut: 800,
    invalidMessages: 0,
    internalErrors: 0,
    partitionedFrom: [],
    links: { client: { received: 150 + i, droppedOut: 0, droppedIn: 0, lost: 1, duplicated: 0, delayed: 2 } },
    eventLoop: { activeMs: 200 + i, idleMs: 800 },
    heapUsedBytes: 4_000_000 + i,
    storage: null,
  };
}

export function fakeStats(nodes: readonly string[]): ClusterStats {
  const faults = { messagesDropped: 0, messagesLost: 1, messagesDuplicated: 0, messagesDelayed: 0 };
  return {
    nodes: nodes.map(workerStats),
    stopped: ['nodeZ'],
    client: { gets: 40, puts: 20, quorumFailures: 0, readRepairs: 0, clockPrunes: 0, siblingReads: 1, timeouts: 2, mismatchedReplies: 0, suspects: [], mintedKeys: 0 },
    clientFaults: faults,
    chaos: [{ node: 'nodeA', loss: 0.1 }],
    totals: {
      ...faults,
      keys: 33,
      hintsPending: 3,
      readRepairs: 21,
      siblingReads: 7,
      clockPrunes: 0,
      messages: 3003,
      quorumFailures: 3,
      tombstonesReaped: 3,
      antiEntropyExchanges: 15,
      antiEntropyKeysSent: 27,
      antiEntropyKeysReceived: 24,
    },
  };
}

/** A log that keeps every line, by level. */
export class MemoryLog {
  readonly lines: string[] = [];
  info = (message: string): void => void this.lines.push(`info ${message}`);
  warn = (message: string): void => void this.lines.push(`warn ${message}`);
  error = (message: string): void => void this.lines.push(`error ${message}`);

  errors(): string[] {
    return this.lines.filter((line) => line.startsWith('error '));
  }
}
