/**
 * The embedding API: a Dynamo cluster of worker threads, started, used and stopped from
 * the calling program. Every method returns a promise that settles, and rejects only with a
 * DynamoError.
 */
import { randomUUID } from 'node:crypto';
import { ClientCore, type ClientStats, type CoordinationMode } from '../core/client.js';
import type { EngineTuning } from '../core/config.js';
import type { Siblings, VectorClock } from '../protocol/data.js';
import { clockView, EMPTY_CONTEXT } from '../core/causal-context.js';
import { ClientDriver, type RequestLatencies } from '../runtime/client-driver.js';
import type { ChaosRule, ChaosSelector, FaultCounters, WorkerStats } from '../runtime/control-api.js';
import { claimDataDir, type DataDirLock } from '../runtime/data-dir.js';
import { DRAIN_TIMEOUT_MS, Topology, type SpreadRing } from '../runtime/topology.js';
import { md5Hex } from '../util/md5.js';
import { ContextTags } from './context-tags.js';
import { DynamoError, DynamoErrorCode, fromFailure, guarded, invalidArgument, readInput, toDynamoError } from './errors.js';
import { optionsObject, quorumOption, resolveClusterOptions, timeoutOption, type ClusterOptions } from './options.js';
import { IssuedContexts, type Context } from './issued-contexts.js';
import { NodeThreads } from './node-threads.js';
import { abortable, checkKey, checkSignal, snapshotValue } from './values.js';

export type { ChaosRule, ChaosSelector, FaultCounters };

export type { Context };

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
  /** Covers everything read; pass it to the put that resolves the siblings. */
  readonly context: Context;
}

export interface PutResult {
  /** Context covering the version just written. */
  readonly context: Context;
}

/** One node's holding of a key, as `inspect` reports it. */
export interface InspectEntry {
  readonly node: string;
  /** Set when the node keeps these versions as a hint for that owner (§4.6). */
  readonly hintFor?: string;
  /** Every write event this holding has seen for the key: its versions' and those they superseded. */
  readonly clock: VectorClock;
  /** The concurrent versions held, each named by the write that made it. */
  readonly versions: { readonly value: unknown; readonly deleted: boolean; readonly dot: { readonly actor: string; readonly counter: number } }[];
}

export interface ClusterStats {
  readonly nodes: WorkerStats[];
  /** Nodes in the ring whose worker is not running. */
  readonly stopped: string[];
  readonly client: ClientStats;
  /** What the faults did to messages arriving at the client (cuts, chaos). */
  readonly clientFaults: FaultCounters;
  /** Chaos rules in force, in the order they were set; the client is named `client`. */
  readonly chaos: ChaosRule[];
  /** Sums over the running nodes, and the client where it counts the same thing. */
  readonly totals: FaultCounters & {
    readonly keys: number;
    readonly hintsPending: number;
    readonly readRepairs: number;
    readonly siblingReads: number;
    readonly clockPrunes: number;
    readonly messages: number;
    readonly quorumFailures: number;
    readonly tombstonesReaped: number;
    /** Anti-entropy (§4.7): exchanges run to their end, and keys whose versions were sent / that changed where received. */
    readonly antiEntropyExchanges: number;
    readonly antiEntropyKeysSent: number;
    readonly antiEntropyKeysReceived: number;
  };
}

const GET_OPTIONS: ReadonlySet<string> = new Set(['r', 'timeoutMs', 'signal']);
const PUT_OPTIONS: ReadonlySet<string> = new Set(['context', 'w', 'timeoutMs', 'signal']);

/**
 * This process's share of a ring spread over node controllers (used by `dynamo node`; not
 * part of the embedding API).
 * @internal
 */
export interface HostedShare extends SpreadRing {
  /** The same on every controller of the ring: contexts handed out by one are good on all. */
  readonly clusterId: string;
  /** This process's client (the KV API's): unique across the ring and across restarts. */
  readonly clientId: string;
}

export class Cluster {
  private stopped = false;
  private readonly tags: ContextTags;
  /** A true private field: a context issued through it is taken unchecked (issued-contexts.ts). */
  readonly #issued = new IssuedContexts();

  private constructor(
    private readonly topology: Topology,
    private readonly driver: ClientDriver,
    private readonly tuning: EngineTuning,
    private readonly maxValueBytes: number,
    /** Tags the contexts this cluster hands out, so that a context from another one is refused. */
    clusterId: string = randomUUID(),
    /** A durable cluster's hold on its directory (data-dir-lock.ts), given up once every node has closed its environment. */
    private readonly dirLock?: DataDirLock,
  ) {
    this.tags = new ContextTags(clusterId);
  }

