// The engine's core alone, on one thread, as scripts/core-cost.mjs and scripts/core-ab.mjs
// run it: five DynamoNodes and a ClientCore, each on the one effect host
// (src/runtime/effect-host.ts), exchanging their messages through an in-memory queue, each
// message in its wire shape (src/protocol/wire.ts), with each link's codes for ids
// (src/protocol/wire-ids.ts) in builds that have them, and structured-cloned as a port would
// carry it, unless `clone` is false. Timers run on a virtual clock that moves 1 ms per round, so
// deadlines and read-repair windows behave as in the engine. N=3 W=2 R=2, 5 nodes, keys
// key0..key99, 100-byte values, half gets, 16 requests a round, every write carrying the
// context of the key's last answer.
//
// `root` is the directory of a built checkout (its dist/ is loaded), so that two builds can
// run side by side in one process.

import { resolve } from 'node:path';
import { pathToFileURL, URL } from 'node:url';

/** Loads the build under `root` and sets up a cluster of cores; resolves to `run(requests)`, with every key written once. */
export async function coreHarness(root, mode, { clone = true } = {}) {
  const base = pathToFileURL(`${resolve(root)}/`);
  const load = (path) => import(new URL(`dist/src/${path}`, base).href);
  const [{ DynamoNode }, { ClientCore }, { EffectHost }, { MemoryStore }, { resolveClusterOptions }, { md5Hex }, { decodeMessage, encodeMessage }] = await Promise.all(
    ['core/node.js', 'core/client.js', 'runtime/effect-host.js', 'storage/memory-store.js', 'api/options.js', 'util/md5.js', 'protocol/wire.js'].map(load),
  );
  // The empty context in the build's own shape (a record of entries before clocks were flat).
  const { EMPTY_CONTEXT } = await load('core/causal-context.js');
  // Builds from before the codes for ids send every id as a string.
  const idCodes = await load('protocol/wire-ids.js').catch(() => null);
  const CONCURRENCY = 16;
  const { tuning } = resolveClusterOptions({ nodes: 5, n: 3, r: 2, w: 2, coordination: mode });
  const nodeIds = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
  let nowMs = 1_700_000_000_000;
  const timers = [];
  const scheduler = {
    nowMs: () => nowMs,
    schedule: (delayMs, run) => {
      const entry = { dueMs: nowMs + delayMs, run };
      timers.push(entry);
      return entry;
    },
    cancel: (entry) => {
      entry.run = null;
    },
  };
  const queue = [];
  const handlers = new Map();
  // Each direction of each link has its codes, as each port does (src/transport/port-mesh.ts).
  const links = new Map();
  const linkOf = (from, to) => {
    let fromLinks = links.get(from);
    if (fromLinks === undefined) links.set(from, (fromLinks = new Map()));
    let link = fromLinks.get(to);
    if (link === undefined) fromLinks.set(to, (link = idCodes === null ? null : { encoder: new idCodes.IdEncoder(), table: new idCodes.IdTable() }));
    return link;
  };
  const transportFor = (self) => ({
    send: (to, msg) => {
      if (!clone) return void queue.push([self, to, msg]);
      const link = linkOf(self, to);
      const wire = encodeMessage(msg, link?.encoder);
      const definitions = link?.encoder.takeDefinitions() ?? null;
      if (definitions !== null) queue.push([self, to, definitions]);
      queue.push([self, to, wire]);
    },
    onMessage: (handler) => handlers.set(self, handler),
  });
  const failed = (error) => {
    throw error;
  };
  for (const nodeId of nodeIds) {
    const node = new DynamoNode({ nodeId, actorId: `${nodeId}#1` }, tuning, { data: new MemoryStore(), hints: new MemoryStore() }, { nodes: nodeIds, epoch: 1 }, md5Hex);
    new EffectHost(node, transportFor(nodeId), scheduler, { settled: () => undefined, failed }).input({ kind: 'start', nowMs });
  }
  const outcomes = new Map();
  const client = new EffectHost(new ClientCore('client-1', mode, tuning, nodeIds, md5Hex), transportFor('client-1'), scheduler, {
    settled: (requestId, outcome) => outcomes.set(requestId, outcome),
    failed,
  });

  /** Delivers every queued message, and what they cause, until the queue is empty. */
  function deliverAll() {
    while (queue.length > 0) {
      for (const [from, to, msg] of queue.splice(0, queue.length)) {
        const handler = handlers.get(to);
        if (!handler) continue;
        if (!clone) {
          handler(from, msg);
          continue;
        }
        const wire = globalThis.structuredClone(msg);
        const link = linkOf(from, to);
        if (link !== null && idCodes.isDefinitions(wire)) link.table.define(wire);
        else handler(from, decodeMessage(wire, link?.table.ids));
      }
    }
  }

  /** One millisecond passes: due timers run. */
  function tick() {
    nowMs += 1;
    let kept = 0;
    for (const entry of timers) {
      if (entry.run !== null && entry.dueMs <= nowMs) {
        const run = entry.run;
        entry.run = null;
        run();
      } else if (entry.run !== null) timers[kept++] = entry;
    }
    timers.length = kept;
    deliverAll();
  }

  const contexts = new Map();
  const value = 'v'.repeat(100);
  let requestId = 0;
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  function request(op, key) {
    const id = ++requestId;
    const spec = op === 'get' ? { key, r: 2, timeoutMs: 1000 } : { key, value, deleted: false, context: contexts.get(key) ?? EMPTY_CONTEXT, w: 2, timeoutMs: 1000 };
    client.input({ kind: op, requestId: id, spec, nowMs });
    return id;
  }

  /** Runs `count` requests (a multiple of 16), 16 at a time. */
  function run(count) {
    for (let done = 0; done < count; done += CONCURRENCY) {
      const round = Array.from({ length: CONCURRENCY }, () => {
        const key = `key${Math.floor(random() * 100)}`;
        return { key, id: request(random() < 0.5 ? 'get' : 'put', key) };
      });
      deliverAll();
      tick();
      for (const { key, id } of round) {
        const outcome = outcomes.get(id);
        outcomes.delete(id);
        if (!outcome?.ok) throw new Error(`request ${id} failed: ${JSON.stringify(outcome)}`);
        contexts.set(key, outcome.context);
      }
    }
  }

  for (let i = 0; i < 100; i++) {
    const id = request('put', `key${i}`);
    deliverAll();
    contexts.set(`key${i}`, outcomes.get(id).context);
  }
  return run;
}

/** CPU time (user and system, us) that `work` takes, per `requests`. */
export function cpuPerRequest(work, requests) {
  const before = process.cpuUsage();
  work();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / requests;
}
