/**
 * One seeded simulation run: the seed derives the cluster (nodes, N/R/W, coordination mode,
 * clock pruning, message delays), the workload and the fault schedule (partitions, one-way
 * cuts, crashes, joins and leaves). Clients add elements to sets by read-merge-write and
 * write-then-delete other keys; afterwards the network heals, the run settles, and the
 * checkers (checkers.ts) judge what happened. The same seed replays the same run.
 */
import type { CoordinationMode } from '../core/client.js';
import type { Version } from '../protocol/data.js';
import type { GetOutcome, PutOutcome } from '../protocol/outcomes.js';
import { Prng } from '../util/prng.js';
import { checkRun, slotsHolding, type RunRecord, type Violation } from './checkers.js';
import { SimCluster } from './sim-cluster.js';

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
  /**
   * Merkle-tree anti-entropy (§4.7) on. Off unless a caller overrides it, and not drawn from
   * the seed: its messages shift every later message delay, so with it on by default every
   * pinned seed would replay a different run from the one that caught its bug.
   */
  readonly antiEntropy: boolean;
}

export interface SweepResult {
  readonly config: SweepConfig;
  readonly violations: readonly Violation[];
  readonly acknowledged: number;
  readonly attempted: number;
  readonly faults: readonly string[];
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
    antiEntropy: false,
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

/** Runs one seed and checks it. */
export function runSeed(seed: number, overrides: Partial<SweepConfig> = {}): SweepResult {
  const config = { ...configFor(seed), ...overrides };
  const prng = new Prng(seed ^ 0x5eed);
  const sim = new SimCluster({
    seed,
    nodes: config.nodes,
    mode: config.mode,
    maxDelayMs: config.maxDelayMs,
    tuning: { n: config.n, r: config.r, w: config.w, clockPruneAt: config.clockPruneAt, requestTimeoutMs: 400, replicaTimeoutMs: 120, ...(config.antiEntropy ? {} : { antiEntropyIntervalMs: 0 }) },
  });
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
    if (tick % 20 === 10) nemesis();
    for (const id of [...leaving]) {
      if (sim.isRunning(id) && sim.drained(id)) {
        sim.retire(id);
        leaving.splice(leaving.indexOf(id), 1);
      }
    }
    for (let i = 0; i < clients.length; i++) step(i);
    sim.runFor(TICK_MS);
  }
  // Settle: every fault healed, every stopped node back, in-flight requests finished.
  sim.heal();
  for (const id of stopped) sim.restart(id);
  sim.runFor(3000);
  return { config, violations: checkRun(sim, record, leaving), acknowledged: record.acknowledgedAdds.length, attempted, faults };
}

function union(versions: readonly Version[]): string[] {
  const out = new Set<string>();
  for (const version of versions) if (!version.deleted && Array.isArray(version.value)) for (const e of version.value) out.add(String(e));
  return [...out];
}
