/**
 * Starting a client actor: its program by operator, its arguments checked (a /start_actor
 * may come from anyone, not only from `dynamo job`), and its worker wired to the switchboard.
 */
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import type { ChaosRule } from '../api/cluster.js';
import { invalidArgument } from '../api/errors.js';
import { ClientActor } from '../runtime/client-actor.js';
import { compiledSibling } from '../util/compiled-path.js';
import type { ClientSpawn } from './deployment.js';
import type { HostedRing } from './hosted-ring.js';
import { DEMO_SCRIPT } from './job/job-plan.js';

const text = z.string().min(1).max(1024);
const scriptOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('put'), key: text, value: z.string().max(1024 * 1024) }),
  z.strictObject({ op: z.literal('get'), key: text }),
  z.strictObject({ op: z.literal('delete'), key: text }),
]);
const cartOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), cart: text, sku: text, qty: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ op: z.literal('remove'), cart: text, sku: text, qty: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ op: z.literal('get'), cart: text }),
]);

interface Program {
  readonly file: string;
  readonly args: (payload: Record<string, unknown>) => unknown;
}

const PROGRAMS: Record<string, Program> = {
  dynamo_client: { file: './programs/script.js', args: (p) => ({ script: p.script === undefined ? DEMO_SCRIPT : z.array(scriptOp).max(100_000).parse(p.script) }) },
  dynamo_cart_client: { file: './programs/cart.js', args: (p) => ({ script: z.array(cartOp).max(100_000).parse(p.script) }) },
  dynamo_bench_client: { file: './programs/bench.js', args: (p) => ({ numOps: z.number().int().min(1).max(10_000_000).parse(p.num_ops) }) },
};

export const CLIENT_OPERATORS: readonly string[] = Object.keys(PROGRAMS);

export async function startClientActor(ring: HostedRing, operator: string, name: string, spawn: ClientSpawn, onLine: (text: string) => void): Promise<ClientActor> {
  const program = PROGRAMS[operator];
  if (!program) throw invalidArgument(`${name}: unknown client operator ${operator}`);
  const ringNodes = ring.deployment.ring.nodes;
  const stranger = spawn.nodes.find((id) => !ringNodes.includes(id));
  if (stranger !== undefined) throw invalidArgument(`${name}: payload.nodes names ${stranger}, which is not a node of the ring (${ringNodes.join(', ')})`);
  if (ringNodes.includes(spawn.clientId)) throw invalidArgument(`${name}: client_id ${spawn.clientId} is the id of a Dynamo node`);
  let args: unknown;
  try {
    args = program.args(spawn.payload);
  } catch (error) {
    const issue = error instanceof z.ZodError ? error.issues[0] : undefined;
    throw invalidArgument(`${name}: payload${issue ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? String(error)}`);
  }
  const placedOn = ring.deployment.clients[spawn.clientId];
  if (placedOn !== undefined && placedOn !== ring.deployment.controller) throw invalidArgument(`${name}: the job places client ${spawn.clientId} on controller ${placedOn}, not on this one (${ring.deployment.controller})`);
  const chaos = (await ring.cluster.stats()).chaos;
  const uplink = ring.switchboard.attach(spawn.clientId);
  try {
    return startWorker(ring, spawn, program, args, chaos, uplink, onLine);
  } catch (error) {
    ring.switchboard.detach(spawn.clientId);
    throw error;
  }
}

function startWorker(ring: HostedRing, spawn: ClientSpawn, program: Program, args: unknown, chaos: readonly ChaosRule[], uplink: MessagePort, onLine: (text: string) => void): ClientActor {
  return ClientActor.start(
    {
      clientId: spawn.clientId,
      programUrl: compiledSibling(import.meta.url, program.file).href,
      args,
      ring: ring.deployment.ring.nodes,
      reachable: spawn.nodes,
      tuning: ring.cluster.config,
      chaos,
    },
    uplink,
    onLine,
  );
}
