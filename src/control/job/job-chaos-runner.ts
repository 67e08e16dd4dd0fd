/**
 * Runs a job's chaos timetable (chaos-schedule.ts) against the node controllers, through the
 * seed's own endpoints: /set_msg_loss, /set_duplication, /set_msg_delay, their /unset_
 * counterparts, /stop_actor for a crash and /start_actor again for a restart. Every action
 * is printed when it is carried out; one that fails is printed and the others go on.
 */
import type { ChaosRule } from '../../api/cluster.js';
import type { ActorSpawn } from '../service.js';
import type { ScheduledChaos } from './chaos-schedule.js';
import type { ControllerClient } from './controller-client.js';

export class ChaosRunner {
  private readonly timers: NodeJS.Timeout[] = [];
  private pending = 0;
  failures = 0;

  constructor(
    private readonly controllers: ReadonlyMap<string, ControllerClient>,
    private readonly spawns: ReadonlyMap<string, ActorSpawn>,
    private readonly print: (line: string) => void,
  ) {}

  /** Schedules every action relative to now. */
  start(schedule: readonly ScheduledChaos[]): void {
    this.pending = schedule.length;
    for (const item of schedule) {
      this.timers.push(
        setTimeout(() => {
          void this.carryOut(item).finally(() => this.pending--);
        }, item.atMs),
      );
    }
  }

  /** Actions not yet carried out when the job ended. */
  get notReached(): number {
    return this.pending;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private async carryOut(item: ScheduledChaos): Promise<void> {
    const controller = this.controllers.get(item.controller);
    const at = `[chaos +${item.atMs}ms]`;
    try {
      if (!controller) throw new Error(`no controller ${item.controller}`);
      const action = item.action;
      switch (action.kind) {
        case 'crash':
          await controller.stopActor(item.actor);
          this.print(`${at} crash ${item.actor} on ${item.controller}`);
          return;
        case 'restart': {
          const spawn = this.spawns.get(item.actor);
          if (!spawn) throw new Error(`${item.actor} was never placed`);
          await controller.startActor(spawn);
          this.print(`${at} restart ${item.actor} on ${item.controller} (empty, under a new actor id)`);
          return;
        }
        case 'set':
          for (const [path, body] of setCalls(action.rule)) await controller.chaos(path, body);
          this.print(`${at} ${describeRule(action.rule)} on ${item.controller}`);
          return;
        case 'unset': {
          const { selector, effect } = action;
          const receiver = selector.node ?? selector.to ?? '';
          const senders = selector.from === undefined ? [] : [selector.from];
          const path = effect === 'loss' ? '/unset_msg_loss' : effect === 'duplicate' ? '/unset_msg_duplication' : '/unset_msg_delay';
          await controller.chaos(path, effect === 'delayMs' ? { actor_name: receiver, senders } : { actor_name: receiver });
          this.print(`${at} end of ${effect === 'delayMs' ? 'msg_delay' : effect === 'loss' ? 'msg_loss' : 'msg_duplication'} on ${receiver}${senders.length ? ` from ${senders[0]}` : ''}`);
          return;
        }
      }
    } catch (error) {
      this.failures++;
      this.print(`${at} FAILED ${item.action.kind} on ${item.actor}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The seed's endpoint calls that set one rule. */
function setCalls(rule: ChaosRule): [string, unknown][] {
  const receiver = rule.node ?? rule.to ?? '';
  const calls: [string, unknown][] = [];
  if (rule.loss !== undefined) calls.push(['/set_msg_loss', { actor_name: receiver, probability: rule.loss }]);
  if (rule.duplicate !== undefined) calls.push(['/set_duplication', { actor_name: receiver, factor: rule.duplicate.factor, probability: rule.duplicate.probability }]);
  if (rule.delayMs !== undefined) {
    const senders = rule.from === undefined ? [] : [rule.from];
    calls.push(['/set_msg_delay', { actor_name: receiver, delay_range_start: rule.delayMs[0], delay_range_end: rule.delayMs[1], senders }]);
  }
  return calls;
}

function describeRule(rule: ChaosRule): string {
  const where = rule.node !== undefined ? `on ${rule.node}` : `${rule.from ?? 'anyone'} -> ${rule.to ?? 'anyone'}`;
  const effects = [
    rule.loss !== undefined && `msg_loss ${rule.loss}`,
    rule.duplicate !== undefined && `msg_duplication ${rule.duplicate.probability} x${rule.duplicate.factor}`,
    rule.delayMs !== undefined && `msg_delay ${rule.delayMs[0]}-${rule.delayMs[1]} ms`,
  ].filter(Boolean);
  return `${effects.join(', ')} ${where}`;
}
