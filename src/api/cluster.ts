/**
 * The embedding API: a Dynamo cluster of worker threads, started, used and stopped from
 * the calling program. Every method returns a promise that settles.
 */
import { randomUUID } from 'node:crypto';
import { EMPTY_CONTEXT, type CausalContext } from '../core/causal-context.js';
import { ClientCore, type ClientGetOutcome, type ClientPutOutcome, type CoordinationMode } from '../core/client.js';
import type { EngineTuning } from '../core/config.js';
import { clockOf, type Version } from '../core/versions.js';
import type { VectorClock } from '../core/vector-clock.js';
import { ClientDriver, type StoppedOutcome } from '../runtime/client-driver.js';
import type { WorkerStats } from '../runtime/control-api.js';
import { DRAIN_TIMEOUT_MS, Topology } from '../runtime/topology.js';
import { DynamoError, DynamoErrorCode, invalidArgument } from './errors.js';
import { quorumOption, resolveClusterOptions, timeoutOption, type ClusterOptions } from './options.js';
import { abortable, checkContext, checkKey, snapshotValue } from './values.js';

/**
 * The opaque causal context of a read or write: hand it back to `put` or `delete` to say
 * which versions the new one supersedes. Do not build or change one yourself.
 */
export type Context = CausalContext;

export interface GetOptions {
  /** Read quorum for this request (default: the cluster's R). */
  readonly r?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface PutOptions {
  /** The context of the read this write follows; without it the write is blind. */
  readonly context?: Context;
  /** Write quorum for this request (default: the cluster's W). */
  readonly w?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface GetResult {
  /** Every causally concurrent value (siblings); empty when the key is absent or deleted. */
  readonly values: unknown[];
  /** Merged context of everything read; pass it to the put that resolves the siblings. */
  readonly context: Context;
}

export interface PutResult {
  /** Context covering the version just written. */
  readonly context: Context;
}

/** One node's holding of a key, as `inspect` reports it. */
export interface InspectEntry {
  readonly node: string;
  readonly versions: { readonly value: unknown; readonly clock: VectorClock; readonly deleted: boolean }[];
  /** Set when the node keeps these versions as a hint for that owner (§4.6). */
  readonly hintFor?: string;
}

export interface ClusterStats {
  readonly nodes: WorkerStats[];
  /** Nodes in the ring whose worker is not running. */
  readonly stopped: string[];
  readonly client: ClientCore['stats'];
  readonly totals: {
    readonly keys: number;
    readonly hintsPending: number;
    readonly readRepairs: number;
    readonly siblingReads: number;
    readonly clockPrunes: number;
    readonly messages: number;
    readonly quorumFailures: number;
  };
}

export class Cluster {
  private stopped = false;

  private constructor(
    private readonly topology: Topology,
    private readonly client: ClientCore,
    private readonly driver: ClientDriver,
    private readonly tuning: EngineTuning,
    private readonly maxValueBytes: number,
  ) {}

  /** Starts a cluster: one worker thread per node, wired into a MessagePort mesh. */
  static async start(options?: ClusterOptions): Promise<Cluster> {
    const resolved = resolveClusterOptions(options);
    const client = new ClientCore(`client-${randomUUID()}`, resolved.coordination, resolved.tuning, []);
    const driver = new ClientDriver(client);
    const topology = new Topology(resolved.tuning, client, driver);
    try {
      await topology.boot(resolved.nodes);
    } catch (err) {
      driver.close();
      await topology.shutdown();
      throw err;
    }
    return new Cluster(topology, client, driver, resolved.tuning, resolved.maxValueBytes);
  }

  /** Node ids in the ring, running or stopped. */
  get nodeIds(): string[] {
    return [...this.topology.nodeIds];
  }

  get coordination(): CoordinationMode {
    return this.client.mode;
  }

  /** The cluster's N, R, W and the other tunables in force. */
  get config(): EngineTuning {
    return this.tuning;
  }

  /** Reads every concurrent version of `key` and the context that covers them. */
  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    this.checkRunning();
    const spec = { key: checkKey(key), r: quorumOption(options.r, 'r', this.tuning.r, this.tuning.n), timeoutMs: this.timeout(options) };
    const outcome = await abortable(this.driver.get(spec), checkSignal(options.signal));
    const ok = settle<ClientGetOutcome>(outcome);
    return { values: ok.siblings.filter((v: Version) => !v.deleted).map((v) => v.value), context: ok.context };
  }

  /** Writes a value; with `context`, it supersedes the versions that context covers. */
  put(key: string, value: unknown, options: PutOptions = {}): Promise<PutResult> {
    return this.write(key, value, false, options);
  }

  /** Deletes by writing a tombstone that supersedes the versions `context` covers. */
  delete(key: string, options: PutOptions = {}): Promise<PutResult> {
    return this.write(key, null, true, options);
  }

  /** Nodes in different groups stop reaching each other; unlisted nodes form one more group. */
  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    this.checkRunning();
    if (!Array.isArray(groups)) throw invalidArgument('partition takes an array of node-id groups');
    const seen = new Set<string>();
    for (const group of groups) {
      if (!Array.isArray(group)) throw invalidArgument('each partition group must be an array of node ids');
      for (const id of group) {
        this.checkMember(id);
        if (seen.has(id)) throw invalidArgument(`node ${id} is in more than one partition group`);
        seen.add(id);
      }
    }
    await this.topology.partition(groups.map((g) => [...g]));
  }

