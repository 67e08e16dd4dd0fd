/**
 * The chaos calls of the controller's API, one per thing a person can do on the chaos view.
 * Crashing and restarting go through the actor that runs the node (Reactor's
 * /stop_actor and /start_actor), found by its nodeId in the controller's status.
 */
import type { Api } from './api.js';
import type { ActorStatus, ChaosEffect, ChaosRule, ChaosSelector, ControllerStatus } from './contracts.js';

const EVERY_EFFECT: readonly ChaosEffect[] = ['loss', 'duplicate', 'delayMs'];

export class ChaosActions {
  constructor(private readonly api: () => Api) {}

  async setRule(rule: ChaosRule): Promise<void> {
    await this.api().post('/chaos', rule);
  }

  /** Undoes a rule: every effect of the rules its exact selector picks. */
  async clearRule(selector: ChaosSelector): Promise<void> {
    await this.api().post('/chaos/clear', { selector, effects: EVERY_EFFECT });
  }

  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    await this.api().post('/partition', { groups });
  }

  async heal(): Promise<void> {
    await this.api().post('/heal', {});
  }

  /** Stops the actor that runs a node: its worker goes, as in a crash. */
  async crash(actorName: string): Promise<void> {
    await this.api().post('/stop_actor', actorName);
  }

  /** Starts a crashed node's actor again, under the same name. */
  async restart(actorName: string): Promise<void> {
    await this.api().post('/start_actor', { actor_name: actorName, operator_name: 'dynamo_node', lib_name: 'dynamo_new', payload: {} });
  }
}

/** The actors of `status` that run Dynamo nodes, by node id. */
export function nodeActors(status: ControllerStatus | null): Map<string, ActorStatus> {
  const actors = new Map<string, ActorStatus>();
  for (const actor of status?.actor_states ?? []) {
    if (actor.nodeId !== undefined) actors.set(actor.nodeId, actor);
  }
  return actors;
}

/** Whether a node's actor is down (stopped by a crash, or failed on its own). */
export function isDown(actor: ActorStatus, stopped: readonly string[]): boolean {
  return actor.state === 'stopped' || actor.state === 'failed' || (actor.nodeId !== undefined && stopped.includes(actor.nodeId));
}
