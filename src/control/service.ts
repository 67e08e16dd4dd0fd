/**
 * What a node controller does, as the HTTP layer (src/control/http/) calls it. The HTTP
 * layer only translates: paths and JSON bodies in, this interface, status codes out. Every
 * method rejects only with a DynamoError (src/api/errors.ts), whose code the HTTP layer maps
 * to a status: INVALID_ARGUMENT 400, NOT_FOUND-like misses are INVALID_ARGUMENT with a
 * message, VALUE_TOO_LARGE 413, QUORUM_FAILED 503, STOPPED 503, TIMEOUT 504, INTERNAL 500.
 */
import type { ChaosRule, ChaosSelector, ClusterStats, InspectEntry } from '../api/cluster.js';

/** Reactor's /start_actor body, as the seed's job controller sends it. */
export interface ActorSpawn {
  readonly actor_name: string;
  /** `dynamo_node`, `dynamo_client`, `dynamo_cart_client` or `dynamo_bench_client`. */
  readonly operator_name: string;
  readonly lib_name: string;
  /** The placement entry's fields, plus `cluster` (see ClusterDeployment) added by `dynamo job`. */
  readonly payload: Record<string, unknown>;
}

/** Reactor's answer to /start_actor. */
export interface ActorInfo {
  readonly name: string;
  readonly hostname: string;
  readonly port: number;
}

export type ActorState = 'starting' | 'running' | 'stopped' | 'done' | 'failed';

export interface ActorStatus {
  readonly name: string;
  readonly operator: string;
  readonly state: ActorState;
  /** The Dynamo node a `dynamo_node` actor runs (chaos rules and the ring name nodes by this). */
  readonly nodeId?: string;
}

/** GET /status: Reactor's fields (`actors`, `loaded_libs`) and ours. */
export interface ControllerStatus {
  readonly actors: string[];
  readonly loaded_libs: Record<string, string[]>;
  /** This controller's name in the job (null before a job placed anything here). */
  readonly controller: string | null;
  /** Where other controllers reach this one over TCP. */
  readonly peer_port: number;
  /** The job's cluster id (null before a job placed anything here). */
  readonly cluster: string | null;
  readonly actor_states: ActorStatus[];
  /** Controllers this one holds an authenticated TCP connection to. */
  readonly peers_connected: string[];
}

/** One virtual node: its position on the ring (a 32-bit token) and the node owning it. */
export interface RingVnode {
  readonly token: number;
  readonly node: string;
}

/** GET /ring. */
export interface RingView {
  readonly nodes: string[];
  /** Which controller hosts each node (this controller's own name for local ones). */
  readonly placement: Record<string, string>;
  /** Which controller hosts each client actor of the job, by client id. */
  readonly clients: Record<string, string>;
  readonly vnodes: RingVnode[];
  readonly n: number;
  readonly r: number;
  readonly w: number;
}

export interface KvReadOptions {
  readonly r?: number;
  readonly timeoutMs?: number;
}

export interface KvWriteOptions {
  /** The opaque context string a read (or write) handed out; absent for a blind write. */
  readonly context?: string;
  readonly w?: number;
  readonly timeoutMs?: number;
}

export interface KvReadResult {
  /** Every concurrent value; empty when the key is absent or deleted. */
  readonly values: unknown[];
  /** Opaque (base64url), to send back with the write that follows this read. */
  readonly context: string;
}

export interface KvWriteResult {
  readonly context: string;
}

/** A line of a client actor's output (what `dynamo job` prints as it comes). */
export interface ClientOutputLine {
  readonly seq: number;
  readonly text: string;
}

export interface ClientOutput {
  readonly name: string;
  readonly lines: ClientOutputLine[];
  /** 'running' until the client's program ends. */
  readonly state: ActorState;
  /** Set when the client failed: why. */
  readonly error?: string;
}

/** GET /preference/:key: where a key lives on the ring (the engine's own Ring computes it). */
export interface KeyPlacement {
  readonly key: string;
  /** The key's position: the first 32 bits of md5(key), as RingVnode.token. */
  readonly token: number;
  /** Its N primary replicas, in ring order. */
  readonly preferenceList: string[];
  /** The other nodes in the order the sloppy quorum (§4.6) takes them as fallbacks. */
  readonly fallbacks: string[];
}

