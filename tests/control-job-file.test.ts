/**
 * Job files: the seed's format reads into a checked plan, and every mistake is refused with
 * one line that names the file and either the line and column or the entry and field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_SCRIPT, JobFileError, parseJobFile, type JobPlan } from '../src/control/job/job-file.js';
import { BASE_JOB, edit, refusal } from './helpers/job-text.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const parseFile = (path: string): JobPlan => parseJobFile(read(path), path);

describe('job file - the seed and the examples', () => {
  it('job file - the seed basic_test.toml reads as five nodes, N3 W2 R2 T10 and the demo script', () => {
    const plan = parseFile('tests/fixtures/seed-basic_test.toml');
    expect(plan.controllers).toEqual([{ name: 'node1', hostname: '0.0.0.0', connectHost: '127.0.0.1', port: 3000 }]);
    expect(plan.ring).toEqual({ nodes: ['nodeA', 'nodeB', 'nodeC', 'nodeD', 'nodeE'], n: 3, w: 2, r: 2, vnodes: 10 });
    expect(plan.dynamoNodes.map((node) => [node.actorName, node.nodeId, node.controller])).toEqual(
      ['nodeA', 'nodeB', 'nodeC', 'nodeD', 'nodeE'].map((id) => [id, id, 'node1']),
    );
    expect(plan.clients).toEqual([
      { kind: 'script', actorName: 'client1', clientId: 'client1', controller: 'node1', nodes: plan.ring.nodes, script: DEMO_SCRIPT, chaos: {} },
    ]);
    expect(plan.libNames).toEqual({ dynamo_node: 'dynamo_new', dynamo_client: 'dynamo_new' });
  });

  it('job file - one-host.toml adds a cart client and a bench client of 1000 operations', () => {
    const plan = parseFile('examples/one-host.toml');
    expect(plan.dynamoNodes).toHaveLength(5);
    expect(plan.clients.map((client) => client.kind)).toEqual(['script', 'cart', 'bench']);
    const bench = plan.clients[2];
    expect(bench?.kind === 'bench' && bench.numOps).toBe(1000);
    const cart = plan.clients[1];
    expect(cart?.kind === 'cart' && cart.script[0]).toEqual({ op: 'add', cart: 'c1', sku: 'apple', qty: 2 });
  });

  it('job file - three-controllers.toml spreads six nodes two per controller, clients on different controllers', () => {
    const plan = parseFile('examples/three-controllers.toml');
    expect(plan.controllers.map((c) => `${c.connectHost}:${c.port}`)).toEqual(['127.0.0.1:3000', '127.0.0.1:3001', '127.0.0.1:3002']);
    expect(plan.dynamoNodes.map((node) => node.controller)).toEqual(['node1', 'node1', 'node2', 'node2', 'node3', 'node3']);
    expect(plan.clients.map((client) => [client.kind, client.controller])).toEqual([['script', 'node1'], ['cart', 'node3']]);
  });

  it('job file - chaos.toml carries loss, duplication, delay with senders, and a crash with restart', () => {
    const plan = parseFile('examples/chaos.toml');
    const chaos = Object.fromEntries(plan.dynamoNodes.map((node) => [node.nodeId, node.chaos]));
    expect(chaos.nodeA).toEqual({ loss: { startMs: 200, stopMs: 2000, probability: 0.2 } });
    expect(chaos.nodeC).toEqual({ duplication: { startMs: 0, stopMs: 3000, probability: 0.3, factor: 2 } });
    expect(chaos.nodeE).toEqual({ delay: { startMs: 500, stopMs: 2500, delayMs: [50, 200], senders: ['nodeA', 'client1'] } });
    expect(chaos.nodeF).toEqual({ crash: { crashMs: 1000, restartMs: 3000 } });
    expect(plan.clients.every((client) => client.kind !== 'bench' && client.script.length >= 30)).toBe(true);
  });

  it('job file - the ring may be listed in any order by each node; the first entry\'s order is kept', () => {
    const plan = parseJobFile(edit(BASE_JOB, '["nodeA", "nodeB", "nodeC"]', '["nodeC", "nodeA", "nodeB"]', 1), 'job.toml');
    expect(plan.ring.nodes).toEqual(['nodeA', 'nodeB', 'nodeC']);
    expect(plan.controllers[1]?.connectHost).toBe('node2.example');
  });
});

describe('job file - syntax errors', () => {
  it('job file - a TOML syntax error names the file, line and column in one line', () => {
    let caught: unknown;
    try {
      parseJobFile(edit(BASE_JOB, 'port = 3001', 'port = = 3001'), 'basic.toml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JobFileError);
    const error = caught as JobFileError;
    expect(error.code).toBe('JOB_FILE_SYNTAX');
    expect(error.position).toEqual({ line: 17, column: 8 });
    expect(error.message).toMatch(/^basic\.toml:17:8: TOML syntax error: \S.*$/);
  });

  it('job file - a key given twice is a syntax error at its second place', () => {
    expect(refusal(edit(BASE_JOB, '  T = 10\n', '  T = 10\n  T = 11\n'))).toBe('job.toml:29:3: TOML syntax error: trying to redefine an already defined table or value');
  });
});

describe('job file - the ring', () => {
  it('job file - N above the ring size names the entry and field', () => {
    expect(refusal(edit(BASE_JOB, 'N = 3', 'N = 4', 2))).toBe('job.toml: placement.dynamo_node[2] (nodeC): field "N": 4 is above the ring\'s node count (3)');
  });

  it('job file - W and R must lie within 1..N', () => {
    expect(refusal(edit(BASE_JOB, 'W = 2', 'W = 4'))).toBe('job.toml: placement.dynamo_node[0] (nodeA): field "W": 4 is above N (3)');
    expect(refusal(edit(BASE_JOB, 'R = 2', 'R = 0'))).toBe('job.toml: placement.dynamo_node[0] (nodeA): field "R": expected an integer from 1 to 256, got 0');
  });

  it('job file - T lies within 1..1024', () => {
    expect(refusal(edit(BASE_JOB, 'T = 10', 'T = 2000'))).toBe('job.toml: placement.dynamo_node[0] (nodeA): field "T": expected an integer from 1 to 1024, got 2000');
  });

  it('job file - nodes disagreeing on N, W, R, T or the ring are told which field differs', () => {
    expect(refusal(edit(BASE_JOB, 'W = 2', 'W = 1', 1))).toBe(
      'job.toml: placement.dynamo_node[1] (nodeB): field "W": 1 differs from 2 in placement.dynamo_node[0] (nodeA); every dynamo_node must give the same nodes, N, W, R and T',
    );
    expect(refusal(edit(BASE_JOB, 'T = 10', 'T = 5', 2))).toContain('placement.dynamo_node[2] (nodeC): field "T": 5 differs from 10');
    const ring = edit(edit(BASE_JOB, '["nodeA", "nodeB", "nodeC"]', '["nodeA", "nodeB"]', 2), 'N = 3', 'N = 2', 2);
    expect(refusal(ring)).toContain('placement.dynamo_node[2] (nodeC): field "nodes": [nodeA, nodeB] differs from [nodeA, nodeB, nodeC] in placement.dynamo_node[0] (nodeA)');
  });

  it('job file - every ring node is placed as a dynamo_node, and every dynamo_node is on the ring', () => {
    const ringWithD = BASE_JOB.replaceAll('["nodeA", "nodeB", "nodeC"]', '["nodeA", "nodeB", "nodeC", "nodeD"]');
    expect(refusal(ringWithD)).toBe('job.toml: placement.dynamo_node[0] (nodeA): field "nodes": "nodeD" is on the ring but no [[placement.dynamo_node]] has node_id = "nodeD"');
    expect(refusal(edit(BASE_JOB, 'node_id = "nodeC"', 'node_id = "nodeX"'))).toBe(
      'job.toml: placement.dynamo_node[2] (nodeC): field "node_id": "nodeX" is not on the ring; "nodes" lists nodeA, nodeB, nodeC',
    );
  });

  it('job file - a job without a dynamo_node is refused', () => {
    const clientOnly = `${BASE_JOB.slice(0, BASE_JOB.indexOf('  [[placement.dynamo_node]]'))}${BASE_JOB.slice(BASE_JOB.indexOf('  [[placement.dynamo_client]]'))}`;
    expect(refusal(clientOnly)).toBe(
      'job.toml: placement: no [[placement.dynamo_node]] entry; a job needs at least one Dynamo node',
    );
  });
});

describe('job file - names', () => {
  it('job file - a client naming a node off the ring', () => {
    expect(refusal(edit(BASE_JOB, '["nodeA", "nodeB", "nodeC"]', '["nodeA", "nodeZ"]', 3))).toBe('job.toml: placement.dynamo_client[0] (client1): field "nodes": unknown Dynamo node "nodeZ"');
  });

  it('job file - an entry on a controller [[nodes]] does not define', () => {
    expect(refusal(edit(BASE_JOB, 'nodename = "node1"', 'nodename = "node9"'))).toBe(
      'job.toml: placement.dynamo_node[0] (nodeA): field "nodename": unknown node controller "node9"; [[nodes]] names node1, node2',
    );
  });

  it('job file - a placement of an op [[ops]] does not declare, known or not', () => {
    const widget = `${BASE_JOB}\n  [[placement.widget]]\n  nodename = "node1"\n`;
    expect(refusal(widget)).toBe('job.toml: placement.widget[0]: unknown op "widget" (the job defines dynamo_node, dynamo_client)');
    const bench = `${BASE_JOB}\n  [[placement.dynamo_bench_client]]\n  actor_name = "b1"\n`;
    expect(refusal(bench)).toBe('job.toml: placement.dynamo_bench_client[0] (b1): op "dynamo_bench_client" is not declared in [[ops]] (the job defines dynamo_node, dynamo_client)');
    expect(refusal(edit(BASE_JOB, 'name = "dynamo_client"', 'name = "widget"'))).toBe(
      'job.toml: ops[1] (widget): field "name": unknown op "widget"; this engine places dynamo_node, dynamo_client, dynamo_cart_client, dynamo_bench_client',
    );
  });

  it('job file - actor names, node ids and client ids are unique', () => {
    expect(refusal(edit(BASE_JOB, 'actor_name = "nodeB"', 'actor_name = "nodeA"'))).toBe(
      'job.toml: placement.dynamo_node[1] (nodeA): field "actor_name": "nodeA" is already the actor_name of placement.dynamo_node[0] (nodeA)',
    );
    expect(refusal(edit(BASE_JOB, 'client_id = "client1"', 'client_id = "nodeB"'))).toBe(
      'job.toml: placement.dynamo_client[0] (client1): field "client_id": "nodeB" is already taken by the node_id of placement.dynamo_node[1] (nodeB); node ids and client ids share one namespace',
    );
  });

  it('job file - [[nodes]]: unique names, a port in 1..65535, a hostname string', () => {
    expect(refusal(edit(BASE_JOB, 'name = "node2"', 'name = "node1"'))).toBe('job.toml: nodes[1] (node1): field "name": "node1" is already the name of nodes[0]');
    expect(refusal(edit(BASE_JOB, 'port = 3001', 'port = 70000'))).toBe('job.toml: nodes[1] (node2): field "port": expected an integer from 1 to 65535, got 70000');
    expect(refusal(edit(BASE_JOB, 'hostname = "node2.example"', 'hostname = 10'))).toBe('job.toml: nodes[1] (node2): field "hostname": expected a name (1 to 128 characters, no spaces), got 10');
  });
});

describe('job file - fields', () => {
  it('job file - a missing field and an unknown one are named', () => {
    expect(refusal(edit(BASE_JOB, '  node_id = "nodeB"\n', ''))).toBe('job.toml: placement.dynamo_node[1] (nodeB): field "node_id": missing; expected a name (1 to 128 characters, no spaces)');
    expect(refusal(edit(BASE_JOB, '  T = 10\n', '  T = 10\n  Q = 1\n'))).toBe(
      'job.toml: placement.dynamo_node[0] (nodeA): unknown field "Q"; expected nodename, actor_name, node_id, nodes, N, W, R, T, chaos',
    );
    expect(refusal(`nodes = []\n${BASE_JOB.slice(BASE_JOB.indexOf('[placement]'))}`)).toBe('job.toml: missing [[ops]]: a job needs at least one');
    expect(refusal(`ops = []\n${BASE_JOB.slice(BASE_JOB.indexOf('[placement]'))}`)).toBe('job.toml: ops: the list is empty; a job needs at least one [[ops]] entry');
    expect(refusal(`${BASE_JOB}\n[extra]\n`)).toBe('job.toml: unknown top-level key "extra"; a job file has ops, nodes, placement, global_chaos');
  });

  it('job file - Reactor\'s lib_name is accepted and kept, not required to mean anything', () => {
    expect(parseJobFile(edit(BASE_JOB, 'lib_name = "dynamo_new"', 'lib_name = "other_lib"'), 'job.toml').libNames.dynamo_node).toBe('other_lib');
  });

  it('job file - script steps need what their op needs', () => {
    const withScript = (script: string): string => `${BASE_JOB}  script = [ ${script} ]\n`;
    expect(refusal(withScript('{ op = "put", key = "k" }'))).toBe('job.toml: placement.dynamo_client[0] (client1): field "script[0].value": missing; a put needs a string value');
    expect(refusal(withScript('{ op = "get", key = "k" }, { op = "put", key = "k", value = 5 }'))).toBe(
      'job.toml: placement.dynamo_client[0] (client1): field "script[1].value": expected a string, got 5',
    );
    expect(refusal(withScript('{ op = "delete" }'))).toBe('job.toml: placement.dynamo_client[0] (client1): field "script[0].key": missing; expected a non-empty string');
    expect(refusal(withScript('{ op = "scan", key = "k" }'))).toBe('job.toml: placement.dynamo_client[0] (client1): field "script[0].op": expected one of put, get, delete, got "scan"');
    expect(refusal(withScript('{ op = "get", key = "k", value = "v" }'))).toBe(
      'job.toml: placement.dynamo_client[0] (client1): unknown field "script[0].value"; expected script[0].op, script[0].key',
    );
    expect(parseJobFile(withScript('{ op = "put", key = "k", value = "" }'), 'job.toml').clients[0]).toMatchObject({ script: [{ op: 'put', key: 'k', value: '' }] });
  });

  it('job file - cart steps need a cart, and add and remove a sku and a positive integer qty', () => {
    const cart = (script: string | undefined): string =>
      `${edit(BASE_JOB, '[[nodes]]', '[[ops]]\nname = "dynamo_cart_client"\nlib_name = "dynamo_new"\n\n[[nodes]]')}
  [[placement.dynamo_cart_client]]
  nodename = "node1"
  actor_name = "cart1"
  client_id = "cart1"
  nodes = ["nodeA"]
${script === undefined ? '' : `  script = [ ${script} ]\n`}`;
    const where = 'job.toml: placement.dynamo_cart_client[0] (cart1): field';
    expect(refusal(cart('{ op = "add", cart = "c", sku = "s", qty = 0 }'))).toBe(`${where} "script[0].qty": expected an integer from 1 to 1000000000, got 0`);
    expect(refusal(cart('{ op = "remove", cart = "c", sku = "s", qty = 1.5 }'))).toBe(`${where} "script[0].qty": expected an integer from 1 to 1000000000, got 1.5`);
    expect(refusal(cart('{ op = "add", cart = "c", qty = 1 }'))).toBe(`${where} "script[0].sku": missing; expected a non-empty string`);
    expect(refusal(cart('{ op = "get" }'))).toBe(`${where} "script[0].cart": missing; expected a non-empty string`);
    expect(refusal(cart(undefined))).toBe(`${where} "script": missing; expected steps like { op = "add", cart = "c1", sku = "apple", qty = 2 }`);
    expect(parseJobFile(cart('{ op = "get", cart = "c" }'), 'job.toml').clients[1]).toMatchObject({ kind: 'cart', script: [{ op: 'get', cart: 'c' }] });
  });

  it('job file - a bench client\'s num_ops is a positive integer up to 10,000,000', () => {
    const bench = (numOps: string): string =>
      `${edit(BASE_JOB, '[[nodes]]', '[[ops]]\nname = "dynamo_bench_client"\nlib_name = "dynamo_new"\n\n[[nodes]]')}
  [[placement.dynamo_bench_client]]
  nodename = "node1"
  actor_name = "bench1"
  client_id = "bench1"
  nodes = ["nodeA", "nodeB"]
  num_ops = ${numOps}
`;
    expect(refusal(bench('0'))).toBe('job.toml: placement.dynamo_bench_client[0] (bench1): field "num_ops": expected an integer from 1 to 10000000, got 0');
    expect(refusal(bench('"1000"'))).toContain('field "num_ops": expected an integer from 1 to 10000000, got "1000"');
    expect(parseJobFile(bench('1000'), 'job.toml').clients[1]).toMatchObject({ kind: 'bench', numOps: 1000 });
  });

  it('job file - names with spaces or line breaks are refused, quoted, on one line', () => {
    expect(refusal(edit(BASE_JOB, 'actor_name = "nodeB"', 'actor_name = "node\\nB"'))).toBe(
      'job.toml: placement.dynamo_node[1]: field "actor_name": expected a name (1 to 128 characters, no spaces), got "node\\nB"',
    );
    expect(refusal(edit(BASE_JOB, '"nodeB", "nodeC"]', '"node B", "nodeC"]'))).toBe(
      'job.toml: placement.dynamo_node[0] (nodeA): field "nodes": expected a list of names, got "node B" in it, which is not a name (1 to 128 characters, no spaces)',
    );
    expect(refusal(`${BASE_JOB}\n  [["placement"."wid\\nget"]]\n`)).toBe('job.toml: placement."wid\\nget"[0]: unknown op "wid\\nget" (the job defines dynamo_node, dynamo_client)');
  });

  it('job file - a placement key named like an object property is just an unknown op', () => {
    expect(refusal(`${BASE_JOB}\n  [[placement.toString]]\n`)).toBe('job.toml: placement.toString[0]: unknown op "toString" (the job defines dynamo_node, dynamo_client)');
    expect(refusal(`${BASE_JOB}\n  [placement.constructor]\n`)).toBe('job.toml: placement.constructor: expected [[...]] tables, got a table');
  });

  it('job file - every message is one line starting with the file name', () => {
    const broken = [edit(BASE_JOB, 'N = 3', 'N = 4'), edit(BASE_JOB, 'port = 3001', 'port = ['), `${BASE_JOB}\n  chaos = 1\n`];
    for (const text of broken) expect(refusal(text)).toMatch(/^job\.toml[:][^\n]+$/);
    expect(() => parseJobFile('a = [', 'two\nlines.toml')).toThrow(/^two lines\.toml:1:5: TOML syntax error: [^\n]+$/);
  });
});
