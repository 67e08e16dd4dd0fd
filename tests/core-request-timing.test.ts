/**
 * The time-outs of one coordinated request (src/core/get-request.ts, put-request.ts,
 * replica-fanout.ts, request-timer.ts): a request keeps one timer for everything it waits
 * for, so these check each moment it waits for still comes, in order: a silent replica's
 * time-out and its stand-in, the read-repair window, the deadline; and that nothing is left
 * waiting once the request is over.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING, type EngineTuning } from '../src/core/config.js';
import { Coordinator } from '../src/core/coordinator.js';
import { EffectSink, type Effect } from '../src/core/effects.js';
import { FailureDetector } from '../src/core/failure-detector.js';
import { Ring } from '../src/core/ring.js';
import type { Siblings } from '../src/protocol/data.js';
import type { Message } from '../src/protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { md5Hex } from '../src/util/md5.js';

const NODES = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
const EMPTY: Siblings = { versions: [], context: { clock: [] } };
const WRITTEN: Siblings = { versions: [{ value: 'v', deleted: false, dot: { actor: 'a', counter: 1, timeMs: 0 } }], context: { clock: ['a', 1, 0, 0] } };

/** A coordinator in a client (no local replica), on a sink whose one host timer the test fires by hand. */
function harness(overrides: Partial<EngineTuning> = {}, { nodes = NODES, startMs = 1_000 }: { nodes?: readonly string[]; startMs?: number } = {}) {
  const tuning: EngineTuning = { ...DEFAULT_TUNING, n: 3, r: 2, w: 2, replicaTimeoutMs: 300, readRepairWindowMs: 50, ...overrides };
  let nowMs = startMs;
  const sink = new EffectSink();
  const detector = new FailureDetector(() => nowMs, tuning.suspectForMs);
  const ring = Ring.of(nodes, tuning.vnodes, md5Hex);
  const coordinator = new Coordinator({ tuning, sink, detector, ring: () => ring, nowMs: () => nowMs, local: null });
  let hostTimer: { id: number; dueMs: number } | null = null;
  const sent: { to: string; msg: Message }[] = [];
  const take = (effects: Effect[]): void => {
    for (const effect of effects) {
      if (effect.kind === 'send') sent.push({ to: effect.to, msg: effect.msg });
      else if (effect.kind === 'setTimer') hostTimer = { id: effect.timerId, dueMs: nowMs + effect.delayMs };
      else if (effect.kind === 'cancelTimer' && hostTimer?.id === effect.timerId) hostTimer = null;
    }
  };
  /** Runs `work` as one step of the machine at the current time. */
  const step = (work: () => void): void => take(sink.step(nowMs, work, undefined));
  /** Moves the clock to `toMs`, firing the host timer each time it comes due on the way. */
  const advance = (toMs: number): void => {
    while (hostTimer !== null && hostTimer.dueMs <= toMs) {
      const { id, dueMs } = hostTimer;
      hostTimer = null;
      nowMs = Math.max(nowMs, dueMs);
      take(sink.step(nowMs, () => sink.fire(id), undefined));
    }
    nowMs = toMs;
  };
  /** The clock jumps to `toMs` at once and the host timer fires only then, late (a loop that was blocked). */
  const jump = (toMs: number): void => {
    nowMs = toMs;
    advance(toMs);
  };
  return { tuning, sink, detector, ring, coordinator, sent, step, advance, jump, now: () => nowMs };
}

