/**
 * The checkers of a sweep run (sweep.ts), outside the code they check. Safety first: no
 * acknowledged add is lost and no acknowledged delete comes back (unless a crash took every
 * copy: only judged when there was no crash or W >= 2, where one crash leaves a copy), and
 * one request is one version. Then liveness, once healed: the primaries of every key hold the
 * same versions, no hint is left, every leaving node drained. And size: every context handed
 * out and every context stored stays within its bounds.
 */
import { clockView } from '../core/causal-context.js';
import type { CoordinationMode } from '../core/client.js';
import type { CausalContext, Siblings, Version } from '../protocol/data.js';
import type { GetOutcome } from '../protocol/outcomes.js';
import type { SimCluster } from './sim-cluster.js';

export interface Violation {
  readonly check:
    | 'acknowledged below W'
    | 'lost add'
    | 'resurrected delete'
    | 'phantom'
    | 'two versions of one write'
    | 'not converged'
    | 'hints left'
    | 'handoffs left'
    | 'not quiet'
    | 'not drained'
    | 'context too large'
    | 'final read failed';
  readonly detail: string;
}

export interface RunRecord {
  readonly config: { readonly n: number; readonly w: number; readonly clockPruneAt: number; readonly mode: CoordinationMode };
  readonly acknowledgedAdds: { readonly key: string; readonly element: string }[];
  /** Acknowledged deletes, with the values the read they followed returned. */
  readonly deletes: { readonly key: string; readonly covered: readonly string[] }[];
  /** Contexts handed to clients, with how many versions came with them. */
  readonly contextsSeen: { readonly context: CausalContext; readonly versions: number }[];
  crashes: number;
  readonly removed: string[];
  readonly writtenValues: string[];
  /** Found while the run went on (see slotsHolding). */
  readonly early: Violation[];
}

/**
 * The replica slots (§4.6: a primary, or a fallback's hint for it) that hold the set element
 * `element` of `key`, in any version (a later add carries it on). A write acknowledged at W
 * must be in W of them: counting a primary's late answer and its stand-in's as two would leave
 * one copy once the hint is delivered.
 */
export function slotsHolding(sim: SimCluster, key: string, element: string): number {
  const primaries = sim.preferenceList(key, sim.tuning.n);
  const slots = new Set<string>();
  const holds = (siblings: Siblings | null): boolean => elementsOf(siblings?.versions ?? []).has(element);
  for (const holding of sim.holdings(key)) {
    if (primaries.includes(holding.node) && holds(holding.siblings)) slots.add(holding.node);
    for (const hint of holding.hints) if (primaries.includes(hint.owner) && holds(hint.siblings)) slots.add(hint.owner);
  }
  return slots.size;
}

/**
 * What still keeps a healed run from being quiet, or null when it is: a hint or a handoff
 * pending, a leaving node not drained, a node suspected by another (requests would go to
 * fallbacks, and a read there may miss what the primary holds), or a key whose running
 * primaries hold different versions. Judged without a single read, so anti-entropy (not
 * read repair) must make the replicas identical.
 */
export function unquiet(sim: SimCluster, record: RunRecord, leaving: readonly string[]): string | null {
  for (const id of sim.nodeIds) {
    if (!sim.isRunning(id)) continue;
    const stats = sim.node(id).stats();
    if (stats.hintsPending > 0) return `${id} holds ${stats.hintsPending} hints`;
    if (stats.handoffsPending > 0) return `${id} hands off ${stats.handoffsPending} keys`;
    if (stats.suspects.length > 0) return `${id} suspects ${stats.suspects.join(',')}`;
  }
  for (const id of leaving) if (sim.isRunning(id) && !sim.drained(id)) return `${id} has not drained`;
  for (const key of KEYS_OF(record)) {
    const primaries = sim.preferenceList(key, record.config.n).filter((id) => sim.isRunning(id));
    const views = primaries.map((id) => versionNames(sim.dataOf(id, key)));
    if (new Set(views).size > 1) return `${key} differs: ${primaries.map((p, i) => `${p}=${views[i] || '-'}`).join(' ')}`;
  }
  return null;
}

const KEYS_OF = (record: RunRecord): string[] => [...new Set([...record.acknowledgedAdds.map((a) => a.key), ...record.deletes.map((d) => d.key), 'set-a', 'set-b', 'set-c', 'del-a', 'del-b', 'del-c', 'del-d'])];

