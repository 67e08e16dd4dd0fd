import { describe, expect, it } from 'vitest';
import { EffectSink } from '../src/core/effects.js';

describe('effects - EffectSink', () => {
  it('effects - send and setTimer are collected in order and drain empties the sink', () => {
    const sink = new EffectSink();
    sink.send('n2', { kind: 'ping', seq: 1 });
    const timerId = sink.setTimer(25, () => undefined);
    expect(sink.drain()).toEqual([
      { kind: 'send', to: 'n2', msg: { kind: 'ping', seq: 1 } },
      { kind: 'setTimer', timerId, delayMs: 25 },
    ]);
    expect(sink.drain()).toEqual([]);
    // Draining forgets effects, not timers: the timer still fires.
    expect(sink.pendingTimers).toBe(1);
  });

  it('effects - timer ids are distinct and delays are whole non-negative milliseconds', () => {
    const sink = new EffectSink();
    const ids = [sink.setTimer(1.2, () => undefined), sink.setTimer(-5, () => undefined), sink.setTimer(0, () => undefined)];
    expect(new Set(ids).size).toBe(3);
    expect(sink.drain().map((e) => (e.kind === 'setTimer' ? e.delayMs : null))).toEqual([2, 0, 0]);
  });

  it('effects - a fired timer runs its callback once', () => {
    const sink = new EffectSink();
    let runs = 0;
    const timerId = sink.setTimer(10, () => runs++);
    sink.fire(timerId);
    sink.fire(timerId);
    expect(runs).toBe(1);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - a cancelled timer does not fire, and its cancellation is an effect', () => {
    const sink = new EffectSink();
    let runs = 0;
    const timerId = sink.setTimer(10, () => runs++);
    sink.drain();
    sink.cancelTimer(timerId);
    sink.fire(timerId);
    expect(runs).toBe(0);
    expect(sink.drain()).toEqual([{ kind: 'cancelTimer', timerId }]);
    expect(sink.pendingTimers).toBe(0);
  });

  it('effects - cancelling a timer that fired or never existed emits nothing', () => {
    const sink = new EffectSink();
    const timerId = sink.setTimer(10, () => undefined);
    sink.fire(timerId);
    sink.drain();
    sink.cancelTimer(timerId);
    sink.cancelTimer(999);
    expect(sink.drain()).toEqual([]);
    // Firing an unknown id is ignored too: the host may deliver a stale timer.
    expect(() => sink.fire(999)).not.toThrow();
  });

  it('effects - a timer callback may set new timers and send messages into the same sink', () => {
    const sink = new EffectSink();
    const first = sink.setTimer(5, () => {
      sink.send('n1', { kind: 'pong', seq: 2 });
      sink.setTimer(5, () => undefined);
    });
    sink.drain();
    sink.fire(first);
    const effects = sink.drain();
    expect(effects.map((e) => e.kind)).toEqual(['send', 'setTimer']);
    expect(sink.pendingTimers).toBe(1);
  });
});