describe('request timing - one timer per request', () => {
  it('a get answers at R, then finishes when the last replica answers, holding no timer', () => {
    const h = harness();
    const outcomes: GetOutcome[] = [];
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, (outcome) => outcomes.push(outcome)));
    const reads = h.sent.filter((s) => s.msg.kind === 'replica.read');
    expect(reads.map((s) => s.to)).toEqual(h.ring.preferenceList('k', 3));
    expect(h.sink.pendingTimers).toBe(1);
    for (const { to, msg } of reads.slice(0, 2)) h.step(() => h.coordinator.receive(to, { kind: 'replica.readReply', reqId: (msg as { reqId: number }).reqId, siblings: EMPTY }));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.ok).toBe(true);
    expect(h.coordinator.inFlight).toBe(1);
    const last = reads[2] as { to: string; msg: { reqId: number } };
    h.step(() => h.coordinator.receive(last.to, { kind: 'replica.readReply', reqId: last.msg.reqId, siblings: EMPTY }));
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });

  it('a get with a silent replica answers at R and ends when the read-repair window closes, repairing the replica that was behind', () => {
    const h = harness();
    const outcomes: GetOutcome[] = [];
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, (outcome) => outcomes.push(outcome)));
    const [first, second] = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    h.step(() => h.coordinator.receive(first!.to, { kind: 'replica.readReply', reqId: first!.msg.reqId, siblings: WRITTEN }));
    h.step(() => h.coordinator.receive(second!.to, { kind: 'replica.readReply', reqId: second!.msg.reqId, siblings: EMPTY }));
    expect(outcomes[0]?.ok).toBe(true);
    h.advance(h.now() + 49);
    expect(h.coordinator.inFlight).toBe(1);
    h.advance(h.now() + 1);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
    // The window closed before the silent replica's time-out: nobody was suspected, and the
    // replica that answered without the version got it.
    expect(h.detector.list()).toEqual([]);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.repair').map((s) => s.to)).toEqual([second!.to]);
  });

  it('a put with a silent primary answers at W, sends a stand-in with a hint after the replica time-out, and ends when it acknowledges', () => {
    const h = harness();
    const outcomes: PutOutcome[] = [];
    const spec = { key: 'k', value: 'v', deleted: false, context: { clock: [] }, dot: { actor: 'c', counter: 1, timeMs: 0 }, w: 2, timeoutMs: 1000 };
    h.step(() => h.coordinator.put(spec, (outcome) => outcomes.push(outcome)));
    const writes = h.sent.filter((s) => s.msg.kind === 'replica.write') as { to: string; msg: { reqId: number; hintFor: string | null } }[];
    const preference = h.ring.preferenceList('k', 5);
    expect(writes.map((s) => s.to)).toEqual(preference.slice(0, 3));
    for (const { to, msg } of writes.slice(0, 2)) h.step(() => h.coordinator.receive(to, { kind: 'replica.writeAck', reqId: msg.reqId }));
    expect(outcomes[0]?.ok).toBe(true);
    h.advance(h.now() + 299);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.write')).toHaveLength(3);
    h.advance(h.now() + 1);
    const standIn = h.sent.filter((s) => s.msg.kind === 'replica.write')[3] as { to: string; msg: { reqId: number; hintFor: string | null } };
    expect(standIn.to).toBe(preference[3]);
    expect(standIn.msg.hintFor).toBe(preference[2]);
    expect(h.detector.list()).toEqual([preference[2]]);
    expect(h.coordinator.inFlight).toBe(1);
    h.step(() => h.coordinator.receive(standIn.to, { kind: 'replica.writeAck', reqId: standIn.msg.reqId }));
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
    expect((outcomes[0] as { ackedBy: readonly string[] }).ackedBy).toEqual(preference.slice(0, 2));
  });

  it('a get that cannot reach R fails at its deadline, after its stand-ins were tried, and leaves nothing waiting', () => {
    const h = harness();
    const outcomes: GetOutcome[] = [];
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, (outcome) => outcomes.push(outcome)));
    h.advance(h.now() + 999);
    expect(outcomes).toEqual([]);
    // Each of the three primaries timed out at 300 ms; two fallbacks were left to stand in.
    const asked = h.sent.filter((s) => s.msg.kind === 'replica.read').map((s) => s.to);
    expect(asked).toEqual(h.ring.preferenceList('k', 5));
    h.advance(h.now() + 1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'QUORUM_FAILED' });
    expect((outcomes[0] as { message: string }).message).toBe('get reached 0 of R=2 replies (timed out after 1000 ms)');
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });

  it('a put that cannot reach W fails at its deadline, once its stand-ins had their time, and leaves nothing waiting', () => {
    const h = harness({ replicaTimeoutMs: 5000 });
    const outcomes: PutOutcome[] = [];
    const spec = { key: 'k', value: 'v', deleted: false, context: { clock: [] }, dot: { actor: 'c', counter: 1, timeMs: 0 }, w: 3, timeoutMs: 100 };
    h.step(() => h.coordinator.put(spec, (outcome) => outcomes.push(outcome)));
    const preference = h.ring.preferenceList('k', 5);
    const writes = h.sent.filter((s) => s.msg.kind === 'replica.write') as { to: string; msg: { reqId: number } }[];
    h.step(() => h.coordinator.receive(writes[0]!.to, { kind: 'replica.writeAck', reqId: writes[0]!.msg.reqId }));
    // An attempt gets at most half the request's time: the two silent primaries time out at
    // 50 ms, and the two fallbacks stand in for them.
    h.advance(h.now() + 49);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.write')).toHaveLength(3);
    h.advance(h.now() + 1);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.write').map((s) => s.to)).toEqual(preference);
    expect(outcomes).toEqual([]);
    h.advance(h.now() + 50);
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'QUORUM_FAILED', message: 'put reached 1 of W=3 acknowledgements (timed out after 100 ms)' });
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });

  it('on a clock with fractions of a millisecond, the read-repair window closes when it is due, not rounded up', () => {
    const h = harness({}, { startMs: 1_000.3 });
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, () => undefined));
    const [first, second] = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    h.advance(h.now() + 260.37);
    for (const { to, msg } of [first!, second!]) h.step(() => h.coordinator.receive(to, { kind: 'replica.readReply', reqId: msg.reqId, siblings: EMPTY }));
    const answeredMs = h.now();
    // The request's timer was set for the silent replica's time-out (at +300) before the
    // window (at +310.37) opened; it fires, and then the window must still close on time.
    h.advance(answeredMs + 49.99);
    expect(h.coordinator.inFlight).toBe(1);
    h.advance(answeredMs + 50);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });

  it('an attempt that times out just as the read-repair window closes is handled first: suspected, and its stand-in asked', () => {
    const h = harness();
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, () => undefined));
    const preference = h.ring.preferenceList('k', 5);
    const [first, second] = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    h.advance(h.now() + 250);
    for (const { to, msg } of [first!, second!]) h.step(() => h.coordinator.receive(to, { kind: 'replica.readReply', reqId: msg.reqId, siblings: EMPTY }));
    // Window and time-out both end at +300: the time-out's moment was made first.
    h.advance(h.now() + 50);
    expect(h.detector.list()).toEqual([preference[2]]);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.read').map((s) => s.to)).toEqual([...preference.slice(0, 3), preference[3]]);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });

  it('a late answer from a replica that timed out still counts', () => {
    const h = harness();
    const outcomes: GetOutcome[] = [];
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, (outcome) => outcomes.push(outcome)));
    const preference = h.ring.preferenceList('k', 5);
    const reads = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    h.step(() => h.coordinator.receive(reads[0]!.to, { kind: 'replica.readReply', reqId: reads[0]!.msg.reqId, siblings: EMPTY }));
    h.advance(h.now() + 300);
    // Two stand-ins went out for the two silent primaries; then one of those primaries answers.
    expect(h.sent.filter((s) => s.msg.kind === 'replica.read')).toHaveLength(5);
    expect(outcomes).toEqual([]);
    h.step(() => h.coordinator.receive(reads[1]!.to, { kind: 'replica.readReply', reqId: reads[1]!.msg.reqId, siblings: EMPTY }));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: true, repliedBy: [preference[0], preference[1]] });
  });

  it('a put whose deadline passes with stand-ins still out keeps going until the last of them answers or times out', () => {
    const nodes = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6', 'node-7'];
    const h = harness({}, { nodes });
    const outcomes: PutOutcome[] = [];
    // An attempt gets at most half the request's time: 49 ms of 99.
    const spec = { key: 'k', value: 'v', deleted: false, context: { clock: [] }, dot: { actor: 'c', counter: 1, timeMs: 0 }, w: 3, timeoutMs: 99 };
    const startMs = h.now();
    h.step(() => h.coordinator.put(spec, (outcome) => outcomes.push(outcome)));
    const preference = h.ring.preferenceList('k', 7);
    const writes = (): { to: string; msg: { reqId: number; hintFor: string | null } }[] => h.sent.filter((s) => s.msg.kind === 'replica.write') as never;
    h.step(() => h.coordinator.receive(writes()[0]!.to, { kind: 'replica.writeAck', reqId: writes()[0]!.msg.reqId }));
    // Two silent primaries time out at 49 ms, their stand-ins at 98 ms, and two more stand in.
    h.advance(startMs + 98);
    expect(writes().map((w) => w.to)).toEqual(preference.slice(0, 7));
    h.advance(startMs + 99);
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'QUORUM_FAILED' });
    expect(h.coordinator.inFlight).toBe(1);
    const lastStandIns = writes().slice(5);
    h.step(() => h.coordinator.receive(lastStandIns[0]!.to, { kind: 'replica.writeAck', reqId: lastStandIns[0]!.msg.reqId }));
    expect(h.coordinator.inFlight).toBe(1);
    h.advance(startMs + 146);
    expect(h.coordinator.inFlight).toBe(1);
    h.advance(startMs + 147);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
    expect(h.detector.list()).toEqual([...preference.slice(1, 5), preference[6]].sort());
  });

  it('a timer that fires late handles what became due earliest first: the silent replicas time out before the deadline fails the get', () => {
    const h = harness();
    const outcomes: GetOutcome[] = [];
    const startMs = h.now();
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, (outcome) => outcomes.push(outcome)));
    const preference = h.ring.preferenceList('k', 5);
    const reads = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    h.step(() => h.coordinator.receive(reads[0]!.to, { kind: 'replica.readReply', reqId: reads[0]!.msg.reqId, siblings: EMPTY }));
    h.jump(startMs + 1005);
    expect(h.detector.list()).toEqual([preference[1], preference[2]].sort());
    expect(h.sent.filter((s) => s.msg.kind === 'replica.read').map((s) => s.to)).toEqual(preference);
    expect(outcomes[0]).toMatchObject({ ok: false, code: 'QUORUM_FAILED' });
    expect(h.coordinator.inFlight).toBe(0);
  });

  it('a timer that fires late after a get answered closes its read-repair window first, and nothing later runs', () => {
    const h = harness();
    const startMs = h.now();
    h.step(() => h.coordinator.get({ key: 'k', r: 2, timeoutMs: 1000 }, () => undefined));
    const reads = h.sent.filter((s) => s.msg.kind === 'replica.read') as { to: string; msg: { reqId: number } }[];
    for (const { to, msg } of reads.slice(0, 2)) h.step(() => h.coordinator.receive(to, { kind: 'replica.readReply', reqId: msg.reqId, siblings: EMPTY }));
    // The window closed at +50, long before the silent replica's time-out at +300.
    h.jump(startMs + 400);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.detector.list()).toEqual([]);
    expect(h.sent.filter((s) => s.msg.kind === 'replica.read')).toHaveLength(3);
  });

  it('many requests in flight hold one timer each at most', () => {
    const h = harness();
    for (let i = 0; i < 50; i++) h.step(() => h.coordinator.get({ key: `k${i}`, r: 2, timeoutMs: 1000 }, () => undefined));
    expect(h.coordinator.inFlight).toBe(50);
    expect(h.sink.pendingTimers).toBe(50);
    h.advance(h.now() + 1000);
    expect(h.coordinator.inFlight).toBe(0);
    expect(h.sink.pendingTimers).toBe(0);
  });
});
