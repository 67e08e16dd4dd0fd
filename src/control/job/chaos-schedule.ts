/**
 * A job's chaos as a timetable: every entry's crash, msg_loss, msg_duplication and msg_delay
 * turned into actions at times from the start of the job, in the terms of our fault layer's
 * ChaosRule. Pure: `dynamo job` runs the timetable; tests read it.
 *
 * Reactor's chaos acts where messages arrive (src/transport/chaos.ts), so each rule goes to
 * the controller hosting the actor whose entry carries it. Reactor names actors by
 * actor_name; our rules name network endpoints, which are the node_id of a Dynamo node and
 * the client_id of a client, so names are translated (in the seed's files they are equal).
 */
import type { ChaosRule, ChaosSelector } from '../../api/cluster.js';
import type { ChaosEffect } from '../service.js';
import type { ChaosPlan, JobPlan } from './job-plan.js';

export type ChaosAction =
  | { readonly kind: 'crash' }
  | { readonly kind: 'restart' }
  /** Set (or merge into the rule of the same selector) on the controller. */
  | { readonly kind: 'set'; readonly rule: ChaosRule }
  /** Remove one effect from the rules the selector picks: the end of a window. */
  | { readonly kind: 'unset'; readonly selector: ChaosSelector; readonly effect: ChaosEffect };

export interface ScheduledChaos {
  /** Ms from the start of the job. */
  readonly atMs: number;
  /** The actor_name of the entry whose chaos this is. */
  readonly actor: string;
  /** The controller hosting that actor, where the action is carried out. */
  readonly controller: string;
  readonly action: ChaosAction;
}

/** Every chaos action of the job, sorted by time; actions at the same time keep file order. */
export function chaosSchedule(plan: JobPlan): ScheduledChaos[] {
  const actors = [
    ...plan.dynamoNodes.map((node) => ({ actor: node.actorName, endpoint: node.nodeId, controller: node.controller, chaos: node.chaos })),
    ...plan.clients.map((client) => ({ actor: client.actorName, endpoint: client.clientId, controller: client.controller, chaos: client.chaos })),
  ];
  const endpointOf = new Map(actors.map((a) => [a.actor, a.endpoint]));
  const schedule = actors.flatMap(({ actor, endpoint, controller, chaos }) =>
    actionsOf(chaos, endpoint, (name) => endpointOf.get(name) ?? name).map((timed) => ({ ...timed, actor, controller })),
  );
  // Array.prototype.sort is stable, so same-time actions stay in the order they were made.
  return schedule.sort((a, b) => a.atMs - b.atMs);
}

type Timed = { atMs: number; action: ChaosAction };

/** The actions of one actor's chaos, `endpoint` being the actor's name on the network. */
function actionsOf(chaos: ChaosPlan, endpoint: string, endpointOf: (actor: string) => string): Timed[] {
  const timed: Timed[] = [];
  if (chaos.crash !== undefined) {
    timed.push({ atMs: chaos.crash.crashMs, action: { kind: 'crash' } });
    if (chaos.crash.restartMs !== undefined) timed.push({ atMs: chaos.crash.restartMs, action: { kind: 'restart' } });
  }
  const window = (startMs: number, stopMs: number | undefined, rule: ChaosRule, effect: ChaosEffect): void => {
    timed.push({ atMs: startMs, action: { kind: 'set', rule } });
    if (stopMs !== undefined) timed.push({ atMs: stopMs, action: { kind: 'unset', selector: selectorOf(rule), effect } });
  };
  // Reactor's msg_loss and msg_duplication draw for every message the actor receives.
  if (chaos.loss !== undefined) window(chaos.loss.startMs, chaos.loss.stopMs, { node: endpoint, loss: chaos.loss.probability }, 'loss');
  const duplication = chaos.duplication;
  if (duplication !== undefined) {
    const duplicate = { probability: duplication.probability, factor: duplication.factor };
    window(duplication.startMs, duplication.stopMs, { node: endpoint, duplicate }, 'duplicate');
  }
  // Reactor's msg_delay delays what the actor receives from the listed senders, or from anyone.
  const delay = chaos.delay;
  if (delay !== undefined) {
    const delayMs: [number, number] = [delay.delayMs[0], delay.delayMs[1]];
    if (delay.senders.length === 0) window(delay.startMs, delay.stopMs, { node: endpoint, delayMs }, 'delayMs');
    for (const sender of delay.senders) window(delay.startMs, delay.stopMs, { from: endpointOf(sender), to: endpoint, delayMs }, 'delayMs');
  }
  return timed;
}

function selectorOf(rule: ChaosRule): ChaosSelector {
  if (rule.node !== undefined) return { node: rule.node };
  return { ...(rule.from === undefined ? {} : { from: rule.from }), ...(rule.to === undefined ? {} : { to: rule.to }) };
}
