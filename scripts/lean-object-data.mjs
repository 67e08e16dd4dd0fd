// The compact lean path's data as the engine's own objects (scripts/lean-path.mjs, `checked`):
// messages cross as the compact path's flat arrays (scripts/lean-compact-data.mjs) and are
// checked as they are read, but read straight into the engine's objects (versions with dots,
// contexts with the engine's flat clocks; clock records before 2026-11-28's eleventh round) and handled with the engine's functions (mergeSiblings,
// writeOf, highestCounter, compactContext). What one-pass checked reading would save with the
// core left as it is, against the lean path (decode into objects, then the guard's walk) and
// the compact path (flat data throughout).
import { causalPart, compactContext, highestCounter } from '../dist/src/core/causal-context.js';
import { liveDots, mergeSiblings, NO_SIBLINGS, writeOf } from '../dist/src/core/siblings.js';
import { DEFAULT_TUNING } from '../dist/src/core/config.js';
import { isCount } from './lean-compact-data.mjs';

const VERSION_WIDTH = 5;
const ENTRY_HEAD = 4;
const CLIENT_LIMITS = { maxActors: DEFAULT_TUNING.clockPruneAt, maxGaps: DEFAULT_TUNING.contextMaxGaps };

const isActor = (x) => typeof x === 'string' && x.length > 0 && x.length <= 256;

/** Versions at `at` ([count, ...versions]) read into the engine's objects; null when malformed. */
function readVersions(w, at) {
  const count = w[at];
  if (!isCount(count) || at + 1 + count * VERSION_WIDTH > w.length) return null;
  const versions = [];
  for (let i = at + 1; i < at + 1 + count * VERSION_WIDTH; i += VERSION_WIDTH) {
    const deleted = w[i + 1];
    const actor = w[i + 2];
    const counter = w[i + 3];
    const timeMs = w[i + 4];
    if (typeof deleted !== 'boolean' || !isActor(actor) || !isCount(counter) || counter === 0 || !Number.isFinite(timeMs)) return null;
    versions.push({ value: w[i], deleted, dot: { actor, counter, timeMs } });
  }
  return versions;
}

/** A context's clock at `at` ([length, ...entries]) read into the engine's flat clock; null when malformed. */
function readContext(w, at) {
  const length = w[at];
  if (!isCount(length) || at + 1 + length > w.length) return null;
  const clock = [];
  const actors = new Set();
  for (let i = at + 1; i < at + 1 + length; ) {
    const actor = w[i];
    const counter = w[i + 1];
    const timeMs = w[i + 2];
    const gapCount = w[i + 3];
    if (!isActor(actor) || actor === '__proto__' || actors.has(actor) || !isCount(counter) || counter === 0 || !Number.isFinite(timeMs) || !isCount(gapCount)) return null;
    const end = i + ENTRY_HEAD + 2 * gapCount;
    if (end > at + 1 + length) return null;
    actors.add(actor);
    clock.push(actor, counter, timeMs, gapCount);
    let above = 0;
    for (let g = i + ENTRY_HEAD; g < end; g += 2) {
      const from = w[g];
      const to = w[g + 1];
      if (!isCount(from) || !isCount(to) || from <= above || to < from || to >= counter) return null;
      clock.push(from, to);
      above = to + 1;
    }
    i = end;
  }
  return { clock };
}

/** Appends versions and clock, each with its count (the compact wire shape), to `out`. */
function appendSiblings(out, siblings) {
  out.push(siblings.versions.length);
  for (const { value, deleted, dot } of siblings.versions) out.push(value, deleted, dot.actor, dot.counter, dot.timeMs);
  const { clock } = siblings.context;
  out.push(clock.length);
  for (let i = 0; i < clock.length; i++) out.push(clock[i]);
  return out;
}

/** The compact worker's data as the engine's objects (see FLAT_DATA in lean-compact-data.mjs). */
export const OBJECT_DATA = {
  EMPTY: NO_SIBLINGS,
  readContext,
  readSiblings(w, at) {
    const versions = readVersions(w, at);
    if (versions === null) return null;
    const context = readContext(w, at + 1 + versions.length * VERSION_WIDTH);
    return context === null ? null : { versions, context };
  },
  appendSiblings,
  contextOf: (siblings) => siblings.context,
  highest: (context, actor) => highestCounter(context, actor),
  writeOf: (value, actor, counter, timeMs, context) => writeOf({ value, deleted: false, dot: { actor, counter, timeMs } }, causalPart(context)),
  merge: mergeSiblings,
  handedOut: (siblings) => ({ versions: siblings.versions, context: compactContext(siblings.context, liveDots(siblings), CLIENT_LIMITS).context }),
  withoutVersions: (siblings) => ({ versions: [], context: siblings.context }),
  values: (siblings) => siblings.versions.filter((version) => !version.deleted).map((version) => version.value),
  /** Contexts are the engine's objects on both sides. */
  toCaller: (context) => context,
  fromCaller: (context) => context,
};
