import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimerQueue } from '../src/runtime/timer-queue.js';

describe('TimerQueue: many timers on one Node timer', () => {
  let clockMs = 0;
  const queue = (): TimerQueue => new TimerQueue(() => clockMs);
  /** Moves both our clock and Node's fake timers forward. */
  const advance = (ms: number): void => {
    for (let i = 0; i < ms; i++) {
      clockMs += 1;
      vi.advanceTimersByTime(1);
    }
  };

  beforeEach(() => {
    vi.useFakeTimers();
    clockMs = 1000;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each entry once, when it is due, in due order (ties in scheduling order)', () => {
    const timers = queue();
    const ran: string[] = [];
    timers.schedule(30, () => ran.push('c'));
    timers.schedule(10, () => ran.push('a'));
    timers.schedule(10, () => ran.push('b'));
    timers.schedule(0, () => ran.push('now'));
    advance(9);
    expect(ran).toEqual(['now']);
    advance(2);
    expect(ran).toEqual(['now', 'a', 'b']);
    advance(30);
    expect(ran).toEqual(['now', 'a', 'b', 'c']);
    expect(timers.pending).toBe(0);
  });

  it('holds one Node timer however many entries are pending', () => {
    const timers = queue();
    for (let i = 0; i < 500; i++) timers.schedule(100 + i, () => undefined);
    expect(vi.getTimerCount()).toBe(1);
    expect(timers.pending).toBe(500);
  });

  it('re-arms earlier when an entry is due before the armed one', () => {
    const timers = queue();
    const ran: number[] = [];
    timers.schedule(1000, () => ran.push(1000));
    timers.schedule(5, () => ran.push(5));
    advance(6);
    expect(ran).toEqual([5]);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('never runs a cancelled entry, and cancelling twice is harmless', () => {
    const timers = queue();
    const ran: string[] = [];
    const a = timers.schedule(10, () => ran.push('a'));
    timers.schedule(20, () => ran.push('b'));
    timers.cancel(a);
    timers.cancel(a);
    expect(timers.pending).toBe(1);
    advance(25);
    expect(ran).toEqual(['b']);
  });

  it('lets an entry schedule another from inside its run', () => {
    const timers = queue();
    const ran: number[] = [];
    const tick = (n: number): void => {
      ran.push(n);
      if (n < 3) timers.schedule(5, () => tick(n + 1));
    };
    timers.schedule(5, () => tick(1));
    advance(30);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('compacts a heap of mostly cancelled entries and still runs the live ones', () => {
    const timers = queue();
    const ran: number[] = [];
    const entries = Array.from({ length: 5000 }, (_, i) => timers.schedule(50 + (i % 7), () => ran.push(i)));
    for (const [i, entry] of entries.entries()) if (i % 100 !== 0) timers.cancel(entry);
    expect(timers.pending).toBe(50);
    advance(60);
    expect(ran.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i * 100));
  });

  it('does not keep the process alive once nothing is pending, and clear releases the timer', () => {
    const timers = queue();
    const entry = timers.schedule(100, () => undefined);
    timers.cancel(entry);
    expect(timers.pending).toBe(0);
    timers.schedule(100, () => undefined);
    timers.clear();
    expect(vi.getTimerCount()).toBe(0);
    expect(timers.pending).toBe(0);
  });
});
