/**
 * The one effect host, on a fake transport and a manual clock: it performs every effect a
 * machine returns, feeds timers and arrivals back as inputs, drops what is not a message,
 * survives a machine that throws, and stops cleanly.
 */
import { describe, expect, it } from 'vitest';
import { EffectSink, type Effect, type HostInput, type StateMachine } from '../src/core/effects.js';
import type { Message } from '../src/protocol/messages.js';
import type { GetOutcome, PutOutcome } from '../src/protocol/outcomes.js';
import { EffectHost, type Scheduler } from '../src/runtime/effect-host.js';
import type { Transport } from '../src/transport/transport.js';

type Input = HostInput | { readonly kind: 'poke'; readonly nowMs: number; readonly effects: Effect[] };

/** A machine that records its inputs and returns what it was told to. */
class Scripted implements StateMachine<Input> {
  readonly inputs: Input[] = [];
  onTimer: Effect[] = [];
  throwOn: string | null = null;

  step(input: Input): Effect[] {
    this.inputs.push(input);
    if (input.kind === this.throwOn) throw new Error(`broken on ${input.kind}`);
    if (input.kind === 'poke') return input.effects;
    if (input.kind === 'timer') return this.onTimer;
    return [];
  }
}

/** A machine on the core's own EffectSink, with two timers of which the first throws. */
class TwoTimers implements StateMachine<Input> {
  private readonly sink = new EffectSink();
  readonly ran: string[] = [];

  step(input: Input): Effect[] {
    return this.sink.step(input.nowMs, (step: Input) => this.handle(step), input);
  }

  private handle(input: Input): void {
    if (input.kind === 'poke') {
      this.sink.setTimer(10, () => {
        throw new Error('the 10 ms timer is broken');
      });
      this.sink.setTimer(20, () => this.ran.push('20 ms'));
      this.sink.send('n1', { kind: 'ping', seq: 1 });
    }
    if (input.kind === 'timer') this.sink.fire(input.timerId);
  }
}

class FakeTransport implements Transport {
  readonly sent: { to: string; msg: Message }[] = [];
  handler: (from: string, msg: unknown) => void = () => undefined;
  send(to: string, msg: Message): void {
    this.sent.push({ to, msg });
  }
  onMessage(handler: (from: string, msg: unknown) => void): void {
    this.handler = handler;
  }
}

class ManualClock implements Scheduler {
  now = 0;
  private next = 1;
  readonly due = new Map<number, { atMs: number; run: () => void }>();
  nowMs(): number {
    return this.now;
  }
  schedule(delayMs: number, run: () => void): number {
    const handle = this.next++;
    this.due.set(handle, { atMs: this.now + delayMs, run });
    return handle;
  }
  cancel(handle: number): void {
    this.due.delete(handle);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [handle, timer] of [...this.due]) {
      if (timer.atMs > this.now) continue;
      this.due.delete(handle);
      timer.run();
    }
  }
}

function setup(): { machine: Scripted; transport: FakeTransport; clock: ManualClock; host: EffectHost<Input>; settled: [number, GetOutcome | PutOutcome][]; failures: unknown[] } {
  const machine = new Scripted();
  const transport = new FakeTransport();
  const clock = new ManualClock();
  const settled: [number, GetOutcome | PutOutcome][] = [];
  const failures: unknown[] = [];
  const host = new EffectHost<Input>(machine, transport, clock, { settled: (id, outcome) => settled.push([id, outcome]), failed: (error) => failures.push(error) });
  return { machine, transport, clock, host, settled, failures };
}

const ping: Message = { kind: 'ping', seq: 1 };

describe('effect host', () => {
  it('effect host - sends, settles, and turns a timer into a timer input at its time', () => {
    const { machine, transport, clock, host, settled } = setup();
    const outcome: PutOutcome = { ok: true, context: { clock: [] }, ackedBy: ['n1'] };
    machine.onTimer = [{ kind: 'send', to: 'n2', msg: ping }];
    host.input({ kind: 'poke', nowMs: 0, effects: [{ kind: 'send', to: 'n1', msg: ping }, { kind: 'setTimer', timerId: 7, delayMs: 50 }, { kind: 'settle', requestId: 3, outcome }] });
    expect(transport.sent).toEqual([{ to: 'n1', msg: ping }]);
    expect(settled).toEqual([[3, outcome]]);
    clock.advance(49);
    expect(machine.inputs.filter((i) => i.kind === 'timer')).toEqual([]);
    clock.advance(1);
    expect(machine.inputs.filter((i) => i.kind === 'timer')).toEqual([{ kind: 'timer', timerId: 7, nowMs: 50 }]);
    expect(transport.sent.map((s) => s.to)).toEqual(['n1', 'n2']);
  });

  it('effect host - a cancelled timer never fires', () => {
    const { machine, clock, host } = setup();
    host.input({ kind: 'poke', nowMs: 0, effects: [{ kind: 'setTimer', timerId: 1, delayMs: 10 }, { kind: 'cancelTimer', timerId: 1 }] });
    clock.advance(100);
    expect(machine.inputs.some((i) => i.kind === 'timer')).toBe(false);
  });

  it('effect host - arrivals become receive inputs; what is not a message is counted and dropped', () => {
    const { machine, transport, clock, host } = setup();
    clock.now = 12;
    transport.handler('n3', ping);
    transport.handler('n3', { kind: 'ping', seq: -1 });
    transport.handler('n3', 'garbage');
    expect(machine.inputs).toEqual([{ kind: 'receive', from: 'n3', msg: ping, nowMs: 12 }]);
    expect(host.invalidMessages).toBe(2);
  });

  it('effect host - a machine that throws loses that input only; the error is counted and reported', () => {
    const { machine, transport, host, failures } = setup();
    machine.throwOn = 'receive';
    transport.handler('n1', ping);
    expect(host.internalErrors).toBe(1);
    expect(String(failures[0])).toMatch(/broken on receive/);
    host.input({ kind: 'poke', nowMs: 0, effects: [{ kind: 'send', to: 'n1', msg: ping }] });
    expect(transport.sent).toHaveLength(1);
  });

  it('effect host - a core timer that throws is reported, and the machine\'s other timers still fire with no other input', () => {
    const machine = new TwoTimers();
    const transport = new FakeTransport();
    const clock = new ManualClock();
    const failures: unknown[] = [];
    const host = new EffectHost<Input, number>(machine, transport, clock, { settled: () => undefined, failed: (error) => failures.push(error) });
    host.input({ kind: 'poke', nowMs: 0, effects: [] });
    expect(transport.sent).toHaveLength(1);
    clock.advance(10);
    expect(host.internalErrors).toBe(1);
    // The host's hook gets the machine's own error, not the wrapper that carried its effects.
    expect(String(failures[0])).toMatch(/the 10 ms timer is broken/);
    clock.advance(10);
    expect(machine.ran).toEqual(['20 ms']);
    expect(clock.due.size).toBe(0);
  });

  it('effect host - once stopped, its timers are cancelled and nothing reaches the machine', () => {
    const { machine, transport, clock, host } = setup();
    host.input({ kind: 'poke', nowMs: 0, effects: [{ kind: 'setTimer', timerId: 1, delayMs: 10 }] });
    host.stop();
    expect(clock.due.size).toBe(0);
    transport.handler('n1', ping);
    host.input({ kind: 'poke', nowMs: 0, effects: [{ kind: 'send', to: 'n1', msg: ping }] });
    expect(machine.inputs).toHaveLength(1);
    expect(transport.sent).toEqual([]);
  });
});
