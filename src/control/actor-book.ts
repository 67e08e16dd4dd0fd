/** The actors a node controller hosts, by name, with their state; every change is announced. */
import type { ClientActor } from '../runtime/client-actor.js';
import type { ActorState, ActorStatus } from './service.js';

export interface ActorRecord {
  readonly name: string;
  readonly operator: string;
  state: ActorState;
  /** Set for a Dynamo node. */
  readonly nodeId?: string;
  /** Set for a client actor. */
  readonly client?: ClientActor;
  readonly clientId?: string;
}

export class ActorBook {
  private readonly records = new Map<string, ActorRecord>();

  constructor(private readonly changed: (status: ActorStatus) => void) {}

  add(record: ActorRecord): void {
    this.records.set(record.name, record);
    this.changed(statusOf(record));
  }

  get(name: string): ActorRecord | undefined {
    return this.records.get(name);
  }

  remove(name: string): void {
    this.records.delete(name);
  }

  setState(name: string, state: ActorState): void {
    const record = this.records.get(name);
    if (!record || record.state === state) return;
    record.state = state;
    this.changed(statusOf(record));
  }

  byNode(nodeId: string): ActorRecord | undefined {
    return [...this.records.values()].find((record) => record.nodeId === nodeId);
  }

  isClientId(id: string): boolean {
    return [...this.records.values()].some((record) => record.clientId === id);
  }

  /** Reactor's `actors` of /status: those running now. */
  running(): string[] {
    return [...this.records.values()].filter((record) => record.state === 'running').map((record) => record.name);
  }

  names(): string[] {
    return [...this.records.keys()];
  }

  all(): ActorStatus[] {
    return [...this.records.values()].map(statusOf);
  }

  /** Every client actor by name, ended and stopped ones too (the performance view reads their last report). */
  clientActors(): [name: string, client: ClientActor][] {
    return [...this.records.values()].flatMap((record) => (record.client ? [[record.name, record.client] as [string, ClientActor]] : []));
  }

  clients(): ClientActor[] {
    return [...this.records.values()].flatMap((record) => (record.client?.running ? [record.client] : []));
  }

  clear(): void {
    this.records.clear();
  }
}

function statusOf(record: ActorRecord): ActorStatus {
  return { name: record.name, operator: record.operator, state: record.state, ...(record.nodeId !== undefined && { nodeId: record.nodeId }) };
}