  /**
   * Joins a ring spread over node controllers with no node running yet; `startNode` starts
   * each local node as it is placed here. `options.nodes` is ignored: the ring is `share.nodes`.
   * @internal
   */
  static async host(options: ClusterOptions, share: HostedShare): Promise<Cluster> {
    const resolved = resolveClusterOptions({ ...options, nodes: share.nodes.length });
    if (resolved.storage !== undefined) throw invalidArgument('storage: the nodes of a ring spread over node controllers keep their data in memory');
    const client = new ClientCore(share.clientId, resolved.coordination, resolved.tuning, [], md5Hex);
    const driver = new ClientDriver(client);
    const topology = new Topology(resolved.tuning, driver, share);
    await topology.bootSpread();
    return new Cluster(topology, driver, resolved.tuning, resolved.maxValueBytes, share.clusterId);
  }

  /**
   * Whether the controller hosting `nodes` is connected: requests avoid those that are not.
   * @internal
   */
  remoteReachability(nodes: readonly string[], reachable: boolean): void {
    this.topology.remoteReachability(nodes, reachable);
  }

  /**
   * Whether a node of this process runs (false once its worker died on its own, too).
   * @internal
   */
  isRunning(nodeId: string): boolean {
    return this.topology.isRunning(nodeId);
  }

  /**
   * The latencies of this cluster's own requests so far (cumulative copies; cheap enough to
   * read once a second): the node controller's performance view.
   * @internal
   */
  requestLatencies(): RequestLatencies {
    return this.driver.latencies;
  }

  /** Starts a cluster: one worker thread per node, wired into a MessagePort mesh. */
  static async start(options?: ClusterOptions): Promise<Cluster> {
    const resolved = resolveClusterOptions(options);
    const threads = options?.threads === undefined ? undefined : NodeThreads.poolOf(options.threads);
    const client = new ClientCore(`client-${randomUUID()}`, resolved.coordination, resolved.tuning, [], md5Hex);
    const driver = new ClientDriver(client);
    const topology = new Topology(resolved.tuning, driver, undefined, threads, resolved.storage);
    let dirLock: DataDirLock | undefined;
    try {
      dirLock = resolved.storage === undefined ? undefined : claimDataDir(resolved.storage.dir, resolved.tuning);
      await topology.boot(resolved.nodes);
    } catch (err) {
      driver.close();
      await topology.shutdown().finally(() => dirLock?.release());
      throw toDynamoError(err);
    }
    return new Cluster(topology, driver, resolved.tuning, resolved.maxValueBytes, undefined, dirLock);
  }

  /** Node ids in the ring, running or stopped. */
  get nodeIds(): string[] {
    return [...this.topology.nodeIds];
  }

  get coordination(): CoordinationMode {
    return this.driver.core.mode;
  }

  /** The cluster's N, R, W and the other tunables in force. */
  get config(): EngineTuning {
    return this.tuning;
  }

