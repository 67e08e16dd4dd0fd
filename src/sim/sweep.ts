/**
 * One seeded simulation run: the seed derives the cluster (nodes, N/R/W, coordination mode,
 * clock pruning, message delays), the workload and the fault schedule (partitions, one-way
 * cuts, slow links, crashes, joins and leaves, and chaos: random loss, duplication and delay
 * per node or link). Clients add elements to sets by read-merge-write and
 * write-then-delete other keys (tombstones are reaped after 1.5 s, so reaping runs under the
 * faults too); afterwards the network heals, the run settles, and the
 * checkers (checkers.ts) judge what happened. The same seed replays the same run.
 */
import type { CoordinationMode } from '../core/client.js';
import type { Version } from '../protocol/data.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import { Prng } from '../util/prng.js';
import { checkRun, slotsHolding, unquiet, type RunRecord, type Violation } from './checkers.js';
import { SimCluster } from './sim-cluster.js';
import { RunTrace, type TraceSink } from './trace.js';

export interface SweepConfig {
  readonly seed: number;
  readonly nodes: number;
  readonly n: number;
  readonly r: number;
  readonly w: number;
  readonly mode: CoordinationMode;
  readonly clockPruneAt: number;
  readonly maxDelayMs: number;
  readonly clients: number;
  /** Virtual milliseconds of workload under faults. */
  readonly durationMs: number;
  readonly crashes: boolean;
  readonly churn: boolean;
  /** Random loss, duplication and delay rules come and go during the run. */
  readonly chaos: boolean;
  /**
   * Merkle-tree anti-entropy (§4.7), a round every 200 virtual ms. On for every seed: it is
   * what brings replicas nobody reads back to N identical copies. Its messages shift every
   * later message delay, so seeds pinned before it existed replay their runs with it off.
   */
  readonly antiEntropy: boolean;
}

export interface SweepResult {
  readonly config: SweepConfig;
  readonly violations: readonly Violation[];
  readonly acknowledged: number;
  readonly attempted: number;
  readonly faults: readonly string[];
  /** Virtual milliseconds the run simulated, the settling and the checks included. */
  readonly virtualMs: number;
}

export interface RunOptions {
  /** Gets the run's events as they happen, one line each (trace.ts): what --trace prints. */
  readonly trace?: TraceSink;
}

/** Everything about a run, from its seed alone. */
export function configFor(seed: number): SweepConfig {
  const prng = new Prng(seed);
  const nodes = 3 + prng.nextInt(5);
  const n = 1 + prng.nextInt(Math.min(nodes, 4));
  return {
    seed,
    nodes,
    n,
    r: 1 + prng.nextInt(n),
    w: 1 + prng.nextInt(n),
    mode: prng.nextFloat() < 0.5 ? 'node' : 'client',
    clockPruneAt: [1, 2, 3, 5, 10][prng.nextInt(5)] ?? 10,
    maxDelayMs: [2, 5, 20][prng.nextInt(3)] ?? 5,
    clients: 2 + prng.nextInt(4),
    durationMs: 1500 + prng.nextInt(1500),
    crashes: prng.nextFloat() < 0.4,
    churn: prng.nextFloat() < 0.4,
    // Drawn last, so every field above is what it was before chaos existed.
    chaos: prng.nextFloat() < 0.5,
    antiEntropy: true,
  };
}

type Pending<T> = () => T | undefined;

type ClientState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading'; readonly key: string; readonly purpose: 'add' | 'delete'; readonly poll: Pending<GetOutcome> }
  | { readonly kind: 'adding'; readonly key: string; readonly element: string; readonly poll: Pending<PutOutcome> }
  | { readonly kind: 'writing'; readonly key: string; readonly value: string; readonly poll: Pending<PutOutcome> }
  | { readonly kind: 'deleting'; readonly key: string; readonly covered: readonly string[]; readonly poll: Pending<PutOutcome> };

const SET_KEYS = ['set-a', 'set-b', 'set-c'];
const DELETE_KEYS = ['del-a', 'del-b', 'del-c', 'del-d'];
const TICK_MS = 5;
/** How long a healed run may take to go quiet, in virtual ms. */
const QUIET_WITHIN_MS = 10_000;

