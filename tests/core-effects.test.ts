import { describe, expect, it } from 'vitest';
import { EffectSink, type Effect } from '../src/core/effects.js';

/** The host timers a drain asks for and cancels, as `set:ID@DELAY` and `cancel:ID`. */
function hostTimers(effects: readonly Effect[]): string[] {
  const out: string[] = [];
  for (const effect of effects) {
    if (effect.kind === 'setTimer') out.push(`set:${effect.timerId}@${effect.delayMs}`);
    if (effect.kind === 'cancelTimer') out.push(`cancel:${effect.timerId}`);
  }
  return out;
}

/** The one host timer the sink has asked for and not cancelled, from everything drained. */
function armedTimer(history: readonly Effect[]): number {
  const armed = new Set<number>();
  for (const effect of history) {
    if (effect.kind === 'setTimer') armed.add(effect.timerId);
    if (effect.kind === 'cancelTimer') armed.delete(effect.timerId);
  }
  expect(armed.size).toBe(1);
  return [...armed][0] as number;
}

describe('effects - EffectSink', () => {
  it('effects - sends and the host timer are collected in order and drain empties the sink', () => {
    const sink = new EffectSink();
    sink.send('n2', { kind: 'ping', seq: 1 });
    sink.setTimer(25, () => undefined);
    const effects = sink.drain();
    expect(effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    expect(effects[1]).toMatchObject({ kind: 'setTimer', delayMs: 25 });
    expect(sink.drain()).toEqual([]);
    // Draining forgets effects, not timers: the timer still fires.
    expect(sink.pendingTimers).toBe(1);
  });

  it('effects - many timers ask for one host timer, due with the earliest; an earlier one moves it', () => {
    const sink = new EffectSink();
    sink.begin(1000);
    const ids = [sink.setTimer(50, () => undefined), sink.setTimer(300, () => undefined), sink.setTimer(50.2, () => undefined)];
    expect(new Set(ids).size).toBe(3);
    const first = sink.drain();
    expect(hostTimers(first)).toEqual([`set:${armedTimer(first)}@50`]);
    // Delays round up to whole milliseconds, and a negative one is "now".
    sink.setTimer(-5, () => undefined);
    const moved = sink.drain();
    expect(hostTimers(moved)).toEqual([`cancel:${armedTimer(first)}`, `set:${armedTimer([...first, ...moved])}@0`]);
    expect(sink.pendingTimers).toBe(4);
  });

  it('effects - a fired host timer runs every timer due by then, in due order, each once', () => {
    const sink = new EffectSink();
    const ran: string[] = [];
    sink.begin(0);
    sink.setTimer(20, () => ran.push('c'));
    sink.setTimer(10, () => ran.push('a'));
    sink.setTimer(10, () => ran.push('b'));
    sink.setTimer(30, () => ran.push('d'));
    const history = sink.drain();
    sink.begin(25);
    const host = armedTimer(history);
    sink.fire(host);
    expect(ran).toEqual(['a', 'b', 'c']);
    // The one not yet due gets a host timer of its own, for exactly when it is due.
    const rearmed = sink.drain();
    expect(hostTimers(rearmed)).toEqual([`set:${armedTimer(rearmed)}@5`]);
    sink.fire(host);
    expect(ran).toEqual(['a', 'b', 'c']);
    sink.begin(30);
    sink.fire(armedTimer(rearmed));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - a cancelled timer does not fire; cancelling costs no effect until no timer is left', () => {
    const sink = new EffectSink();
    let runs = 0;
    sink.begin(0);
    const first = sink.setTimer(10, () => runs++);
    const second = sink.setTimer(20, () => runs++);
    const history = sink.drain();
    sink.cancelTimer(first);
    expect(sink.drain()).toEqual([]);
    sink.cancelTimer(second);
    expect(hostTimers(sink.drain())).toEqual([`cancel:${armedTimer(history)}`]);
    sink.begin(50);
    sink.fire(armedTimer(history));
    expect(runs).toBe(0);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - cancelling a timer that fired or never existed emits nothing, and an unknown host timer is ignored', () => {
    const sink = new EffectSink();
    const timerId = sink.setTimer(0, () => undefined);
    const history = sink.drain();
    sink.fire(armedTimer(history));
    expect(sink.drain()).toEqual([]);
    sink.cancelTimer(timerId);
    sink.cancelTimer(999);
    expect(sink.drain()).toEqual([]);
    expect(() => sink.fire(999)).not.toThrow();
  });

  it('effects - a timer callback may set new timers and send messages; a zero delay waits for the next host timer', () => {
    const sink = new EffectSink();
    const ran: string[] = [];
    sink.begin(0);
    sink.setTimer(5, () => {
      ran.push('first');
      sink.send('n1', { kind: 'pong', seq: 2 });
      sink.setTimer(0, () => ran.push('next'));
    });
    const history = sink.drain();
    sink.begin(5);
    sink.fire(armedTimer(history));
    expect(ran).toEqual(['first']);
    const effects = sink.drain();
    expect(effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    expect(hostTimers(effects)).toEqual([`set:${armedTimer(effects)}@0`]);
    sink.fire(armedTimer(effects));
    expect(ran).toEqual(['first', 'next']);
  });

  it('effects - a host that fires a hair early by rounding still runs the timer', () => {
    const sink = new EffectSink();
    let runs = 0;
    sink.begin(0.3);
    sink.setTimer(100, () => runs++);
    const history = sink.drain();
    sink.begin(100.3 - 1e-9);
    sink.fire(armedTimer(history));
    expect(runs).toBe(1);
  });

  it('effects - thousands of timers set and cancelled cost one host timer', () => {
    const sink = new EffectSink();
    sink.begin(0);
    sink.setTimer(1, () => undefined);
    for (let i = 0; i < 5000; i++) sink.cancelTimer(sink.setTimer(1000, () => undefined));
    expect(sink.pendingTimers).toBe(1);
    expect(hostTimers(sink.drain())).toHaveLength(1);
    // Cancelled timers behind a live head are compacted away, not kept until they surface.
    expect(sink.heldTimers).toBeLessThanOrEqual(1025);
    // And when the last live timer goes, the heap empties and the host timer is cancelled.
    sink.cancelTimer(1);
    expect(sink.heldTimers).toBe(0);
    expect(sink.drain().map((effect) => effect.kind)).toEqual(['cancelTimer']);
  });
});