/** Judges a settled run. */
export function checkRun(sim: SimCluster, record: RunRecord, stillLeaving: readonly string[]): Violation[] {
  const violations: Violation[] = [...record.early];
  const keys = KEYS_OF(record);
  const finals = new Map<string, readonly Version[]>();
  for (const key of keys) {
    const read = finalRead(sim, key);
    if (!read.ok) violations.push({ check: 'final read failed', detail: `${key}: ${read.message}` });
    else finals.set(key, read.versions);
  }
  // Let read repair and hint delivery finish.
  sim.runFor(2000);

  const durable = record.crashes === 0 || record.config.w >= 2;
  if (durable) {
    for (const { key, element } of record.acknowledgedAdds) {
      const versions = finals.get(key);
      if (versions && !elementsOf(versions).has(element)) violations.push({ check: 'lost add', detail: `${element} of ${key}` });
    }
    for (const { key, covered } of record.deletes) {
      const values = new Set((finals.get(key) ?? []).filter((v) => !v.deleted).map((v) => String(v.value)));
      for (const value of covered) if (values.has(value)) violations.push({ check: 'resurrected delete', detail: `${value} of ${key}` });
    }
  }

  // Every value read back was written by someone: nothing made up, nothing half-merged.
  const written = new Set(record.writtenValues);
  for (const [key, versions] of finals) {
    for (const version of versions) {
      if (version.deleted) continue;
      const value = typeof version.value === 'string' ? version.value : JSON.stringify(version.value);
      if (!written.has(value)) violations.push({ check: 'phantom', detail: `${key}=${value} was never written` });
    }
  }

  for (const key of keys) {
    const dotsByValue = new Map<string, Set<string>>();
    for (const holding of sim.holdings(key)) {
      for (const siblings of [holding.siblings, ...holding.hints.map((h) => h.siblings)]) {
        for (const version of siblings?.versions ?? []) {
          if (version.deleted) continue;
          const value = JSON.stringify(version.value);
          const dots = dotsByValue.get(value) ?? new Set<string>();
          dots.add(`${version.dot.actor}:${version.dot.counter}`);
          dotsByValue.set(value, dots);
        }
      }
    }
    for (const [value, dots] of dotsByValue) if (dots.size > 1) violations.push({ check: 'two versions of one write', detail: `${key}=${value}: ${[...dots].join(' ')}` });

    const primaries = sim.preferenceList(key, record.config.n);
    const views = primaries.filter((id) => sim.isRunning(id)).map((id) => versionNames(sim.dataOf(id, key)));
    if (new Set(views).size > 1) violations.push({ check: 'not converged', detail: `${key}: ${primaries.map((p, i) => `${p}=${views[i] ?? '-'}`).join(' ')}` });
  }

  for (const id of sim.nodeIds) {
    if (!sim.isRunning(id)) continue;
    const stats = sim.node(id).stats();
    if (stats.hintsPending > 0) violations.push({ check: 'hints left', detail: `${id} holds ${stats.hintsPending}` });
    if (stats.handoffsPending > 0) violations.push({ check: 'handoffs left', detail: `${id} still hands off ${stats.handoffsPending} keys` });
  }
  for (const id of stillLeaving) if (sim.isRunning(id) && !sim.drained(id)) violations.push({ check: 'not drained', detail: id });

  const { tuning } = sim;
  for (const { context, versions } of record.contextsSeen) {
    const problem = oversized(context, tuning.clockPruneAt + versions, tuning.contextMaxGaps + versions);
    if (problem) violations.push({ check: 'context too large', detail: `handed out: ${problem}` });
  }
  for (const key of keys) {
    for (const holding of sim.holdings(key)) {
      for (const siblings of [holding.siblings, ...holding.hints.map((h) => h.siblings)]) {
        if (!siblings) continue;
        const live = siblings.versions.length;
        const problem = oversized(siblings.context, Math.max(tuning.storedContextMaxActors, tuning.clockPruneAt) + live, tuning.storedContextMaxGaps + live);
        if (problem) violations.push({ check: 'context too large', detail: `stored at ${holding.node} for ${key}: ${problem}` });
      }
    }
  }
  return violations;
}

/** A read of every primary, tried a few times: once healed, it must succeed. */
function finalRead(sim: SimCluster, key: string): GetOutcome {
  let read = sim.get(key, { r: sim.tuning.n, timeoutMs: 1000 });
  for (let attempt = 0; attempt < 3 && !read.ok; attempt++) {
    sim.runFor(1500);
    read = sim.get(key, { r: sim.tuning.n, timeoutMs: 1000 });
  }
  return read;
}

function elementsOf(versions: readonly Version[]): Set<string> {
  const out = new Set<string>();
  for (const version of versions) if (!version.deleted && Array.isArray(version.value)) for (const e of version.value) out.add(String(e));
  return out;
}

function versionNames(siblings: Siblings | null): string {
  return (siblings?.versions ?? []).map((v) => `${v.dot.actor}:${v.dot.counter}`).sort().join(',');
}

function oversized(context: CausalContext, maxActors: number, maxGaps: number): string | null {
  const view = clockView(context.clock);
  const actors = Object.keys(view).length;
  if (actors > maxActors) return `${actors} actors > ${maxActors}`;
  for (const [actor, entry] of Object.entries(view)) {
    const gaps = entry.gaps?.length ?? 0;
    if (gaps > maxGaps) return `${gaps} gaps of ${actor} > ${maxGaps}`;
  }
  return null;
}
