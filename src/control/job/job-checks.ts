/**
 * The checks across placement entries: names unique where the network needs them unique,
 * one ring that every Dynamo node agrees on and that names exactly the nodes placed, clients
 * that talk to ring nodes, and chaos that delays messages from actors that exist.
 */
import type { ClientEntry, NodeEntry } from './job-entries.js';
import { describeValue, fieldProblem, JobProblem } from './job-error.js';
import type { ChaosPlan, RingPlan } from './job-plan.js';

/** Runs every check across entries (in file order) and returns the ring they agree on. */
export function checkAcrossEntries(entries: readonly (NodeEntry | ClientEntry)[], globalChaos: ChaosPlan | undefined): RingPlan {
  checkUniqueNames(entries);
  const nodes = entries.filter((entry): entry is NodeEntry => 'node' in entry);
  const first = nodes[0];
  if (first === undefined) throw new JobProblem('placement: no [[placement.dynamo_node]] entry; a job needs at least one Dynamo node');
  for (const entry of nodes.slice(1)) checkSameRing(entry, first);
  const ring = first.ring;
  for (const entry of nodes) {
    if (!ring.nodes.includes(entry.node.nodeId)) {
      throw fieldProblem(entry.where, 'node_id', `${describeValue(entry.node.nodeId)} is not on the ring; "nodes" lists ${ring.nodes.join(', ')}`);
    }
  }
  for (const id of ring.nodes) {
    if (!nodes.some((entry) => entry.node.nodeId === id)) {
      throw fieldProblem(first.where, 'nodes', `${describeValue(id)} is on the ring but no [[placement.dynamo_node]] has node_id = ${describeValue(id)}`);
    }
  }
  for (const entry of entries) {
    if ('client' in entry) {
      const unknown = entry.client.nodes.find((id) => !ring.nodes.includes(id));
      if (unknown !== undefined) throw fieldProblem(entry.where, 'nodes', `unknown Dynamo node ${describeValue(unknown)}`);
    }
  }
  checkSenders(entries, globalChaos);
  return ring;
}

/**
 * Actor names are how controllers and the job address actors, and node and client ids are
 * how messages address endpoints: a name used twice would make one of them unreachable.
 */
function checkUniqueNames(entries: readonly (NodeEntry | ClientEntry)[]): void {
  const actors = new Map<string, string>();
  const endpoints = new Map<string, string>();
  for (const entry of entries) {
    const actorName = 'node' in entry ? entry.node.actorName : entry.client.actorName;
    const owner = actors.get(actorName);
    if (owner !== undefined) throw fieldProblem(entry.where, 'actor_name', `${describeValue(actorName)} is already the actor_name of ${owner}`);
    actors.set(actorName, entry.where);
    const [field, id] = 'node' in entry ? ['node_id', entry.node.nodeId] : ['client_id', entry.client.clientId];
    const holder = endpoints.get(id);
    if (holder !== undefined) throw fieldProblem(entry.where, field, `${describeValue(id)} is already taken by ${holder}; node ids and client ids share one namespace`);
    endpoints.set(id, `the ${field} of ${entry.where}`);
  }
}

/** Every dynamo_node entry must describe the same ring; the message names the first field that differs. */
function checkSameRing(entry: NodeEntry, first: NodeEntry): void {
  const mine = entry.ring;
  const theirs = first.ring;
  const differs = (field: string, value: string, other: string): JobProblem =>
    fieldProblem(entry.where, field, `${value} differs from ${other} in ${first.where}; every dynamo_node must give the same nodes, N, W, R and T`);
  const sameSet = mine.nodes.length === theirs.nodes.length && mine.nodes.every((id) => theirs.nodes.includes(id));
  if (!sameSet) throw differs('nodes', `[${mine.nodes.join(', ')}]`, `[${theirs.nodes.join(', ')}]`);
  const numbers = [['N', 'n'], ['W', 'w'], ['R', 'r'], ['T', 'vnodes']] as const;
  for (const [field, key] of numbers) {
    if (mine[key] !== theirs[key]) throw differs(field, String(mine[key]), String(theirs[key]));
  }
}

/** msg_delay senders must be actors of this job; [global_chaos] is checked once, as itself. */
function checkSenders(entries: readonly (NodeEntry | ClientEntry)[], globalChaos: ChaosPlan | undefined): void {
  const actors = entries.map((entry) => ('node' in entry ? entry.node.actorName : entry.client.actorName));
  const check = (chaos: ChaosPlan, where: string, field: string): void => {
    const unknown = chaos.delay?.senders.find((sender) => !actors.includes(sender));
    if (unknown !== undefined) throw fieldProblem(where, field, `unknown actor ${describeValue(unknown)}; the job's actors are ${actors.join(', ')}`);
  };
  if (globalChaos !== undefined) check(globalChaos, '[global_chaos]', 'msg_delay.senders');
  for (const entry of entries) {
    const chaos = 'node' in entry ? entry.node.chaos : entry.client.chaos;
    // An entry without chaos of its own holds the very [global_chaos] object, checked above.
    if (chaos !== globalChaos) check(chaos, entry.where, 'chaos.msg_delay.senders');
  }
}
