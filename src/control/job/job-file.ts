/**
 * Reads a job file in the seed's format (Reactor's job controller TOML: [[ops]], [[nodes]],
 * [placement], and Reactor's chaos blocks) into a checked JobPlan. Every refusal is a
 * JobFileError whose message is one line naming the file and the line and column, or the
 * entry and field, at fault.
 */
import { parse, TomlError } from 'smol-toml';
import { EntryReader, isName, isTable, type Table } from './entry-reader.js';
import { checkAcrossEntries } from './job-checks.js';
import { readGlobalChaos } from './job-chaos.js';
import { entryName, placementName, readEntry, type ClientEntry, type NodeEntry } from './job-entries.js';
import { describeValue, JobFileError, JobFileErrorCode, JobProblem } from './job-error.js';
import { isKnownOp, KNOWN_OPS, type ControllerPlan, type JobPlan, type KnownOp } from './job-plan.js';

export { JobFileError, JobFileErrorCode } from './job-error.js';
export { DEMO_SCRIPT, KNOWN_OPS } from './job-plan.js';
export type * from './job-plan.js';

const TOP_LEVEL = ['ops', 'nodes', 'placement', 'global_chaos'];

/** Parses and checks a job file; `fileName` is only used to name the file in messages. */
export function parseJobFile(text: string, fileName: string): JobPlan {
  const document = parseToml(text, fileName);
  try {
    return readJob(document);
  } catch (error) {
    if (error instanceof JobProblem) throw new JobFileError(JobFileErrorCode.Invalid, fileName, oneLine(`${fileName}: ${error.message}`), undefined, { cause: error });
    throw error;
  }
}

function parseToml(text: string, fileName: string): Table {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml's message is a headline and a code excerpt over several lines; the headline is what a person needs.
      const headline = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      const message = oneLine(`${fileName}:${error.line}:${error.column}: TOML syntax error: ${headline}`);
      throw new JobFileError(JobFileErrorCode.Syntax, fileName, message, { line: error.line, column: error.column }, { cause: error });
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new JobFileError(JobFileErrorCode.Syntax, fileName, oneLine(`${fileName}: TOML syntax error: ${detail}`), undefined, { cause: error });
  }
}

/**
 * The last guard of the one-line promise: names in messages are checked names or quoted, but a
 * file name or a key of a wrong kind could still carry a line break.
 */
function oneLine(message: string): string {
  return message.replace(/[\r\n]+/g, ' ');
}

function readJob(document: Table): JobPlan {
  const unknown = Object.keys(document).find((key) => !TOP_LEVEL.includes(key));
  if (unknown !== undefined) throw new JobProblem(`unknown top-level key "${unknown}"; a job file has ${TOP_LEVEL.join(', ')}`);
  const libNames = readOps(tableList(document, 'ops'));
  const controllers = readControllers(tableList(document, 'nodes'));
  const globalChaos = readGlobalChaos(document.global_chaos);
  const placement = document.placement;
  if (placement === undefined) throw new JobProblem('missing [placement]: a job must place at least one dynamo_node');
  if (!isTable(placement)) throw new JobProblem(`[placement]: expected a table, got ${describeValue(placement)}`);

  const context = { controllers: controllers.map((c) => c.name), globalChaos };
  const entries: (NodeEntry | ClientEntry)[] = [];
  for (const [op, list] of Object.entries(placement)) {
    const placed = checkPlacedOp(op, list, libNames);
    placed.list.forEach((raw, index) => entries.push(readEntry(placed.op, index, raw, context)));
  }
  const ring = checkAcrossEntries(entries, globalChaos);
  return {
    controllers,
    ring,
    dynamoNodes: entries.flatMap((entry) => ('node' in entry ? [entry.node] : [])),
    clients: entries.flatMap((entry) => ('client' in entry ? [entry.client] : [])),
    libNames: Object.fromEntries(libNames),
  };
}

/** A top-level array of tables such as [[nodes]]; at least one entry. */
function tableList(document: Table, key: 'ops' | 'nodes'): Table[] {
  const list = document[key];
  if (list === undefined) throw new JobProblem(`missing [[${key}]]: a job needs at least one`);
  if (!Array.isArray(list)) throw new JobProblem(`${key}: expected [[${key}]] tables, got ${describeValue(list)}`);
  if (list.length === 0) throw new JobProblem(`${key}: the list is empty; a job needs at least one [[${key}]] entry`);
  return list.map((item: unknown, index) => {
    if (!isTable(item)) throw new JobProblem(`${key}[${index}]: expected a table, got ${describeValue(item)}`);
    return item;
  });
}

/** [[ops]]: each op once, each one this engine knows; returns each op's lib_name. */
function readOps(ops: Table[]): Map<string, string> {
  const libNames = new Map<string, string>();
  ops.forEach((table, index) => {
    const where = `ops[${index}]${isName(table.name) ? ` (${table.name})` : ''}`;
    // lib_name is Reactor's bookkeeping (which shared library holds the op): checked, kept, not used.
    const op = new EntryReader(where, table, ['name', 'lib_name']);
    const name = op.string('name');
    if (!isKnownOp(name)) throw op.problem('name', `unknown op ${describeValue(name)}; this engine places ${KNOWN_OPS.join(', ')}`);
    if (libNames.has(name)) throw op.problem('name', `${describeValue(name)} is declared twice`);
    libNames.set(name, op.string('lib_name'));
  });
  return libNames;
}

/** [[nodes]]: the node controllers, each name once. */
function readControllers(nodes: Table[]): ControllerPlan[] {
  const controllers: ControllerPlan[] = [];
  nodes.forEach((table, index) => {
    const where = `nodes[${index}]${isName(table.name) ? ` (${table.name})` : ''}`;
    const node = new EntryReader(where, table, ['name', 'hostname', 'port']);
    const name = node.name('name');
    const twin = controllers.findIndex((c) => c.name === name);
    if (twin >= 0) throw node.problem('name', `${describeValue(name)} is already the name of nodes[${twin}]`);
    const hostname = node.name('hostname');
    controllers.push({ name, hostname, connectHost: connectHostFor(hostname), port: node.integer('port', 1, 65535) });
  });
  return controllers;
}

/**
 * Where to connect to a controller the file lists by the address it listens on. Reactor's
 * files say `0.0.0.0` (every interface of this machine); that is no address to connect to,
 * so we connect to this machine's loopback, 127.0.0.1, instead (and `::1` for `::`).
 */
export function connectHostFor(hostname: string): string {
  if (hostname === '0.0.0.0') return '127.0.0.1';
  if (hostname === '::' || hostname === '[::]') return '::1';
  return hostname;
}

/** A placement key must be an op of [[ops]] and its value a list of entries. */
function checkPlacedOp(op: string, list: unknown, libNames: ReadonlyMap<string, string>): { op: KnownOp; list: unknown[] } {
  if (!Array.isArray(list)) throw new JobProblem(`${placementName(op)}: expected [[...]] tables, got ${describeValue(list)}`);
  if (!libNames.has(op)) {
    const declared = `(the job defines ${[...libNames.keys()].join(', ')})`;
    const where = entryName(op, 0, list[0]);
    if (isKnownOp(op)) throw new JobProblem(`${where}: op ${describeValue(op)} is not declared in [[ops]] ${declared}`);
    throw new JobProblem(`${where}: unknown op ${describeValue(op)} ${declared}`);
  }
  // readOps let only known ops into libNames; the guard just tells the compiler so.
  if (!isKnownOp(op)) throw new Error(`internal: op ${op} declared but unknown`);
  return { op, list };
}
