/**
 * Clocks for tests, written as the API shows them (a record of actor to entry) and turned into
 * the engine's flat shape (src/protocol/data.ts, `Clock`), entries in the record's order.
 */
import type { Clock, ClockEntry, VectorClock } from '../../src/protocol/data.js';

export function clockFromView(view: VectorClock): Clock {
  const out: (string | number)[] = [];
  for (const actor of Object.keys(view)) {
    const { counter, timeMs, gaps = [] } = view[actor] as ClockEntry;
    out.push(actor, counter, timeMs, gaps.length);
    for (const [from, to] of gaps) out.push(from, to);
  }
  return out;
}