/** Runs one seed and checks it. */
export function runSeed(seed: number, overrides: Partial<SweepConfig> = {}, options: RunOptions = {}): SweepResult {
  const config = { ...configFor(seed), ...overrides };
  const prng = new Prng(seed ^ 0x5eed);
  // Chaos decisions draw their own stream: the rest of a seed's schedule is unchanged by them.
  const chaosPrng = new Prng(seed ^ 0xc4a05);
  const sim = new SimCluster({
    seed,
    nodes: config.nodes,
    mode: config.mode,
    maxDelayMs: config.maxDelayMs,
    tuning: {
      n: config.n,
      r: config.r,
      w: config.w,
      clockPruneAt: config.clockPruneAt,
      requestTimeoutMs: 400,
      replicaTimeoutMs: 120,
      tombstoneGraceMs: 1500,
      antiEntropyIntervalMs: config.antiEntropy ? 200 : 0,
    },
  });
  const trace = options.trace ? new RunTrace(sim, options.trace) : null;
  trace?.note(`seed ${seed}: ${JSON.stringify(config)}`);
  const record: RunRecord = { config, acknowledgedAdds: [], deletes: [], contextsSeen: [], crashes: 0, removed: [], writtenValues: [], early: [] };
  const clients: ClientState[] = Array.from({ length: config.clients }, () => ({ kind: 'idle' }));
  const faults: string[] = [];
  const leaving: string[] = [];
  let nextElement = 1;
  let nextNode = config.nodes + 1;
  let attempted = 0;
  const stopped = new Set<string>();

  const nemesis = (): void => {
    const roll = prng.nextFloat();
    const ids = sim.nodeIds.filter((id) => !leaving.includes(id));
    const pick = (): string => ids[prng.nextInt(ids.length)] as string;
    if (roll < 0.25) {
      const group = ids.filter(() => prng.nextFloat() < 0.4);
      sim.partition([group]);
      faults.push(`partition ${group.join(',')}`);
    } else if (roll < 0.4) {
      const from = pick();
      const to = prng.nextFloat() < 0.2 ? 'client' : pick();
      if (from !== to) {
        sim.cut(from, to);
        faults.push(`cut ${from}->${to}`);
      }
    } else if (roll < 0.5) {
      const from = prng.nextFloat() < 0.2 ? 'client' : pick();
      const to = prng.nextFloat() < 0.2 ? 'client' : pick();
      const delayMs = 50 + prng.nextInt(350);
      if (from !== to) {
        sim.slow(from, to, delayMs);
        faults.push(`slow ${from}->${to} ${delayMs}ms`);
      }
    } else if (roll < 0.6) {
      sim.heal();
      faults.push('heal');
    } else if (roll < 0.7 && config.crashes && record.crashes === 0) {
      const id = pick();
      if (sim.isRunning(id)) {
        sim.stop(id);
        stopped.add(id);
        record.crashes++;
        faults.push(`crash ${id}`);
      }
    } else if (roll < 0.8 && stopped.size > 0) {
      const id = [...stopped][0] as string;
      stopped.delete(id);
      sim.restart(id);
      faults.push(`restart ${id}`);
    } else if (roll < 0.9 && config.churn) {
      if (prng.nextFloat() < 0.5 || ids.length <= Math.max(config.n, 3)) {
        const id = `node-${nextNode++}`;
        sim.addNode(id);
        faults.push(`join ${id}`);
      } else {
        const id = pick();
        if (sim.isRunning(id) && !stopped.has(id)) {
          sim.removeNode(id);
          leaving.push(id);
          record.removed.push(id);
          faults.push(`leave ${id}`);
        }
      }
    }
  };

  /** Sets a random rule on a node or a link, or clears them all. */
  const chaos = (): void => {
    const roll = chaosPrng.nextFloat();
    if (roll < 0.25) {
      sim.clearChaos();
      faults.push('chaos-clear');
      return;
    }
    if (roll > 0.7) return;
    const endpoints = [...sim.nodeIds, 'client'];
    const pick = (): string => endpoints[chaosPrng.nextInt(endpoints.length)] as string;
    const selector = chaosPrng.nextFloat() < 0.4 ? { node: pick() } : { from: pick(), to: pick() };
    if ('from' in selector && selector.from === selector.to) return;
    const loss = chaosPrng.nextFloat() < 0.6 ? Math.round(chaosPrng.nextFloat() * 30) / 100 : undefined;
    const duplicate = chaosPrng.nextFloat() < 0.5 ? { probability: Math.round(chaosPrng.nextFloat() * 30) / 100, factor: 2 + chaosPrng.nextInt(2) } : undefined;
    const min = chaosPrng.nextInt(20);
    const delayMs = chaosPrng.nextFloat() < 0.5 ? ([min, min + chaosPrng.nextInt(80)] as const) : undefined;
    if (loss === undefined && duplicate === undefined && delayMs === undefined) return;
    sim.chaos({ ...selector, loss, duplicate, delayMs });
    faults.push(`chaos ${JSON.stringify({ ...selector, loss, duplicate, delayMs })}`);
  };

  const step = (i: number): void => {
    const state = clients[i] as ClientState;
    switch (state.kind) {
      case 'idle': {
        const purpose = prng.nextFloat() < 0.6 ? 'add' : 'delete';
        const key = purpose === 'add' ? (SET_KEYS[prng.nextInt(SET_KEYS.length)] as string) : (DELETE_KEYS[prng.nextInt(DELETE_KEYS.length)] as string);
        if (purpose === 'delete' && prng.nextFloat() < 0.5) {
          // Write a fresh value (blind or not) before reading it back to delete.
          const value = `${key}#${nextElement++}`;
          attempted++;
          record.writtenValues.push(value);
          clients[i] = { kind: 'writing', key, value, poll: sim.putAsync(key, value) };
          return;
        }
        clients[i] = { kind: 'reading', key, purpose, poll: sim.getAsync(key) };
        return;
      }
      case 'reading': {
        const read = state.poll();
        if (!read) return;
        if (!read.ok) {
          clients[i] = { kind: 'idle' };
          return;
        }
        record.contextsSeen.push({ context: read.context, versions: read.versions.length });
        if (state.purpose === 'add') {
          const element = `e${nextElement++}`;
          attempted++;
          const value = [...union(read.versions), element].sort();
          record.writtenValues.push(JSON.stringify(value));
          clients[i] = { kind: 'adding', key: state.key, element, poll: sim.putAsync(state.key, value, read.context) };
        } else {
          const covered = read.versions.filter((v) => !v.deleted).map((v) => String(v.value));
          clients[i] = { kind: 'deleting', key: state.key, covered, poll: sim.putAsync(state.key, null, { context: read.context, deleted: true }) };
        }
        return;
      }
      case 'adding':
      case 'writing':
      case 'deleting': {
        const written = state.poll();
        if (!written) return;
        if (written.ok) {
          record.contextsSeen.push({ context: written.context, versions: 1 });
          if (state.kind === 'adding') {
            record.acknowledgedAdds.push({ key: state.key, element: state.element });
            // Only while the ring is the one the write was sent over, and no copy was lost.
            const copies = slotsHolding(sim, state.key, state.element);
            if (!config.churn && record.crashes === 0 && copies < config.w) {
              record.early.push({ check: 'acknowledged below W', detail: `${state.element} of ${state.key} in ${copies} slots, W=${config.w}` });
            }
          }
          if (state.kind === 'deleting') record.deletes.push({ key: state.key, covered: state.covered });
        }
        clients[i] = { kind: 'idle' };
        return;
      }
    }
  };

  const ticks = Math.floor(config.durationMs / TICK_MS);
  for (let tick = 0; tick < ticks; tick++) {
    // Faults go through the trace (when asked for) before the drops they cause.
    const injecting = (inject: () => void): void => {
      const before = faults.length;
      if (trace) trace.cause(inject, () => faults.slice(before).map((fault) => `fault ${fault}`));
      else inject();
    };
    if (tick % 20 === 10) injecting(nemesis);
    if (config.chaos && tick % 20 === 15) injecting(chaos);
    for (const id of [...leaving]) {
      if (sim.isRunning(id) && sim.drained(id)) {
        trace?.note(`retire ${id} (drained)`);
        sim.retire(id);
        leaving.splice(leaving.indexOf(id), 1);
      }
    }
    for (let i = 0; i < clients.length; i++) step(i);
    sim.runFor(TICK_MS);
  }
  // Settle: every fault healed, every stopped node back, in-flight requests finished.
  trace?.note(`settle: heal, clear chaos${[...stopped].map((id) => `, restart ${id}`).join('')}`);
  sim.heal();
  sim.clearChaos();
  for (const id of stopped) sim.restart(id);
  // Liveness: without any read, the run must go quiet (hints delivered, handoffs done, every
  // key's replicas identical) within a bound of virtual time. The client has no timer to
  // clear its suspicions by (client coordination): they lapse suspectForMs after the last
  // request that timed out, so the final reads wait that long after the last request could
  // time out, or they could go to a fallback that never had the key.
  const suspicionsLapseMs = sim.tuning.requestTimeoutMs + sim.tuning.suspectForMs;
  let pending = unquiet(sim, record, leaving);
  for (let waitedMs = 0; (pending !== null || waitedMs < suspicionsLapseMs) && waitedMs < QUIET_WITHIN_MS; waitedMs += TICK_MS * 20) {
    sim.runFor(TICK_MS * 20);
    for (const id of [...leaving]) {
      if (sim.isRunning(id) && sim.drained(id)) {
        trace?.note(`retire ${id} (drained)`);
        sim.retire(id);
        leaving.splice(leaving.indexOf(id), 1);
      }
    }
    pending = unquiet(sim, record, leaving);
  }
  if (pending !== null) record.early.push({ check: 'not quiet', detail: `after ${QUIET_WITHIN_MS} ms: ${pending}` });
  trace?.note(pending === null ? `quiet at ${sim.nowMs} ms: final reads, then the checkers` : `not quiet: ${pending}; final reads, then the checkers`);
  const violations = checkRun(sim, record, leaving);
  for (const violation of violations) trace?.note(`violation ${violation.check}: ${violation.detail}`);
  return { config, violations, acknowledged: record.acknowledgedAdds.length, attempted, faults, virtualMs: sim.nowMs };
}

function union(versions: readonly Version[]): string[] {
  const out = new Set<string>();
  for (const version of versions) if (!version.deleted && Array.isArray(version.value)) for (const e of version.value) out.add(String(e));
  return [...out];
}
