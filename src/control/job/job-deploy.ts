/**
 * Placing a job on its node controllers: every controller is asked first (it answers, and
 * runs no other job), then the Dynamo nodes are started, the controllers' links are given
 * time to connect, and the clients go last. Each /start_actor body is Reactor's, and its
 * payload is the placement entry's fields plus the `cluster` block that says where every node
 * and client runs and carries the job's secret (src/control/deployment.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ClusterDeployment } from '../deployment.js';
import type { ActorSpawn } from '../service.js';
import { ControllerCallError, type ControllerClient } from './controller-client.js';
import type { ClientPlan, JobPlan } from './job-plan.js';

/** How long the controllers' TCP links get to connect before the clients start. */
export const LINKS_TIMEOUT_MS = 10_000;
const LINKS_POLL_MS = 50;

export interface Deployed {
  readonly clusterId: string;
  /** The /start_actor body of every actor, by actor name (a restart places it again). */
  readonly spawns: ReadonlyMap<string, ActorSpawn>;
}

/** A job id, made before deploying so that a deployment cut short can be undone by it. */
export function newJobId(): string {
  return `job-${randomUUID()}`;
}

/**
 * Places the job; `placed` collects the controllers that took an actor, so that a
 * deployment cut short is undone there (and only there).
 */
export async function deployJob(plan: JobPlan, jobId: string, controllers: ReadonlyMap<string, ControllerClient>, placed: Set<string>, print: (line: string) => void): Promise<Deployed> {
  const peerPorts = new Map<string, number>();
  for (const [name, client] of controllers) {
    const status = await client.status();
    if (status.cluster !== null) throw new ControllerCallError(`controller ${name} already runs cluster ${status.cluster}; POST /stop_all_actors there first`);
    peerPorts.set(name, status.peer_port);
  }
  const base = {
    id: jobId,
    secret: randomBytes(32).toString('base64url'),
    controllers: plan.controllers.map((c) => ({ name: c.name, host: c.connectHost, peerPort: peerPorts.get(c.name) ?? 0 })),
    placement: Object.fromEntries(plan.dynamoNodes.map((node) => [node.nodeId, node.controller])),
    clients: Object.fromEntries(plan.clients.map((client) => [client.clientId, client.controller])),
    ring: { ...plan.ring, nodes: [...plan.ring.nodes] },
  };
  const cluster = (controller: string): ClusterDeployment => ({ ...base, controller });
  const spawns = new Map<string, ActorSpawn>();
  const lib = (op: string): string => plan.libNames[op] ?? 'dynamo_new';
  for (const node of plan.dynamoNodes) {
    const { n, w, r, vnodes } = plan.ring;
    const spawn: ActorSpawn = {
      actor_name: node.actorName,
      operator_name: 'dynamo_node',
      lib_name: lib('dynamo_node'),
      payload: { node_id: node.nodeId, nodes: [...plan.ring.nodes], N: n, W: w, R: r, T: vnodes, cluster: cluster(node.controller) },
    };
    placed.add(node.controller);
    await controllerOf(controllers, node.controller).startActor(spawn);
    spawns.set(node.actorName, spawn);
    print(`placed ${node.actorName} (node ${node.nodeId}) on ${node.controller}`);
  }
  await waitForLinks(plan, controllers);
  for (const client of plan.clients) {
    const spawn = clientSpawn(client, lib(operatorOf(client)), cluster(client.controller));
    placed.add(client.controller);
    await controllerOf(controllers, client.controller).startActor(spawn);
    spawns.set(client.actorName, spawn);
    print(`placed ${client.actorName} (${operatorOf(client)}) on ${client.controller}`);
  }
  return { clusterId: base.id, spawns };
}

export function operatorOf(client: ClientPlan): string {
  return client.kind === 'script' ? 'dynamo_client' : client.kind === 'cart' ? 'dynamo_cart_client' : 'dynamo_bench_client';
}

function clientSpawn(client: ClientPlan, libName: string, cluster: ClusterDeployment): ActorSpawn {
  const program = client.kind === 'bench' ? { num_ops: client.numOps } : { script: client.script };
  return {
    actor_name: client.actorName,
    operator_name: operatorOf(client),
    lib_name: libName,
    payload: { client_id: client.clientId, nodes: [...client.nodes], ...program, cluster },
  };
}

function controllerOf(controllers: ReadonlyMap<string, ControllerClient>, name: string): ControllerClient {
  const client = controllers.get(name);
  if (!client) throw new ControllerCallError(`no controller ${name} in the job`);
  return client;
}

/**
 * Every controller hosting nodes is connected to every other that does. (A controller that
 * hosts only clients joins when its first client is placed, and waits for its own links
 * before that client starts: src/control/node-controller.ts.)
 */
async function waitForLinks(plan: JobPlan, controllers: ReadonlyMap<string, ControllerClient>): Promise<void> {
  const used = new Set(plan.dynamoNodes.map((n) => n.controller));
  if (used.size < 2) return;
  const deadline = performance.now() + LINKS_TIMEOUT_MS;
  for (;;) {
    const missing: string[] = [];
    for (const name of used) {
      const status = await controllerOf(controllers, name).status();
      for (const other of used) if (other !== name && !status.peers_connected.includes(other)) missing.push(`${name}-${other}`);
    }
    if (missing.length === 0) return;
    if (performance.now() > deadline) throw new ControllerCallError(`controllers did not connect to each other within ${LINKS_TIMEOUT_MS} ms: ${missing.join(', ')} (can each reach the others' peer port?)`);
    await new Promise((resolve) => setTimeout(resolve, LINKS_POLL_MS));
  }
}