  /** Reads every concurrent version of `key` and the context that covers them. */
  async get(key: string, options?: GetOptions): Promise<GetResult> {
    this.checkRunning();
    const { spec, signal } = readInput(() => {
      const given = optionsObject(options, GET_OPTIONS, 'get');
      return {
        spec: { key: checkKey(key), r: quorumOption(given.r, 'r', this.tuning.r, this.tuning.n), timeoutMs: timeoutOption(given.timeoutMs, this.tuning.requestTimeoutMs) },
        signal: checkSignal(given.signal),
      };
    });
    const outcome = await abortable(this.driver.get(spec), signal);
    if (!outcome.ok) throw fromFailure(outcome);
    // The context handed out is tagged with this cluster and the key, and frozen (see issued-contexts.ts).
    return { values: outcome.versions.filter((v) => !v.deleted).map((v) => v.value), context: this.#issued.issue(outcome.context, this.tags.of(spec.key)) };
  }

  /** Writes a value; with `context`, it supersedes the versions that context covers. */
  put(key: string, value: unknown, options?: PutOptions): Promise<PutResult> {
    return this.write(key, value, false, options);
  }

  /** Deletes by writing a tombstone that supersedes the versions `context` covers. */
  delete(key: string, options?: PutOptions): Promise<PutResult> {
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
    await guarded(() => this.topology.partition(groups.map((g) => [...g])));
  }

  async heal(): Promise<void> {
    this.checkRunning();
    await guarded(() => this.topology.heal());
  }

  /**
   * Random faults on the messages arriving at an endpoint, after Reactor's chaos: `loss` (a
   * probability), `duplicate` ({ probability, factor }: delivered `factor` times in all) and
   * `delayMs` ([min, max], each message its own draw). `node` selects every message that node
   * receives; `from` and/or `to` select a link (the client is `'client'`). A rule for the same
   * selector as one in force replaces the effects it names. Rules stay in force for nodes
   * started again or added, until `clearChaos`. Rejects with INVALID_ARGUMENT naming the field.
   */
  async chaos(rule: ChaosRule): Promise<void> {
    this.checkRunning();
    await guarded(() => this.topology.addChaos(rule));
  }

  /** Clears the chaos rules whose selector has every field `selector` gives; none given clears all. */
  async clearChaos(selector?: ChaosSelector): Promise<void> {
    this.checkRunning();
    await guarded(() => this.topology.clearChaos(selector));
  }

  /** Stops a node's worker. An in-memory node loses its data, a durable one keeps it; it stays in the ring. */
  async stopNode(nodeId: string): Promise<void> {
    this.checkRunning();
    this.checkMember(nodeId);
    await guarded(() => this.topology.stopNode(nodeId));
  }

  /** Starts a stopped node again under a new actor id: empty in memory, with what it had stored when durable. */
  async startNode(nodeId: string): Promise<void> {
    this.checkRunning();
    this.checkMember(nodeId);
    await guarded(() => this.topology.startNode(nodeId));
  }

  /** Adds a node to the ring; keys it now owns move to it. Resolves to its id. */
  async addNode(): Promise<string> {
    this.checkRunning();
    return guarded(() => this.topology.addNode());
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
    if (!(await guarded(() => this.topology.removeNode(nodeId, this.tuning.n)))) {
      throw new DynamoError(DynamoErrorCode.Timeout, `${nodeId} did not hand off its data within ${DRAIN_TIMEOUT_MS} ms; it keeps trying`);
    }
  }

  /** What every running node holds for `key`: its own versions, and hints it keeps for others. */
  async inspect(key: string): Promise<InspectEntry[]> {
    this.checkRunning();
    checkKey(key);
    const handles = this.topology.handles();
    // A node that stops while we ask holds nothing any more.
    const views = await Promise.all(handles.map((handle) => handle.inspect(key).catch(() => ({ siblings: null, hints: [] }))));
    const out: InspectEntry[] = [];
    handles.forEach((handle, i) => {
      const view = views[i];
      if (!view) return;
      if (view.siblings !== null) out.push(describeHolding(handle.nodeId, view.siblings));
      for (const hint of view.hints) out.push({ ...describeHolding(handle.nodeId, hint.siblings), hintFor: hint.owner });
    });
    return out;
  }

  async stats(): Promise<ClusterStats> {
    this.checkRunning();
    const nodes = await this.topology.stats();
    const client = this.driver.core.stats;
    const clientFaults = this.driver.faultCounters;
    const sum = (pick: (s: WorkerStats) => number): number => nodes.reduce((acc, s) => acc + pick(s), 0);
    const faults = (name: keyof FaultCounters): number => sum((s) => s[name]) + clientFaults[name];
    return {
      nodes,
      stopped: this.nodeIds.filter((id) => !this.topology.isRunning(id) && !this.topology.isRemote(id)),
      client,
      clientFaults,
      chaos: this.topology.chaos.map((rule) => structuredClone(rule)),
      totals: {
        messagesDropped: faults('messagesDropped'),
        messagesLost: faults('messagesLost'),
        messagesDuplicated: faults('messagesDuplicated'),
        messagesDelayed: faults('messagesDelayed'),
        keys: sum((s) => s.keys),
        hintsPending: sum((s) => s.hintsPending),
        readRepairs: sum((s) => s.readRepairs) + client.readRepairs,
        siblingReads: sum((s) => s.siblingReads) + client.siblingReads,
        clockPrunes: sum((s) => s.clockPrunes) + client.clockPrunes,
        messages: sum((s) => s.messagesIn),
        quorumFailures: sum((s) => s.quorumFailures) + client.quorumFailures,
        tombstonesReaped: sum((s) => s.tombstonesReaped),
        antiEntropyExchanges: sum((s) => s.antiEntropyExchangesCompleted),
        antiEntropyKeysSent: sum((s) => s.antiEntropyKeysSent),
        antiEntropyKeysReceived: sum((s) => s.antiEntropyKeysReceived),
      },
    };
  }

  /** Stops every worker; requests still waiting reject with STOPPED. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.driver.close();
    await guarded(() => this.topology.shutdown()).finally(() => this.dirLock?.release());
  }

  private async write(key: string, value: unknown, deleted: boolean, options: PutOptions | undefined): Promise<PutResult> {
    this.checkRunning();
    const { spec, signal, tag } = readInput(() => {
      const given = optionsObject(options, PUT_OPTIONS, deleted ? 'delete' : 'put');
      const checkedKey = checkKey(key);
      const keyTag = this.tags.of(checkedKey);
      return {
        spec: {
          key: checkedKey,
          value: deleted ? null : snapshotValue(value, this.maxValueBytes),
          deleted,
          context: this.#issued.take(given.context, keyTag) ?? EMPTY_CONTEXT,
          w: quorumOption(given.w, 'w', this.tuning.w, this.tuning.n),
          timeoutMs: timeoutOption(given.timeoutMs, this.tuning.requestTimeoutMs),
        },
        signal: checkSignal(given.signal),
        tag: keyTag,
      };
    });
    const outcome = await abortable(this.driver.put(spec), signal);
    if (!outcome.ok) throw fromFailure(outcome);
    return { context: this.#issued.issue(outcome.context, tag) };
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

function describeHolding(node: string, siblings: Siblings): InspectEntry {
  return {
    node,
    clock: clockView(siblings.context.clock),
    versions: siblings.versions.map((v) => ({ value: v.value, deleted: v.deleted, dot: { actor: v.dot.actor, counter: v.dot.counter } })),
  };
}
