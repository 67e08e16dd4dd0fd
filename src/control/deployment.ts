/**
 * The /start_actor payloads a node controller accepts, checked with messages that name the
 * field: a Dynamo node's placement entry (node_id, nodes, N, W, R, T), a client's (client_id,
 * nodes, and its program's arguments), and the `cluster` block `dynamo job` adds to say where
 * every node runs and how controllers reach and trust each other. Without that block (the
 * seed's own job controller sends none) everything is placed on this one controller.
 */
import { z } from 'zod';
import { invalidArgument } from '../api/errors.js';

const name = z.string().min(1).max(128);

const clusterSchema = z.strictObject({
  /** The same on every controller of the job. */
  id: name,
  /** Controllers prove it to each other (src/control/links/handshake.ts). */
  secret: z.string().min(16).max(1024),
  /** This controller's name in the job. */
  controller: name,
  controllers: z.array(z.strictObject({ name, host: z.string().min(1).max(255), peerPort: z.number().int().min(1).max(65535) })).min(1).max(64),
  /** Dynamo node id to the name of the controller that hosts it. */
  placement: z.record(name, name),
  /** Client id of every client actor of the job to the controller that hosts it (routes replies; chaos rules may name them). */
  clients: z.record(name, name).default({}),
  /** The ring, so that a controller hosting only clients knows it too. */
  ring: z.strictObject({
    nodes: z.array(name).min(1).max(256),
    n: z.number().int().min(1),
    w: z.number().int().min(1),
    r: z.number().int().min(1),
    vnodes: z.number().int().min(1).max(1024),
  }),
});

const ringFields = {
  node_id: name.optional(),
  nodes: z.array(name).min(1).max(256),
  N: z.number().int().min(1).optional(),
  W: z.number().int().min(1).optional(),
  R: z.number().int().min(1).optional(),
  T: z.number().int().min(1).max(1024).optional(),
};

const nodePayload = z.looseObject({ ...ringFields, node_id: name, N: z.number().int().min(1), W: z.number().int().min(1), R: z.number().int().min(1), T: z.number().int().min(1).max(1024), cluster: clusterSchema.optional() });

const clientPayload = z.looseObject({ client_id: name, nodes: z.array(name).min(1).max(256), cluster: clusterSchema.optional() });

export type ClusterDeployment = z.infer<typeof clusterSchema>;

export interface RingSpec {
  readonly nodes: readonly string[];
  readonly n: number;
  readonly w: number;
  readonly r: number;
  readonly vnodes: number;
}

export interface NodeSpawn {
  readonly nodeId: string;
  readonly ring: RingSpec;
  readonly cluster: ClusterDeployment | undefined;
}

export interface ClientSpawn {
  readonly clientId: string;
  readonly nodes: readonly string[];
  readonly cluster: ClusterDeployment | undefined;
  /** The rest of the payload: the program's arguments (script, num_ops). */
  readonly payload: Record<string, unknown>;
}

export function parseNodeSpawn(actorName: string, payload: unknown): NodeSpawn {
  const parsed = check(actorName, nodePayload, payload);
  if (!parsed.nodes.includes(parsed.node_id)) throw invalidArgument(`${actorName}: payload.nodes must list its own node_id ${parsed.node_id}`);
  if (parsed.N > parsed.nodes.length) throw invalidArgument(`${actorName}: payload.N (${parsed.N}) is above the ring's node count (${parsed.nodes.length})`);
  if (parsed.W > parsed.N || parsed.R > parsed.N) throw invalidArgument(`${actorName}: payload.W and payload.R must be at most N (${parsed.N})`);
  const ring = { nodes: [...new Set(parsed.nodes)], n: parsed.N, w: parsed.W, r: parsed.R, vnodes: parsed.T };
  if (parsed.cluster && !sameRing(ring, parsed.cluster.ring)) throw invalidArgument(`${actorName}: payload's nodes, N, W, R and T differ from payload.cluster.ring`);
  return { nodeId: parsed.node_id, ring, cluster: parsed.cluster };
}

export function parseClientSpawn(actorName: string, payload: unknown): ClientSpawn {
  const parsed = check(actorName, clientPayload, payload);
  const { client_id: clientId, nodes, cluster, ...rest } = parsed;
  return { clientId, nodes: [...new Set(nodes)], cluster, payload: rest };
}

/** Same nodes (in any order) and the same N, W, R and T. */
export function sameRing(a: RingSpec, b: RingSpec): boolean {
  const nodes = (spec: RingSpec): string => [...new Set(spec.nodes)].sort().join('\u0000');
  return nodes(a) === nodes(b) && a.n === b.n && a.w === b.w && a.r === b.r && a.vnodes === b.vnodes;
}

function check<T>(actorName: string, schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? `payload.${issue.path.join('.')}` : 'payload';
  throw invalidArgument(`${actorName}: ${path}: ${issue?.message ?? 'invalid'}`);
}
