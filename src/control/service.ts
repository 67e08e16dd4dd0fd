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

/** What GET /events streams (server-sent events, one per `type`). */
export type ControllerEvent =
  | { readonly type: 'actor'; readonly actor: ActorStatus }
  | { readonly type: 'stats'; readonly stats: ClusterStats; readonly atMs: number }
  | { readonly type: 'client-output'; readonly client: string; readonly line: ClientOutputLine };

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
  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: (event: ControllerEvent) => void): () => void;
}
