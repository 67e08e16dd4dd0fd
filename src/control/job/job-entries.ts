/**
 * One placement entry (`[[placement.<op>]]`) read on its own: its fields, their types and
 * bounds, and the checks that need nothing but the entry (W and R within N, N within the
 * entry's ring). Checks across entries are in job-checks.ts.
 */
import { MAX_NODES } from '../../api/options.js';
import { EntryReader, isName, isTable } from './entry-reader.js';
import { readEntryChaos } from './job-chaos.js';
import { describeValue, JobProblem } from './job-error.js';
import type { ChaosPlan, ClientPlan, ClientProgram, DynamoNodePlan, KnownOp, RingPlan } from './job-plan.js';
import { DEMO_SCRIPT } from './job-plan.js';
import { readCartScript, readKvScript } from './job-scripts.js';

/** Virtual nodes per node: the seed uses 10; past 1024 a count is surely a typo, and rings grow as nodes times T. */
export const MAX_VNODES = 1024;
/** A bench client's operations: enough for any run that finishes today. */
export const MAX_BENCH_OPS = 10_000_000;

/** What every entry reading shares: the controllers the job names, and the global chaos. */
export interface EntryContext {
  /** The [[nodes]] names, in file order. */
  readonly controllers: readonly string[];
  /** [global_chaos], for entries without a chaos table of their own. */
  readonly globalChaos: ChaosPlan | undefined;
}

export interface NodeEntry {
  readonly where: string;
  readonly node: DynamoNodePlan;
  /** The ring as this entry describes it; every dynamo_node entry must agree. */
  readonly ring: RingPlan;
}

export interface ClientEntry {
  readonly where: string;
  readonly client: ClientPlan;
}

const NODE_FIELDS = ['nodename', 'actor_name', 'node_id', 'nodes', 'N', 'W', 'R', 'T', 'chaos'];
const CLIENT_FIELDS = ['nodename', 'actor_name', 'client_id', 'nodes', 'chaos'];

/**
 * How messages name entry `index` of `op`: `placement.dynamo_node[2] (nodeC)`. The actor
 * name is shown only when it is a valid one; an invalid one gets its own message.
 */
export function entryName(op: string, index: number, raw: unknown): string {
  const actor = isTable(raw) ? raw.actor_name : undefined;
  return `${placementName(op)}[${index}]${isName(actor) ? ` (${actor})` : ''}`;
}

/** `placement.<op>`, the key quoted when it is no plain name. */
export function placementName(op: string): string {
  return `placement.${isName(op) ? op : JSON.stringify(op)}`;
}

/** Reads entry `index` of the placement list of `op`. */
export function readEntry(op: KnownOp, index: number, raw: unknown, context: EntryContext): NodeEntry | ClientEntry {
  const where = entryName(op, index, raw);
  if (!isTable(raw)) throw new JobProblem(`${where}: expected a table, got ${describeValue(raw)}`);
  switch (op) {
    case 'dynamo_node':
      return readNode(new EntryReader(where, raw, NODE_FIELDS), context);
    case 'dynamo_client':
      return readClient(new EntryReader(where, raw, [...CLIENT_FIELDS, 'script']), context, (entry) => ({ kind: 'script', script: readKvScript(entry) ?? DEMO_SCRIPT }));
    case 'dynamo_cart_client':
      return readClient(new EntryReader(where, raw, [...CLIENT_FIELDS, 'script']), context, (entry) => ({ kind: 'cart', script: readCartScript(entry) }));
    case 'dynamo_bench_client':
      return readClient(new EntryReader(where, raw, [...CLIENT_FIELDS, 'num_ops']), context, (entry) => ({ kind: 'bench', numOps: entry.integer('num_ops', 1, MAX_BENCH_OPS) }));
  }
}

function readNode(entry: EntryReader, context: EntryContext): NodeEntry {
  const common = readCommon(entry, context);
  const nodeId = entry.name('node_id');
  const n = entry.integer('N', 1, MAX_NODES);
  if (n > common.nodes.length) throw entry.problem('N', `${n} is above the ring's node count (${common.nodes.length})`);
  const w = entry.integer('W', 1, MAX_NODES);
  if (w > n) throw entry.problem('W', `${w} is above N (${n})`);
  const r = entry.integer('R', 1, MAX_NODES);
  if (r > n) throw entry.problem('R', `${r} is above N (${n})`);
  const vnodes = entry.integer('T', 1, MAX_VNODES);
  return {
    where: entry.where,
    node: { actorName: common.actorName, nodeId, controller: common.controller, chaos: common.chaos },
    ring: { nodes: common.nodes, n, w, r, vnodes },
  };
}

function readClient(entry: EntryReader, context: EntryContext, program: (entry: EntryReader) => ClientProgram): ClientEntry {
  const common = readCommon(entry, context);
  const clientId = entry.name('client_id');
  const base = { actorName: common.actorName, clientId, controller: common.controller, nodes: common.nodes, chaos: common.chaos };
  return { where: entry.where, client: { ...base, ...program(entry) } };
}

/** The fields every entry has: where it runs, its name, its view of the ring, its chaos. */
function readCommon(entry: EntryReader, context: EntryContext): { actorName: string; controller: string; nodes: string[]; chaos: ChaosPlan } {
  const controller = entry.name('nodename');
  if (!context.controllers.includes(controller)) {
    throw entry.problem('nodename', `unknown node controller ${describeValue(controller)}; [[nodes]] names ${context.controllers.join(', ')}`);
  }
  const actorName = entry.name('actor_name');
  const nodes = entry.nameList('nodes');
  if (nodes.length === 0) throw entry.problem('nodes', 'the list is empty; name the ring\'s Dynamo nodes');
  if (nodes.length > MAX_NODES) throw entry.problem('nodes', `${nodes.length} nodes is more than the ${MAX_NODES} a cluster may have`);
  // An entry with a chaos table of its own, even an empty one, opts out of [global_chaos].
  const chaos = readEntryChaos(entry) ?? context.globalChaos ?? {};
  return { actorName, controller, nodes, chaos };
}
