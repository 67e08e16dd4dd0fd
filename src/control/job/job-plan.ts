/**
 * What a job file asks for, checked: the node controllers, the ring, the Dynamo nodes and the
 * client programs, each with its controller and its chaos. `dynamo job` deploys a JobPlan; it
 * never looks at the TOML again.
 */

/** The operators this engine can place, as Reactor's [[ops]] name them. */
export const KNOWN_OPS = ['dynamo_node', 'dynamo_client', 'dynamo_cart_client', 'dynamo_bench_client'] as const;
export type KnownOp = (typeof KNOWN_OPS)[number];

export function isKnownOp(name: string): name is KnownOp {
  return (KNOWN_OPS as readonly string[]).includes(name);
}

/** One [[nodes]] entry: a node controller (`dynamo node --port P`). */
export interface ControllerPlan {
  readonly name: string;
  /** As written in the file; `0.0.0.0` is Reactor's way of saying "this machine". */
  readonly hostname: string;
  /** Where `dynamo job` connects to reach the controller. */
  readonly connectHost: string;
  readonly port: number;
}

export interface RingPlan {
  /** The node ids on the ring, in the order the first dynamo_node entry lists them. */
  readonly nodes: readonly string[];
  readonly n: number;
  readonly w: number;
  readonly r: number;
  /** Virtual nodes per node (the seed's `T`). */
  readonly vnodes: number;
}

/**
 * Reactor's chaos of one actor, times in ms from the start of the job. A loss, duplication or
 * delay window lasts from `startMs` until `stopMs`, or to the end of the job without one.
 */
export interface ChaosPlan {
  readonly crash?: { readonly crashMs: number; readonly restartMs?: number };
  readonly loss?: { readonly startMs: number; readonly stopMs?: number; readonly probability: number };
  readonly duplication?: { readonly startMs: number; readonly stopMs?: number; readonly probability: number; readonly factor: number };
  /** `senders` are actor names; none means every message the actor receives is delayed. */
  readonly delay?: { readonly startMs: number; readonly stopMs?: number; readonly delayMs: readonly [number, number]; readonly senders: readonly string[] };
}

export interface DynamoNodePlan {
  readonly actorName: string;
  /** The node's name on the ring and on the network. */
  readonly nodeId: string;
  /** The [[nodes]] name of the controller hosting it. */
  readonly controller: string;
  readonly chaos: ChaosPlan;
}

export type ScriptOp =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'delete'; readonly key: string };

export type CartOp =
  | { readonly op: 'add' | 'remove'; readonly cart: string; readonly sku: string; readonly qty: number }
  | { readonly op: 'get'; readonly cart: string };

/** What every client entry has. */
export interface ClientBase {
  readonly actorName: string;
  /** The client's name on the network; also its actor id in the carts it changes. */
  readonly clientId: string;
  readonly controller: string;
  /** The ring nodes the client sends its requests to. */
  readonly nodes: readonly string[];
  readonly chaos: ChaosPlan;
}

/** What a client runs: a key-value script, a cart script, or the bench's mix of operations. */
export type ClientProgram =
  | { readonly kind: 'script'; readonly script: readonly ScriptOp[] }
  | { readonly kind: 'cart'; readonly script: readonly CartOp[] }
  | { readonly kind: 'bench'; readonly numOps: number };

export type ClientPlan = ClientBase & ClientProgram;

export interface JobPlan {
  readonly controllers: readonly ControllerPlan[];
  readonly ring: RingPlan;
  readonly dynamoNodes: readonly DynamoNodePlan[];
  readonly clients: readonly ClientPlan[];
  /**
   * The `lib_name` each [[ops]] entry gave, by op. Reactor loads a shared library by it; we
   * have none to load, but /start_actor carries it, so the plan keeps it to pass along.
   */
  readonly libNames: Readonly<Record<string, string>>;
}

/** What the seed's client does when its entry has no script. */
export const DEMO_SCRIPT: readonly ScriptOp[] = [
  { op: 'put', key: 'user:1', value: 'Alice' },
  { op: 'get', key: 'user:1' },
  { op: 'put', key: 'user:1', value: 'Alice_Updated' },
  { op: 'get', key: 'user:1' },
];
