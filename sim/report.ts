/**
 * What the simulator prints: each failing seed (its violations and the command that replays
 * it), the summary of a run as text or JSON, and the exit code. Pure: every function returns
 * text, the CLI writes it.
 */
import { basename, isAbsolute, relative } from 'node:path';
import { FAULT_KINDS, type SeedFailure, type Tally } from './tally.js';

/** The command that runs the CLI, as the replay line prints it. */
export const DEFAULT_PROGRAM = 'node dist/sim.js';

/**
 * How the user ran the CLI, for the replay line: `node dist/sim.js` from the package's
 * directory, `node <path>` from elsewhere, the bin's name (`dynamo-sim`) when run as a bin.
 */
export function programName(script: string | undefined, cwd = process.cwd()): string {
  if (script === undefined) return DEFAULT_PROGRAM;
  if (!script.endsWith('.js')) return basename(script);
  const path = relative(cwd, script);
  return `node ${path.startsWith('..') || isAbsolute(path) ? script : path}`;
}

/** A finished run: the seeds' tally, and what it cost. */
export interface RunReport {
  readonly from: number;
  readonly tally: Tally;
  readonly wallMs: number;
  /** Worker threads; 0 when the one seed ran on the main thread (--seed). */
  readonly threads: number;
}

/** Violations printed per failing seed; the replay shows them all. */
const MAX_VIOLATIONS_SHOWN = 10;

export function replayCommand(seed: number, program = DEFAULT_PROGRAM): string {
  return `${program} --seed ${seed} --trace`;
}

/** A failing seed: a header, its violations (at most ten), and the replay command. */
export function formatFailure(failure: SeedFailure, program = DEFAULT_PROGRAM): string {
  const count = failure.violations.length;
  const lines = [`FAIL seed ${failure.seed}: ${count} violation${count === 1 ? '' : 's'}`];
  for (const { check, detail } of failure.violations.slice(0, MAX_VIOLATIONS_SHOWN)) lines.push(`  ${check}: ${detail}`);
  if (count > MAX_VIOLATIONS_SHOWN) lines.push(`  ... and ${count - MAX_VIOLATIONS_SHOWN} more`);
  lines.push(`  replay: ${replayCommand(failure.seed, program)}`);
  return lines.join('\n');
}

/** 0 when every seed passed, 1 when any failed. */
export function exitCodeOf(tally: Tally): 0 | 1 {
  return tally.failures.length === 0 ? 0 : 1;
}

/** The fault kinds in the report's order: the sweep's eight, then any other seen, by name. */
function faultCounts(tally: Tally): [kind: string, count: number][] {
  const others = Object.keys(tally.faults).filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind)).sort();
  return [...FAULT_KINDS, ...others].map((kind) => [kind, tally.faults[kind] ?? 0]);
}

function seedsPerSecond(report: RunReport): number {
  return report.wallMs > 0 ? (1000 * report.tally.seeds) / report.wallMs : 0;
}

/** The summary as text, several lines. */
export function formatSummary(report: RunReport, program = DEFAULT_PROGRAM): string {
  const { tally, from } = report;
  const last = from + tally.seeds - 1;
  const counts = faultCounts(tally);
  const faultTotal = counts.reduce((sum, [, count]) => sum + count, 0);
  const failed = tally.failures.map((f) => f.seed);
  const lines = [
    `${tally.seeds === 1 ? `seed ${from}` : `seeds ${from}..${last}`}: ${tally.seeds} run, ${failed.length} failed${failed.length === 0 ? '' : ` (${listSeeds(failed)})`}`,
    `faults injected: ${faultTotal} (${counts.map(([kind, count]) => `${kind} ${count}`).join(', ')})`,
    `writes: ${tally.acknowledged} acknowledged of ${tally.attempted} attempted`,
    `virtual time simulated: ${formatDuration(tally.virtualMs)}`,
    `wall time: ${formatDuration(report.wallMs)}, ${seedsPerSecond(report).toFixed(1)} seeds/s${report.threads > 0 ? ` on ${report.threads} thread${report.threads === 1 ? '' : 's'}` : ''}`,
  ];
  if (failed.length > 0) lines.push(`replay the first: ${replayCommand(failed[0] as number, program)}`);
  return lines.join('\n');
}

/** The summary as one JSON object. */
export function summaryJson(report: RunReport, program = DEFAULT_PROGRAM): Record<string, unknown> {
  const { tally, from } = report;
  return {
    from,
    seeds: tally.seeds,
    passed: tally.seeds - tally.failures.length,
    failed: tally.failures.length,
    failures: tally.failures.map((failure) => ({ ...failure, replay: replayCommand(failure.seed, program) })),
    faults: Object.fromEntries(faultCounts(tally)),
    acknowledged: tally.acknowledged,
    attempted: tally.attempted,
    virtualMs: Math.round(tally.virtualMs),
    wallMs: Math.round(report.wallMs),
    seedsPerSecond: Number(seedsPerSecond(report).toFixed(2)),
    threads: report.threads,
  };
}

/** `2h 03m 04s`, `3m 04s`, `4.2 s`, `120 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}h ${pad(minutes)}m ${pad(seconds)}s` : `${minutes}m ${pad(seconds)}s`;
}

/** At most twenty seeds, then how many more. */
function listSeeds(seeds: readonly number[]): string {
  const shown = seeds.slice(0, 20).join(', ');
  return seeds.length > 20 ? `${shown}, and ${seeds.length - 20} more` : shown;
}