  async heal(): Promise<void> {
    this.checkRunning();
    await this.topology.heal();
  }

  /** Stops a node's worker. An in-memory node loses its data; it stays in the ring. */
  async stopNode(nodeId: string): Promise<void> {
    this.checkRunning();
    this.checkMember(nodeId);
    await this.topology.stopNode(nodeId);
  }

  /** Starts a stopped node again, empty, under a new actor id. */
  async startNode(nodeId: string): Promise<void> {
    this.checkRunning();
    this.checkMember(nodeId);
    await this.topology.startNode(nodeId);
  }

  /** Adds a node to the ring; keys it now owns move to it. Resolves to its id. */
  async addNode(): Promise<string> {
    this.checkRunning();
    return this.topology.addNode();
  }

  /**
   * Removes a node from the ring. It hands every key and hint to the new owners, then stops.
   * Rejects with TIMEOUT if that takes longer than 15 s; the node keeps handing off then,
   * and `removeNode` may be called again to wait for it. Topology changes (this one, adding,
   * stopping, starting, partitions) run one at a time.
   */
  async removeNode(nodeId: string): Promise<void> {
    this.checkRunning();
    if (typeof nodeId !== 'string') this.checkMember(nodeId);
    if (!(await this.topology.removeNode(nodeId, this.tuning.n))) {
      throw new DynamoError(DynamoErrorCode.Timeout, `${nodeId} did not hand off its data within ${DRAIN_TIMEOUT_MS} ms; it keeps trying`);
    }
  }

  /** What every running node holds for `key`: its own versions, and hints it keeps for others. */
  async inspect(key: string): Promise<InspectEntry[]> {
    this.checkRunning();
    checkKey(key);
    const handles = this.topology.handles();
    // A node that stops while we ask holds nothing any more.
    const views = await Promise.all(handles.map((handle) => handle.inspect(key).catch(() => ({ versions: [], hints: [] }))));
    const out: InspectEntry[] = [];
    views.forEach((view, i) => {
      const node = handles[i]?.nodeId ?? '';
      if (view.versions.length > 0) out.push({ node, versions: view.versions.map(describeVersion) });
      for (const hint of view.hints) out.push({ node, versions: hint.siblings.map(describeVersion), hintFor: hint.owner });
    });
    return out;
  }

  async stats(): Promise<ClusterStats> {
    this.checkRunning();
    const nodes = await this.topology.stats();
    const client = this.client.stats;
    const sum = (pick: (s: WorkerStats) => number): number => nodes.reduce((acc, s) => acc + pick(s), 0);
    return {
      nodes,
      stopped: this.nodeIds.filter((id) => !this.topology.isRunning(id)),
      client,
      totals: {
        keys: sum((s) => s.keys),
        hintsPending: sum((s) => s.hintsPending),
        readRepairs: sum((s) => s.readRepairs) + client.readRepairs,
        siblingReads: sum((s) => s.siblingReads) + client.siblingReads,
        clockPrunes: sum((s) => s.clockPrunes) + client.clockPrunes,
        messages: sum((s) => s.messagesIn),
        quorumFailures: sum((s) => s.quorumFailures) + client.quorumFailures,
      },
    };
  }

  /** Stops every worker; requests still waiting reject with STOPPED. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.driver.close();
    await this.topology.shutdown();
  }

  private async write(key: string, value: unknown, deleted: boolean, options: PutOptions): Promise<PutResult> {
    this.checkRunning();
    checkKey(key);
    const stored = deleted ? null : snapshotValue(value, this.maxValueBytes);
    const spec = {
      key,
      value: stored,
      deleted,
      context: checkContext(options.context) ?? EMPTY_CONTEXT,
      w: quorumOption(options.w, 'w', this.tuning.w, this.tuning.n),
      timeoutMs: this.timeout(options),
    };
    const signal = checkSignal(options.signal);
    if (signal?.aborted) throw new DynamoError(DynamoErrorCode.Aborted, 'the request was aborted by its signal');
    const ok = settle<ClientPutOutcome>(await abortable(this.driver.put(spec), signal));
    return { context: ok.context };
  }

  private timeout(options: { timeoutMs?: number }): number {
    return timeoutOption(options.timeoutMs, this.tuning.requestTimeoutMs);
  }

  private checkRunning(): void {
    if (this.stopped) throw new DynamoError(DynamoErrorCode.Stopped, 'the cluster was stopped');
  }

  private checkMember(nodeId: unknown): void {
    if (typeof nodeId !== 'string' || !this.topology.nodeIds.includes(nodeId)) {
      throw invalidArgument(`unknown node id ${JSON.stringify(nodeId)}; nodes are ${this.topology.nodeIds.join(', ')}`);
    }
  }
}

/** Turns a failed outcome into the matching DynamoError. */
function settle<T extends ClientGetOutcome | ClientPutOutcome>(outcome: T | StoppedOutcome): Extract<T, { ok: true }> {
  if (outcome.ok) return outcome as Extract<T, { ok: true }>;
  throw new DynamoError(outcome.code, outcome.message);
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
  return signal;
}

function describeVersion(version: Version): InspectEntry['versions'][number] {
  return { value: version.value, clock: clockOf(version), deleted: version.deleted };
}