/**
 * One second of client requests (the controller's KV client and every client actor here),
 * from their latency histograms: what the dashboard's performance view draws.
 */
export interface PerformanceSample {
  /** End of the second (ms since the epoch). */
  readonly atMs: number;
  readonly gets: number;
  readonly puts: number;
  /** Requests that failed (timeout, quorum failure) among them. */
  readonly failures: number;
  /** Latency percentiles in ms; null when no request of that kind ended in the second. */
  readonly getP50Ms: number | null;
  readonly getP99Ms: number | null;
  readonly putP50Ms: number | null;
  readonly putP99Ms: number | null;
}

/** The controller process itself, cumulative since it started (rates come from differences). */
export interface ProcessSample {
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export type JobState = 'running' | 'done' | 'failed';

/** A job started from the dashboard (POST /jobs): the job controller run inside this controller. */
export interface JobRun {
  readonly id: string;
  readonly state: JobState;
  /** The job controller's exit code once it ended (0 = every client succeeded). */
  readonly exitCode: number | null;
  readonly startedAtMs: number;
  /** What `dynamo job` would print, oldest first (bounded: the newest lines are kept). */
  readonly lines: string[];
}

/** What GET /events streams (server-sent events, one per `type`). */
export type ControllerEvent =
  | { readonly type: 'actor'; readonly actor: ActorStatus }
  /** Once a second while a stream is open; `stats` is null before a job placed anything here. */
  | { readonly type: 'stats'; readonly stats: ClusterStats | null; readonly process: ProcessSample; readonly atMs: number }
  | { readonly type: 'client-output'; readonly client: string; readonly line: ClientOutputLine }
  /** Once a second while a ring is hosted here. */
  | { readonly type: 'performance'; readonly sample: PerformanceSample }
  | { readonly type: 'job'; readonly job: Omit<JobRun, 'lines'> }
  | { readonly type: 'job-output'; readonly job: string; readonly line: string };

/** Chaos effects one unset_* endpoint removes. */
export type ChaosEffect = 'loss' | 'duplicate' | 'delayMs';

export interface ControllerService {
  status(): Promise<ControllerStatus>;
  startActor(spawn: ActorSpawn): Promise<ActorInfo>;
  stopActor(name: string): Promise<void>;
  stopAllActors(): Promise<void>;
  /** Adds or merges a chaos rule (the cluster's `chaos`). */
  chaos(rule: ChaosRule): Promise<void>;
  /** Removes `effects` from the rules `selector` picks, keeping their other effects. */
  clearChaos(selector: ChaosSelector, effects: readonly ChaosEffect[]): Promise<void>;
  ring(): Promise<RingView>;
  inspect(key: string): Promise<InspectEntry[]>;
  kvGet(key: string, options: KvReadOptions): Promise<KvReadResult>;
  kvPut(key: string, value: unknown, options: KvWriteOptions): Promise<KvWriteResult>;
  kvDelete(key: string, options: KvWriteOptions): Promise<KvWriteResult>;
  /** The hosted cluster's stats, or null when no job placed anything here yet. */
  stats(): Promise<ClusterStats | null>;
  clientOutput(name: string, fromSeq: number): Promise<ClientOutput>;
  /** Cuts the listed groups of nodes off from each other (unlisted nodes form one more group). */
  partition(groups: readonly (readonly string[])[]): Promise<void>;
  /** Ends every partition. */
  heal(): Promise<void>;
  /** Where `key` lives on the ring. */
  preference(key: string): Promise<KeyPlacement>;
  /** The last samples (up to 300 s), oldest first; empty before a job placed anything here. */
  performance(): Promise<PerformanceSample[]>;
  /** Starts a job from a job file's text; rejects INVALID_ARGUMENT naming file:line:col when it does not parse, or when a job started here still runs. */
  submitJob(toml: string): Promise<Omit<JobRun, 'lines'>>;
  /** Jobs started here (the newest 10), oldest first. */
  jobs(): Promise<JobRun[]>;
  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: (event: ControllerEvent) => void): () => void;
}
