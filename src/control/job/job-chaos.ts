/**
 * Reactor's chaos blocks: `chaos.crash`, `chaos.msg_loss`, `chaos.msg_duplication` and
 * `chaos.msg_delay` in a placement entry, or the same four in [global_chaos]. The bounds are
 * those our fault layer enforces (src/transport/chaos.ts), so a job that parses never has a
 * rule refused halfway through its run.
 */
import { MAX_CHAOS_DELAY_MS, MAX_DUPLICATION_FACTOR } from '../../transport/chaos.js';
import { EntryReader, isTable } from './entry-reader.js';
import { describeValue, JobProblem } from './job-error.js';
import type { ChaosPlan } from './job-plan.js';

export const CHAOS_KINDS = ['crash', 'msg_loss', 'msg_duplication', 'msg_delay'] as const;

/**
 * Latest time a chaos action may be scheduled at. A job runs for minutes; a day is surely a
 * typo, and Node's timers could not wait much longer anyway (2^31-1 ms, about 24.8 days).
 */
export const MAX_CHAOS_TIME_MS = 86_400_000;

const WINDOW = ['start_ms', 'stop_ms'];

/** The `chaos` table of a placement entry; undefined when the entry has none. */
export function readEntryChaos(entry: EntryReader): ChaosPlan | undefined {
  const raw = entry.value('chaos');
  if (Array.isArray(raw)) {
    // Older Reactor releases wrote [[placement.x.chaos]] tables with a `type`; the seed's does not.
    throw entry.problem('chaos', 'expected a table such as chaos.msg_loss = { probability = 0.1 }, got a list (the [[...chaos]] form with type = "..." is not supported)');
  }
  const chaos = entry.optionalTable('chaos', CHAOS_KINDS);
  return chaos === undefined ? undefined : readChaosBlock(chaos);
}

/** The top-level [global_chaos] table, for every entry without a chaos table of its own. */
export function readGlobalChaos(raw: unknown): ChaosPlan | undefined {
  if (raw === undefined) return undefined;
  if (!isTable(raw)) throw new JobProblem(`[global_chaos]: expected a table, got ${describeValue(raw)}`);
  return readChaosBlock(new EntryReader('[global_chaos]', raw, CHAOS_KINDS));
}

/** The four kinds of one chaos block, each checked field by field. */
function readChaosBlock(chaos: EntryReader): ChaosPlan {
  const plan: { -readonly [K in keyof ChaosPlan]: ChaosPlan[K] } = {};
  const crash = chaos.optionalTable('crash', ['crash_ms', 'restart_ms']);
  if (crash !== undefined) {
    const crashMs = crash.integer('crash_ms', 0, MAX_CHAOS_TIME_MS);
    const restartMs = crash.optionalInteger('restart_ms', 0, MAX_CHAOS_TIME_MS);
    if (restartMs !== undefined && restartMs <= crashMs) throw crash.problem('restart_ms', `${restartMs} is not after crash_ms (${crashMs})`);
    plan.crash = restartMs === undefined ? { crashMs } : { crashMs, restartMs };
  }
  const loss = chaos.optionalTable('msg_loss', [...WINDOW, 'probability']);
  if (loss !== undefined) plan.loss = { ...readWindow(loss), probability: loss.probability('probability') };
  const duplication = chaos.optionalTable('msg_duplication', [...WINDOW, 'probability', 'factor']);
  if (duplication !== undefined) {
    plan.duplication = {
      ...readWindow(duplication),
      probability: duplication.probability('probability'),
      factor: duplication.integer('factor', 1, MAX_DUPLICATION_FACTOR),
    };
  }
  const delay = chaos.optionalTable('msg_delay', [...WINDOW, 'delay_range_ms', 'senders']);
  if (delay !== undefined) {
    plan.delay = { ...readWindow(delay), delayMs: readDelayRange(delay), senders: delay.optionalNameList('senders') ?? [] };
  }
  return plan;
}

/** `start_ms` (0 when absent) and `stop_ms` (none: to the end of the job), stop after start. */
function readWindow(block: EntryReader): { startMs: number; stopMs?: number } {
  const startMs = block.optionalInteger('start_ms', 0, MAX_CHAOS_TIME_MS) ?? 0;
  const stopMs = block.optionalInteger('stop_ms', 0, MAX_CHAOS_TIME_MS);
  if (stopMs === undefined) return { startMs };
  if (stopMs <= startMs) throw block.problem('stop_ms', `${stopMs} is not after start_ms (${startMs})`);
  return { startMs, stopMs };
}

function readDelayRange(block: EntryReader): [number, number] {
  const range = block.value('delay_range_ms');
  const expected = `expected [min, max] with 0 <= min <= max <= ${MAX_CHAOS_DELAY_MS}`;
  if (range === undefined) throw block.problem('delay_range_ms', `missing; ${expected}`);
  const inBounds = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_CHAOS_DELAY_MS;
  if (!Array.isArray(range) || range.length !== 2 || !inBounds(range[0]) || !inBounds(range[1]) || range[0] > range[1]) {
    throw block.problem('delay_range_ms', `${expected}, got ${describeValue(range)}`);
  }
  return [range[0], range[1]];
}
